"""GET/POST/PATCH/DELETE /api/workspace/{id}/tier-templates over real HTTP: roles, field errors in the
JSON error format, unique names, partial updates, and the routes in the OpenAPI schema."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import TierTemplate
from tests.api.serving import assert_json_error
from tests.api.support import with_session
from tests.factories import add_member, make_organizer, make_user, make_workspace

VIP = {"name": "VIP", "description": "Front row", "price": 500000, "currency": "KES", "quantity": 50, "maxPerOrder": 4}


def _stored() -> list[tuple]:
    with read_only() as session:
        rows = session.exec(select(TierTemplate).order_by(TierTemplate.name_key)).all()
        return [(t.name, t.price, t.currency, t.quantity, t.max_per_order) for t in rows]


@pytest.fixture
def scene():
    owner = make_organizer()
    workspace = make_workspace(owner)
    return owner, workspace, f"/api/workspace/{workspace.id}/tier-templates"


def test_owner_adds_lists_changes_and_deletes(http: httpx.Client, scene):
    owner, _, url = scene
    client = with_session(http, owner.token)

    created = client.post(url, json=VIP)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in VIP} == VIP and body["id"] and body["createdAt"]
    assert client.post(url, json={"name": "Guest"}).status_code == 201  # free, unlimited, 10 per order

    listed = client.get(url)
    assert listed.status_code == 200
    assert [(t["name"], t["price"], t["quantity"], t["maxPerOrder"]) for t in listed.json()["templates"]] == [
        ("Guest", 0, None, 10),
        ("VIP", 500000, 50, 4),
    ]

    patched = client.patch(f"{url}/{body['id']}", json={"price": 750000, "quantity": None})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["price"], patched.json()["quantity"]) == ("VIP", 750000, None)

    deleted = client.delete(f"{url}/{body['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert _stored() == [("Guest", 0, "KES", None, 10)]
    assert_json_error(client.delete(f"{url}/{body['id']}"), 404)


def test_bad_fields_come_back_named(http: httpx.Client, scene):
    owner, _, url = scene
    bad = {**VIP, "name": "", "price": 100, "quantity": 0, "maxPerOrder": 51, "currency": "EUR"}
    response = with_session(http, owner.token).post(url, json=bad)
    assert_json_error(response, 400)
    paths = {tuple(d["path"]) for d in response.json()["details"]}
    assert paths == {("name",), ("currency",), ("quantity",), ("max_per_order",)}
    assert _stored() == []


def test_minimum_charge_follows_the_currency(http: httpx.Client, scene):
    owner, _, url = scene
    response = with_session(http, owner.token).post(url, json={**VIP, "price": 4000, "currency": "NGN"})
    assert "at least NGN 50.00" in assert_json_error(response, 400)
    assert response.json()["details"][0]["path"] == ["price"]
    assert _stored() == []


def test_a_name_is_unique_whatever_its_case(http: httpx.Client, scene):
    owner, _, url = scene
    client = with_session(http, owner.token)
    assert client.post(url, json=VIP).status_code == 201
    guest = client.post(url, json={"name": "Guest"}).json()
    response = client.post(url, json={**VIP, "name": "vip"})
    assert "already has a template called vip" in assert_json_error(response, 400)
    assert response.json()["details"] == [{"path": ["name"], "message": response.json()["error"]}]
    assert_json_error(client.patch(f"{url}/{guest['id']}", json={"name": "Vip"}), 400)
    assert [row[0] for row in _stored()] == ["Guest", "VIP"]


def test_wrong_types_and_unknown_fields_are_refused(http: httpx.Client, scene):
    owner, _, url = scene
    client = with_session(http, owner.token)
    assert_json_error(client.post(url, json={**VIP, "price": "5000"}), 422)
    assert_json_error(client.post(url, json={**VIP, "color": "red"}), 422)
    assert_json_error(client.post(url, content=b"{", headers={"content-type": "application/json"}), 400)
    assert _stored() == []


def test_roles_below_moderator_and_strangers_are_refused(http: httpx.Client, scene):
    owner, workspace, url = scene
    made = with_session(http, owner.token).post(url, json=VIP).json()
    member = make_user()
    add_member(workspace.id, member, "member")
    http.cookies.clear()
    assert_json_error(http.get(url), 401)
    assert_json_error(http.post(url, json={"name": "Anon"}), 401)
    client = with_session(http, member.token)
    assert "moderator" in assert_json_error(client.get(url), 403)
    assert_json_error(client.post(url, json={"name": "Member"}), 403)
    assert_json_error(client.patch(f"{url}/{made['id']}", json={"name": "Member"}), 403)
    assert_json_error(client.delete(f"{url}/{made['id']}"), 403)
    assert_json_error(with_session(http, make_organizer().token).get(url), 403)
    assert _stored() == [("VIP", 500000, "KES", 50, 4)]


def test_moderators_may_keep_templates(http: httpx.Client, scene):
    _, workspace, url = scene
    moderator = make_user()
    add_member(workspace.id, moderator, "moderator")
    assert with_session(http, moderator.token).post(url, json=VIP).status_code == 201


def test_another_workspaces_template_is_not_found(http: httpx.Client, scene):
    owner, _, url = scene
    made = with_session(http, owner.token).post(url, json=VIP).json()
    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Other Society")
    client = with_session(http, other_owner.token)
    other_url = f"/api/workspace/{other.id}/tier-templates/{made['id']}"
    assert_json_error(client.patch(other_url, json={"name": "Mine"}), 404)
    assert_json_error(client.delete(other_url), 404)
    assert_json_error(client.get("/api/workspace/doesnotexist0000/tier-templates"), 404)
    assert _stored() == [("VIP", 500000, "KES", 50, 4)]


def test_the_routes_are_in_the_openapi_schema(http: httpx.Client):
    schema = http.get("/api/openapi.json").json()
    collection = schema["paths"]["/api/workspace/{workspace_id}/tier-templates"]
    item = schema["paths"]["/api/workspace/{workspace_id}/tier-templates/{template_id}"]
    assert set(collection) == {"get", "post"} and set(item) == {"patch", "delete"}
    assert {"401", "403", "404"} <= set(collection["get"]["responses"])
    assert {"400", "401", "403", "404", "422", "429"} <= set(collection["post"]["responses"])
    assert "201" in collection["post"]["responses"] and "204" in item["delete"]["responses"]
    assert "TierTemplateOut" in schema["components"]["schemas"]
