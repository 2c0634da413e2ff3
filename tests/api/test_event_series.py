"""POST/GET /api/events/{id}/series and GET /api/events/{short_id}/dates over real HTTP (#22 §3)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Event, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.sales import checkout
from tests.api.serving import assert_json_error
from tests.api.support import with_session
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def scene():
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="General", price=0, quantity=10)])
    return owner, workspace, event


def test_weekly_series_of_four_and_its_public_dates(http: httpx.Client, scene):
    owner, workspace, event = scene
    client = with_session(http, owner.token)
    response = client.post(f"/api/events/{event.id}/series", json={"rule": "weekly", "count": 4})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["label"] == "Every week · 4 dates" and not body["canRepeat"]
    assert [d["isCurrent"] for d in body["dates"]] == [True, False, False, False]
    with read_only() as session:
        dates = session.exec(select(Event).where(Event.series_id == body["seriesId"]).order_by(Event.start_at)).all()
        tiers = session.exec(select(TicketTier.event_id, TicketTier.quantity)).all()
    assert [d.start_at - event.start_at for d in dates] == [timedelta(weeks=n) for n in range(4)]
    assert sorted(tiers) == sorted((d.id, 10) for d in dates)

    second = body["dates"][1]
    tier_id = next(t for e, t in _tier_ids() if e == second["eventId"])
    checkout.book_ticket(actor=make_user().summary, event_id=second["shortId"], quantities={tier_id: 3})
    public = http.get(f"/api/events/{event.short_id}/dates")
    assert public.status_code == 200
    assert [(d["shortId"], d["availability"], d["canBuy"]) for d in public.json()] == [
        (d["shortId"], "7 tickets left" if d is second else "10 tickets left", True) for d in body["dates"]
    ]
    assert client.get(f"/api/events/{event.id}/series").json()["seriesId"] == body["seriesId"]


def _tier_ids() -> list[tuple[str, str]]:
    with read_only() as session:
        return list(session.exec(select(TicketTier.event_id, TicketTier.id)).all())


def test_bad_rules_get_field_errors_and_nothing_is_created(http: httpx.Client, scene):
    owner, workspace, event = scene
    client = with_session(http, owner.token)
    for body, field in (
        ({"rule": "weekly"}, "until_date"),
        ({"rule": "weekly", "count": 101}, "count"),
        ({"rule": "fortnightly", "count": 3}, "rule"),
        ({"rule": "dates", "dates": ["2020-01-01"]}, "dates"),
        ({"rule": "daily", "untilDate": "someday"}, "until_date"),
    ):
        response = client.post(f"/api/events/{event.id}/series", json=body)
        assert_json_error(response, 400)
        assert field in [d["path"][0] for d in response.json()["details"]], response.text
    with read_only() as session:
        assert len(session.exec(select(Event)).all()) == 1
    assert http.get(f"/api/events/{event.short_id}/dates").json() == []


def test_repeat_is_refused_to_members_strangers_and_twice(http: httpx.Client, scene):
    owner, workspace, event = scene
    member = make_user()
    add_member(workspace.id, member, "member")
    path = f"/api/events/{event.id}/series"
    assert_json_error(with_session(http, member.token).post(path, json={"rule": "daily", "count": 2}), 403)
    assert_json_error(httpx.Client(base_url=http.base_url).post(path, json={"rule": "daily", "count": 2}), 401)
    client = with_session(http, owner.token)
    assert client.post(path, json={"rule": "daily", "count": 2}).status_code == 201
    assert "already repeats" in assert_json_error(client.post(path, json={"rule": "daily", "count": 2}), 409)
    other_owner = make_organizer()
    assert_json_error(with_session(http, other_owner.token).get(path), 403)


def test_preview_then_extend_a_series_over_http(http: httpx.Client, scene):
    owner, workspace, event = scene
    client = with_session(http, owner.token)
    client.post(f"/api/events/{event.id}/series", json={"rule": "weekly", "count": 4})
    change = {"mode": "extend", "rule": "weekly", "count": 4}
    preview = client.post(f"/api/events/{event.id}/series/preview", json=change)
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert len(plan["added"]) == 4 and plan["removed"] == [] and plan["kept"] == [] and plan["total"] == 8
    response = client.put(f"/api/events/{event.id}/series/dates", json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["label"] == "Every week · 8 dates" and [d["label"] for d in body["dates"][4:]] == plan["added"]
    assert len(http.get(f"/api/events/{event.short_id}/dates").json()) == 8


def test_series_changes_answer_field_errors_and_refusals(http: httpx.Client, scene):
    owner, workspace, event = scene
    client = with_session(http, owner.token)
    one_off = client.post(
        f"/api/events/{event.id}/series/preview", json={"mode": "extend", "rule": "weekly", "count": 2}
    )
    assert_json_error(one_off, 409)
    client.post(f"/api/events/{event.id}/series", json={"rule": "weekly", "count": 4})
    for body, field in (
        ({"mode": "extend", "rule": "weekly", "count": 97}, "count"),
        ({"mode": "extend", "rule": "weekly"}, "until_date"),
        ({"mode": "rerule", "rule": "weekly", "count": 4}, "rule"),
        ({"mode": "sideways", "rule": "weekly", "count": 2}, "mode"),
    ):
        response = client.put(f"/api/events/{event.id}/series/dates", json=body)
        assert_json_error(response, 400)
        assert field in [d["path"][0] for d in response.json()["details"]], response.text
    member = make_user()
    add_member(workspace.id, member, "member")
    refused = with_session(http, member.token).post(
        f"/api/events/{event.id}/series/preview", json={"mode": "extend", "rule": "weekly", "count": 2}
    )
    assert_json_error(refused, 403)
    with read_only() as session:
        assert len(session.exec(select(Event)).all()) == 4


def test_series_tiers_and_postpone_for_this_and_later_dates(http: httpx.Client, scene):
    owner, workspace, event = scene
    client = with_session(http, owner.token)
    dates = client.post(f"/api/events/{event.id}/series", json={"rule": "weekly", "count": 3}).json()["dates"]
    second, third = dates[1], dates[2]
    tier_of = dict(_tier_ids())
    checkout.book_ticket(
        actor=make_user().summary, event_id=third["shortId"], quantities={tier_of[third["eventId"]]: 4}
    )
    tier = next(t for e, t in _tier_ids() if e == second["eventId"])
    too_few = client.put(
        f"/api/events/{second['eventId']}/series/tiers",
        json={"tiers": [{"id": tier, "name": "General", "quantity": 3}]},
    )
    assert_json_error(too_few, 400)
    detail = too_few.json()["details"][0]
    assert detail["path"] == ["tiers", 0, "quantity"] and detail["message"].startswith(f"On {third['label']}, ")
    vip = {"name": "Door", "quantity": 5, "hidden": True}
    saved = client.put(
        f"/api/events/{second['eventId']}/series/tiers",
        json={"tiers": [{"id": tier, "name": "General", "quantity": 6}, vip]},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["laterDates"] == 1 and saved.json()["notes"] == []
    with read_only() as session:
        rows = session.exec(select(TicketTier.event_id, TicketTier.name, TicketTier.quantity)).all()
    assert sorted((e, n, q) for e, n, q in rows if e != event.id) == sorted(
        [(second["eventId"], "General", 6), (second["eventId"], "Door", 5)]
        + [(third["eventId"], "General", 6), (third["eventId"], "Door", 5)]
    )
    with read_only() as session:
        before = {d["eventId"]: session.get(Event, d["eventId"]).start_at for d in dates}
    moved = client.post(
        f"/api/events/{second['eventId']}/series/postpone",
        json={
            "startAt": (before[second["eventId"]] + timedelta(hours=1)).isoformat(),
            "endAt": (before[second["eventId"]] + timedelta(hours=4)).isoformat(),
        },
    )
    assert moved.status_code == 200, moved.text
    assert [d["status"] for d in moved.json()["dates"]] == ["active", "postponed", "postponed"]
    with read_only() as session:
        after = {d["eventId"]: session.get(Event, d["eventId"]).start_at for d in dates}
    assert [after[d["eventId"]] - before[d["eventId"]] for d in dates] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(hours=1),
    ]
    refused = with_session(http, make_user().token).put(
        f"/api/events/{second['eventId']}/series/tiers", json={"tiers": []}
    )
    assert_json_error(refused, 403)
