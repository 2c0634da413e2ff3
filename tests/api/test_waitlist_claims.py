"""Taking waitlist offers over real HTTP (#19 §3, §4): a free tier's waitlist registers the person
when they claim (answering the attendee questions, as at checkout), seats freed by a cancelled
registration or a processed refund go to the line at once, and the account export lists the
person's waitlists. Every refusal is the JSON error format and changes nothing."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import Order, OrderAnswer, Ticket, TicketTier, WaitlistEntry
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, paystack_refunds, refunds
from eventpalour.services.sales.answers import AttendeeAnswers, TicketAnswers
from tests.api.support import with_session
from tests.api.test_refunds import _refund, advance, paid_order
from tests.factories import approve_kyc, latest_email, make_event, make_organizer, make_user, make_workspace


def _client(http: httpx.Client, token: str) -> httpx.Client:
    return with_session(httpx.Client(base_url=str(http.base_url)), token)


def _tier(tier_id: str) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, tier_id)


def _offer_of(user_id: str) -> Order | None:
    """The order a waitlist offer made for `user_id`, if any."""
    with read_only() as session:
        entry = session.exec(select(WaitlistEntry).where(WaitlistEntry.user_id == user_id)).first()
        return session.get(Order, entry.order_id) if entry and entry.order_id else None


def _tickets(order_id: str) -> list[Ticket]:
    with read_only() as session:
        return list(session.exec(select(Ticket).where(Ticket.order_id == order_id)))


def _answers(order_id: str) -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(OrderAnswer).where(OrderAnswer.order_id == order_id)).one()


@pytest.fixture
def free_full(api_url: str):
    """A free event whose one-seat tier (with a waitlist) is taken, asking a required question per ticket."""
    owner = make_organizer(two_factor=True)
    workspace = make_workspace(owner)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        tiers=[TierInput(name="Seat", price=0, quantity=1, max_per_order=2, waitlist=True)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    made = _client(httpx.Client(base_url=api_url), owner.token).post(
        f"/api/events/{event.id}/questions",
        json={"label": "Dietary needs", "kind": "short_text", "required": True, "perTicket": True},
    )
    assert made.status_code == 201, made.text
    question_id = made.json()[0]["id"]
    first = make_user()
    registration = checkout.book_ticket(
        actor=first.summary,
        event_id=event.id,
        quantities={tier_id: 1},
        answers=AttendeeAnswers(tickets=[TicketAnswers(tier_id, "Amina", {question_id: "None"})]),
    )
    return owner, event, tier_id, question_id, first, registration


def test_free_tier_offer_made_at_cancel_and_registered_on_claim_with_answers(http: httpx.Client, free_full):
    owner, event, tier_id, question_id, first, registration = free_full
    fan = make_user()
    fan_api = _client(http, fan.token)
    joined = fan_api.post(f"/api/events/{event.id}/waitlist", json={"tierId": tier_id, "quantity": 1})
    assert joined.status_code == 201, joined.text
    # Already registered for this free event: no place in line.
    again = _client(http, first.token).post(f"/api/events/{event.id}/waitlist", json={"tierId": tier_id, "quantity": 1})
    assert again.status_code == 409 and "already registered" in again.json()["error"]

    refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason="Double booking")
    offer = _offer_of(fan.id)  # offered in the cancel's own transaction, not at the next housekeeping pass
    assert offer is not None and offer.amount == 0 and offer.holds_active
    assert (_tier(tier_id).sold, _tier(tier_id).held) == (0, 1)
    email = latest_email(fan.email, "waitlist_offer")
    assert email is not None and "Register for them" in email.text_body and "pay" not in email.text_body.lower()

    claim = f"/api/waitlist/offers/{offer.id}/claim"
    missing = fan_api.post(claim, json={})
    assert missing.status_code == 400, missing.text
    assert missing.json()["details"][0]["path"] == ["answers", "tickets"]
    blank = fan_api.post(claim, json={"answers": {"tickets": [{"tierId": tier_id, "name": "Baraka", "answers": {}}]}})
    assert blank.status_code == 400
    assert blank.json()["details"] == [{"path": ["answers", "tickets", 0, question_id], "message": "Required."}]
    assert _answers(offer.id) == 0 and _tickets(offer.id) == [] and _tier(tier_id).held == 1
    assert _client(http, first.token).post(claim, json={}).status_code == 404  # not theirs

    good = {"answers": {"tickets": [{"tierId": tier_id, "name": "Baraka Otieno", "answers": {question_id: "Vegan"}}]}}
    taken = fan_api.post(claim, json=good)
    assert taken.status_code == 200, taken.text
    assert taken.json() == {
        "orderId": offer.id,
        "reference": offer.reference,
        "registered": True,
        "authorizationUrl": None,
    }
    [ticket] = _tickets(offer.id)
    assert ticket.attendee_name == "Baraka Otieno" and ticket.holder_id == fan.id
    assert _answers(offer.id) == 1
    assert (_tier(tier_id).sold, _tier(tier_id).held) == (1, 0)
    assert latest_email(fan.email, "order_confirmation") is not None
    assert fan_api.post(claim, json=good).status_code == 409  # claimed once

    listed = _client(http, owner.token).get(f"/api/events/{event.id}/waitlist").json()
    assert listed[0]["entries"][0]["state"] == "Claimed"
    exported = fan_api.get("/api/account/export.json").json()
    assert [(w["event"], w["tier"], w["status"], w["order_reference"]) for w in exported["waitlists"]] == [
        (event.title, "Seat", "offered", offer.reference)
    ]


def test_claim_refusals(http: httpx.Client, free_full):
    owner, event, tier_id, _, first, registration = free_full
    fan = make_user()
    fan_api = _client(http, fan.token)
    assert fan_api.post(f"/api/waitlist/offers/{registration.order_id}/claim", json={}).status_code == 404
    assert http.post(f"/api/waitlist/offers/{registration.order_id}/claim", json={}).status_code == 401
    assert fan_api.post(f"/api/events/{event.id}/waitlist", json={"tierId": tier_id, "quantity": 1}).status_code == 201
    refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason="Moved")
    offer = _offer_of(fan.id)
    checkout.cancel_order(actor=fan.summary, order_id=offer.id)  # the offer given up: the hold closes
    gone = fan_api.post(f"/api/waitlist/offers/{offer.id}/claim", json={})
    assert gone.status_code == 409 and "no longer held" in gone.json()["error"]
    assert _tickets(offer.id) == []


def test_seats_of_a_processed_refund_go_to_the_waitlist_at_once(http: httpx.Client, sandbox, api_url: str):
    owner = make_organizer(two_factor=True)
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
    order = paid_order(sandbox, event, tier_id, n=1)
    fan = make_user()
    fan_api = _client(http, fan.token)
    assert fan_api.post(f"/api/events/{event.id}/waitlist", json={"tierId": tier_id, "quantity": 1}).status_code == 201
    refund = refunds.process_refund(
        actor=owner.summary,
        order_id=order.id,
        amount=150000,
        ticket_ids=[t.id for t in _tickets(order.id)],
        reason="Cannot come",
    )
    assert _offer_of(fan.id) is None  # the seat comes back only once the money has gone back
    assert paystack_refunds.submit_due() == 1
    advance(sandbox, _refund(refund.id), "processed")
    offer = _offer_of(fan.id)
    assert offer is not None and offer.amount > 0 and offer.holds_active
    assert latest_email(fan.email, "waitlist_offer") is not None
    # A paid offer's claim (no questions asked here) goes on to Paystack.
    claimed = fan_api.post(f"/api/waitlist/offers/{offer.id}/claim", json={})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["registered"] is False and claimed.json()["authorizationUrl"]
