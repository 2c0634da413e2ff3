"""/api/events/{id}/discount-codes and POST /api/checkout/orders with a code, over real HTTP (#19)."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from tests.api.support import with_session
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def event(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner, workspace.id, publish=True, pricing="paid", tiers=[TierInput(name="VIP", price=250000, quantity=30)]
    )
    return owner, event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _codes(event_id: str) -> str:
    return f"/api/events/{event_id}/discount-codes"


def test_moderators_manage_codes_and_buyers_use_them(http: httpx.Client, event):
    owner, ev, tier_id = event
    client = with_session(http, owner.token)
    created = client.post(
        _codes(ev.id),
        json={"code": "half", "kind": "percent", "value": 50, "maxUses": 2, "validUntil": "2099-01-01T00:00:00Z"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["code"], body["label"], body["max_uses"], body["uses_held"]) == ("HALF", "50% off", 2, 0)

    buyer = with_session(httpx.Client(base_url=str(http.base_url)), make_user().token)
    order = buyer.post("/api/checkout/orders", json={"event_id": ev.id, "quantities": {tier_id: 1}, "code": "Half"})
    assert order.status_code == 201, order.text
    assert (order.json()["discount"], order.json()["code"], order.json()["amount"]) == (125000, "HALF", 125000)

    listed = client.get(_codes(ev.id)).json()
    assert [(c["code"], c["uses_held"]) for c in listed] == [("HALF", 1)]

    off = client.post(f"{_codes(ev.id)}/{body['id']}/active", json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    refused = with_session(httpx.Client(base_url=str(http.base_url)), make_user().token).post(
        "/api/checkout/orders", json={"event_id": ev.id, "quantities": {tier_id: 1}, "code": "HALF"}
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["details"][0]["path"] == ["code"], refused.text

    changed = client.put(f"{_codes(ev.id)}/{body['id']}", json={"kind": "fixed", "value": 1000, "maxUses": 0})
    assert changed.status_code == 400 and "max_uses" in changed.text


def test_bulk_codes_download_as_csv(http: httpx.Client, event):
    owner, ev, _ = event
    client = with_session(http, owner.token)
    made = client.post(f"{_codes(ev.id)}/bulk", json={"count": 50, "prefix": "GUEST", "kind": "percent", "value": 100})
    assert made.status_code == 201, made.text
    assert len(made.json()) == 50 and all(c["max_uses"] == 1 for c in made.json())
    exported = client.get(f"{_codes(ev.id)}.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][0] == "code" and {r[0] for r in rows[1:]} == {c["code"] for c in made.json()}


def test_members_and_strangers_are_refused(http: httpx.Client, event):
    _, ev, _ = event
    member = make_user()
    add_member(ev.workspace_id, member, "member")
    assert with_session(http, member.token).get(_codes(ev.id)).status_code == 403
    stranger = with_session(httpx.Client(base_url=str(http.base_url)), make_user().token)
    assert stranger.post(_codes(ev.id), json={"code": "abc", "kind": "percent", "value": 5}).status_code == 403
