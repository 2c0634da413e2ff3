"""Waitlists over real HTTP (#19 §4): join and leave a sold-out tier's waitlist, get an offer when a
hold is cancelled, and the organizers' list; every refusal is the JSON error format and changes nothing."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import WaitlistEntry
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout
from tests.api.support import with_session
from tests.factories import approve_kyc, latest_email, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def sold_out(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="Floor", price=150000, quantity=1, max_per_order=2, waitlist=True)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    holder = make_user()
    hold = checkout.book_ticket(actor=holder.summary, event_id=event.id, quantities={tier_id: 1})
    return owner, event, tier_id, holder, hold


def _client(http: httpx.Client, token: str) -> httpx.Client:
    return with_session(httpx.Client(base_url=str(http.base_url)), token)


def _entries() -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(WaitlistEntry)).one()


def test_join_get_an_offer_when_a_hold_is_cancelled_and_organizers_see_it(http: httpx.Client, sold_out):
    owner, event, tier_id, holder, hold = sold_out
    fan = make_user()
    joined = _client(http, fan.token).post(f"/api/events/{event.id}/waitlist", json={"tierId": tier_id, "quantity": 1})
    assert joined.status_code == 201, joined.text
    assert joined.json() == {"tierId": tier_id, "position": 1, "quantity": 1}

    checkout.cancel_order(actor=holder.summary, order_id=hold.order_id)  # the event page's "Cancel"
    offer = latest_email(fan.email, "waitlist_offer")
    assert offer is not None and f"/e/{event.short_id}" in offer.text_body

    listed = _client(http, owner.token).get(f"/api/events/{event.id}/waitlist")
    assert listed.status_code == 200
    (floor,) = listed.json()
    assert (floor["tierName"], floor["offered"], floor["waiting"]) == ("Floor", 1, 0)
    assert floor["entries"][0]["state"] == "Offered" and floor["entries"][0]["offeredQuantity"] == 1
    assert _client(http, fan.token).get(f"/api/events/{event.id}/waitlist").status_code == 403


def test_refusals_are_json_errors_and_change_nothing(http: httpx.Client, sold_out):
    _, event, tier_id, _, _ = sold_out
    fan = make_user()
    path = f"/api/events/{event.id}/waitlist"
    assert http.post(path, json={"tierId": tier_id, "quantity": 1}).status_code == 401
    unverified = _client(http, make_user(verified=False).token).post(path, json={"tierId": tier_id, "quantity": 1})
    assert unverified.status_code == 403 and "Verify" in unverified.json()["error"]
    too_many = _client(http, fan.token).post(path, json={"tierId": tier_id, "quantity": 3})
    assert too_many.status_code == 400
    assert too_many.json()["details"] == [{"path": ["quantity"], "message": "Choose from 1 to 2 tickets."}]
    unknown = _client(http, fan.token).post(path, json={"tierId": "nope", "quantity": 1})
    assert unknown.status_code == 404
    assert _entries() == 0
    assert _client(http, fan.token).post(path, json={"tierId": tier_id, "quantity": 2}).status_code == 201
    again = _client(http, fan.token).post(path, json={"tierId": tier_id, "quantity": 1})
    assert again.status_code == 409 and "already on the waitlist" in again.json()["error"]
    assert _entries() == 1
    left = _client(http, fan.token).delete(path, params={"tierId": tier_id})
    assert left.status_code == 204
    assert _client(http, fan.token).delete(path, params={"tierId": tier_id}).status_code == 404
