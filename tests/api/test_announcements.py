"""GET/POST /api/events/{id}/announcements and POST …/{aid}/cancel over real HTTP (#22 §2)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import OutboxEmail
from eventpalour.models.types import utcnow
from eventpalour.services import tickets
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import announcement_opt_outs
from tests.api.support import with_session
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def event(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        tiers=[TierInput(name="General", price=0, quantity=30), TierInput(name="VIP", price=0, quantity=5)],
    )
    tiers = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    holders = []
    for tier in ("General", "VIP"):
        holder = make_user()
        checkout.book_ticket(actor=holder.summary, event_id=event.id, quantities={tiers[tier]: 1})
        holders.append(holder)
    return owner, event, tiers, holders


def _path(event_id: str) -> str:
    return f"/api/events/{event_id}/announcements"


def _announcement_emails() -> list[str]:
    with read_only() as session:
        return sorted(session.exec(select(OutboxEmail.to_email).where(OutboxEmail.kind == "announcement")).all())


def test_send_now_schedule_list_and_cancel(http: httpx.Client, event):
    owner, ev, tiers, (general, vip) = event
    client = with_session(http, owner.token)
    sent = client.post(
        _path(ev.id),
        json={"subject": "VIP lounge", "body": "Level **2**.", "audience": "tiers", "tierIds": [tiers["VIP"]]},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    # The request only records it, due now; the worker's announcement loop fans it out.
    assert (body["status"], body["recipients_count"], body["can_cancel"]) == ("scheduled", 0, True)
    assert (
        body["body_html"] == "<p>Level <strong>2</strong>.</p>\n"
        and body["audience_label"] == "Chosen ticket types: VIP"
    )
    assert _announcement_emails() == []
    assert tickets.send_due_announcements() == 1  # one pass of the worker loop
    assert _announcement_emails() == [vip.email]

    later = (utcnow() + timedelta(days=1)).isoformat()
    scheduled = client.post(_path(ev.id), json={"subject": "Tomorrow", "body": "Gates at 5.", "sendAt": later})
    assert scheduled.status_code == 201, scheduled.text
    assert (scheduled.json()["status"], scheduled.json()["can_cancel"]) == ("scheduled", True)

    listed = client.get(_path(ev.id))
    assert listed.status_code == 200
    assert [(a["subject"], a["status"]) for a in listed.json()] == [("Tomorrow", "scheduled"), ("VIP lounge", "sent")]

    cancelled = client.post(f"{_path(ev.id)}/{scheduled.json()['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"{_path(ev.id)}/{scheduled.json()['id']}/cancel")
    assert again.status_code == 409 and "already sent or cancelled" in again.json()["error"]
    assert client.post(f"{_path(ev.id)}/nope/cancel").status_code == 404
    assert _announcement_emails() == [vip.email]


def test_bad_input_gets_field_errors_and_changes_nothing(http: httpx.Client, event):
    owner, ev, _, _ = event
    client = with_session(http, owner.token)
    past = (utcnow() - timedelta(hours=1)).isoformat()
    refused = client.post(_path(ev.id), json={"subject": "", "body": "", "audience": "tiers", "sendAt": past})
    assert refused.status_code == 400, refused.text
    assert {tuple(d["path"]) for d in refused.json()["details"]} == {
        ("subject",),
        ("body",),
        ("tier_ids",),
        ("send_at",),
    }
    unknown = client.post(_path(ev.id), json={"subject": "x", "body": "y", "colour": "red"})
    assert unknown.status_code == 422 and unknown.json()["details"][0]["path"] == ["colour"], unknown.text
    assert client.get(_path(ev.id)).json() == [] and _announcement_emails() == []


def test_members_holders_and_strangers_are_refused(http: httpx.Client, event):
    _, ev, _, (general, _) = event
    member = make_user()
    add_member(ev.workspace_id, member, "member")
    assert with_session(http, member.token).get(_path(ev.id)).status_code == 403
    holder = with_session(httpx.Client(base_url=str(http.base_url)), general.token)
    assert holder.post(_path(ev.id), json={"subject": "Hi", "body": "Yo"}).status_code == 403
    assert (
        httpx.post(str(http.base_url).rstrip("/") + _path(ev.id), json={"subject": "a", "body": "b"}).status_code == 401
    )


def test_posts_are_rate_limited(http: httpx.Client, event, monkeypatch: pytest.MonkeyPatch):
    owner, ev, _, _ = event
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    client = with_session(http, owner.token)
    answers = [client.post(_path(ev.id), json={"subject": "Hi", "body": "Yo"}).status_code for _ in range(3)]
    assert answers == [201, 201, 429]


def test_list_unsubscribe_one_click_post_and_browser_get(http: httpx.Client, event):
    owner, ev, tiers, (general, vip) = event
    token = announcement_opt_outs.unsubscribe_token(ev.id, vip.email)
    path = f"/api/announcements/unsubscribe/{token}"
    opened = http.get(path, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/announcements/unsubscribe/{token}"
    assert tickets.announcement_subscription(token=token).subscribed  # a GET (link checker) changes nothing
    clicked = http.post(
        path, content="List-Unsubscribe=One-Click", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert clicked.status_code == 200, clicked.text
    assert clicked.json() == {"event_title": ev.title, "subscribed": False}
    assert http.post(path, content="List-Unsubscribe=One-Click").status_code == 200  # a repeat is harmless
    assert http.post(f"/api/announcements/unsubscribe/{token[:-2]}xx").status_code == 404
    assert not tickets.announcement_subscription(token=token).subscribed
    client = with_session(http, owner.token)
    assert client.post(_path(ev.id), json={"subject": "Hi", "body": "All of you."}).status_code == 201
    tickets.send_due_announcements()
    assert _announcement_emails() == [general.email]
