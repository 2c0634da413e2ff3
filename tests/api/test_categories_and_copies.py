"""The category list, suggestions and their review, and duplicating an event, over real HTTP (#24 §6, §7)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import CategorySuggestion, Event, TicketTier
from eventpalour.services.events.categories import DEFAULT_CATEGORIES
from tests.api.serving import assert_json_error
from tests.api.support import with_session
from tests.factories import add_member, make_admin, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def scene():
    owner = make_organizer()
    return owner, make_workspace(owner)


def test_anyone_reads_the_category_list(http: httpx.Client):
    response = http.get("/api/categories")
    assert response.status_code == 200
    listed = response.json()["categories"]
    assert listed[-1] == {"slug": "other", "name": "Other"}
    assert sorted(c["name"] for c in listed) == sorted(DEFAULT_CATEGORIES)
    assert {"slug": "arts-culture", "name": "Arts & Culture"} in listed


def test_a_suggestion_approved_by_an_admin_joins_the_list(http: httpx.Client, scene):
    owner, workspace = scene
    organizer = with_session(http, owner.token)
    url = f"/api/workspace/{workspace.id}/category-suggestions"
    sent = organizer.post(url, json={"name": "Comedy"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "pending"
    suggestion_id = sent.json()["id"]
    assert "Comedy" in assert_json_error(organizer.post(url, json={"name": "comedy"}), 400)
    listed = assert_json_error(organizer.post(url, json={"name": "Music"}), 400)
    assert listed == "Music is already in the list; pick it there."
    assert_json_error(organizer.get("/api/admin/category-suggestions"), 403)

    admin = with_session(httpx.Client(base_url=http.base_url), make_admin("moderator").token)
    queue = admin.get("/api/admin/category-suggestions")
    assert [(s["name"], s["workspaceName"]) for s in queue.json()["suggestions"]] == [("Comedy", workspace.name)]
    decided = admin.post(
        "/api/admin/category-suggestions/decide", json={"suggestionId": suggestion_id, "decision": "approved"}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert {"slug": "comedy", "name": "Comedy"} in http.get("/api/categories").json()["categories"]
    again = admin.post(
        "/api/admin/category-suggestions/decide", json={"suggestionId": suggestion_id, "decision": "rejected"}
    )
    assert assert_json_error(again, 409) == "This suggestion was already approved."
    assert_json_error(
        admin.post("/api/admin/category-suggestions/decide", json={"suggestionId": "nope", "decision": "approved"}), 404
    )


def test_members_cannot_suggest_and_nothing_is_stored(http: httpx.Client, scene):
    _, workspace = scene
    member = make_user()
    add_member(workspace.id, member, "member")
    client = with_session(http, member.token)
    assert_json_error(client.post(f"/api/workspace/{workspace.id}/category-suggestions", json={"name": "Comedy"}), 403)
    with read_only() as session:
        assert session.exec(select(CategorySuggestion)).all() == []


def test_duplicate_makes_a_draft_copy_with_tiers_and_later_dates(http: httpx.Client, scene):
    owner, workspace = scene
    event = make_event(owner, workspace.id, publish=True)
    client = with_session(http, owner.token)
    response = client.post(f"/api/events/{event.id}/duplicate")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft" and body["title"] == "Jazz on the Lawn (copy)"
    assert body["manageUrl"] == f"/workspace/{workspace.id}/events/{body['shortId']}"
    with read_only() as session:
        copy = session.get(Event, body["id"])
        tiers = session.exec(select(TicketTier.name, TicketTier.quantity).where(TicketTier.event_id == copy.id)).all()
    assert copy.start_at - event.start_at == timedelta(days=7)
    assert tiers == [("General", 100)]


def test_duplicate_is_refused_to_members_and_strangers(http: httpx.Client, scene):
    owner, workspace = scene
    event = make_event(owner, workspace.id)
    member = make_user()
    add_member(workspace.id, member, "member")
    assert_json_error(with_session(http, member.token).post(f"/api/events/{event.id}/duplicate"), 403)
    stranger = httpx.Client(base_url=http.base_url)
    assert_json_error(stranger.post(f"/api/events/{event.id}/duplicate"), 401)
    with read_only() as session:
        assert len(session.exec(select(Event)).all()) == 1
