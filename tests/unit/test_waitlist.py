"""Waitlists (#19 §4): joining a sold-out tier, offers that hold the seats that come back, expiry
passing them on, claiming by paying, and what organizers see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.integrations import paystack
from eventpalour.models import Order, OrderStatus, TicketTier, WaitlistEntry
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers, save_tiers
from eventpalour.services.platform.errors import Conflict, NotFound, PermissionDenied, SoldOut, ValidationFailed
from eventpalour.services.sales import checkout, payments, waitlist
from eventpalour.services.tickets import buyer_event_view
from tests.factories import (
    approve_kyc,
    latest_email,
    make_event,
    make_organizer,
    make_paid_event,
    make_user,
    make_workspace,
)


@pytest.fixture
def sold_out():
    """A paid event whose 2-seat tier is held whole by one buyer; a roomy tier without a waitlist."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    tiers = [
        TierInput(name="Front", price=100000, quantity=2, max_per_order=3, waitlist=True),
        TierInput(name="Roomy", price=50000, quantity=100),
    ]
    event = make_event(owner, workspace.id, publish=True, pricing="paid", tiers=tiers, title="Sold out gig")
    front, roomy = (t.id for t in get_tiers(actor=owner.summary, event_id=event.id))
    holder = make_user()
    hold = checkout.book_ticket(actor=holder.summary, event_id=event.id, quantities={front: 2})
    return event, front, roomy, holder, hold, owner.summary


def _tier(tier_id: str) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, tier_id)


def _entry(user_id: str) -> WaitlistEntry:
    with read_only() as session:
        return session.exec(select(WaitlistEntry).where(WaitlistEntry.user_id == user_id)).one()


def _order(order_id: str) -> Order:
    with read_only() as session:
        return session.get(Order, order_id)


def _pay(order: Order) -> str:
    paid = paystack.VerifyResult(
        status="success",
        amount=order.amount,
        currency=order.currency,
        fees=0,
        paid_at=None,
        reference=order.reference,
        raw={},
    )
    return payments.settle(order.reference, paid).status


def test_joining_is_refused_with_reasons(sold_out):
    event, front, roomy, holder, _, owner = sold_out
    with pytest.raises(PermissionDenied):
        waitlist.join_waitlist(actor=make_user(verified=False).summary, event_id=event.id, tier_id=front, quantity=1)
    with pytest.raises(Conflict, match="Roomy has no waitlist"):
        waitlist.join_waitlist(actor=make_user().summary, event_id=event.id, tier_id=roomy, quantity=1)
    with pytest.raises(ValidationFailed) as too_many:
        waitlist.join_waitlist(actor=make_user().summary, event_id=event.id, tier_id=front, quantity=4)
    assert too_many.value.details[0].path == ("quantity",)
    with pytest.raises(NotFound):
        waitlist.join_waitlist(actor=make_user().summary, event_id="nope", tier_id=front, quantity=1)
    fan = make_user()
    spot = waitlist.join_waitlist(actor=fan.summary, event_id=event.id, tier_id=front, quantity=2)
    assert (spot.position, spot.quantity) == (1, 2)
    with pytest.raises(Conflict, match="already on the waitlist"):
        waitlist.join_waitlist(actor=fan.summary, event_id=event.id, tier_id=front, quantity=1)
    second = waitlist.join_waitlist(actor=make_user().summary, event_id=event.id, tier_id=front, quantity=1)
    assert second.position == 2
    waitlist.leave_waitlist(actor=fan.summary, event_id=event.id, tier_id=front)
    with pytest.raises(NotFound):
        waitlist.leave_waitlist(actor=fan.summary, event_id=event.id, tier_id=front)
    assert waitlist.event_waitlists(actor=fan.summary, event_id=event.id)[front].can_join


def test_a_tier_with_seats_left_takes_no_waitlist():
    event, (tier,) = make_paid_event([TierInput(name="Open", price=1000, quantity=5, waitlist=True)])
    with pytest.raises(Conflict, match="not sold out"):
        waitlist.join_waitlist(actor=make_user().summary, event_id=event.id, tier_id=tier, quantity=1)
    assert not waitlist.event_waitlists(actor=None, event_id=event.id)[tier].can_join


def test_expired_hold_goes_to_the_line_then_passes_on_and_is_claimed(sold_out):
    event, front, _, holder, hold, owner = sold_out
    first, second, public = make_user(), make_user(), make_user()
    waitlist.join_waitlist(actor=first.summary, event_id=event.id, tier_id=front, quantity=2)
    waitlist.join_waitlist(actor=second.summary, event_id=event.id, tier_id=front, quantity=1)

    assert checkout.expire_holds(now=utcnow() + timedelta(minutes=16)) == 1
    offer = _entry(first.id)
    order = _order(offer.order_id)
    assert (offer.status, offer.offered_quantity) == ("offered", 2)
    assert order.status == OrderStatus.PENDING and order.holds_active and order.amount == 200000
    assert timedelta(minutes=29) < order.expires_at - utcnow() <= timedelta(minutes=30)
    assert (_tier(front).held, _tier(front).sold) == (2, 0)
    # The event page shows the offer as one, with what it holds (services/sales/orders.open_order_of).
    shown = buyer_event_view(actor=first.summary, event_short_id=event.short_id).hold
    assert (shown.order_id, shown.is_waitlist_offer, shown.claim_registers) == (order.id, True, False)
    assert (shown.quantities, shown.ticket_count, shown.amount) == ({front: 2}, 2, 200000)
    assert buyer_event_view(actor=holder.summary, event_short_id=event.short_id).hold is None  # its hold ran out
    email = latest_email(first.email, "waitlist_offer")
    assert email is not None and f"/e/{event.short_id}" in email.text_body and "2 tickets of Front" in email.text_body
    assert _entry(second.id).status == "waiting"
    with pytest.raises(SoldOut):  # the offered seats are nobody else's
        checkout.book_ticket(actor=public.summary, event_id=event.id, quantities={front: 1})

    # The first person lets the offer run out: it passes to the second, once.
    assert checkout.expire_holds(now=utcnow() + timedelta(minutes=31)) == 1
    assert _order(offer.order_id).status == OrderStatus.CANCELLED
    passed = _entry(second.id)
    assert (passed.status, passed.offered_quantity) == ("offered", 1)
    assert _entry(first.id).order_id == offer.order_id  # never offered again
    assert _pay(_order(passed.order_id)) == "completed"
    assert (_tier(front).held, _tier(front).sold) == (0, 1)

    views = {v.tier_name: v for v in waitlist.tier_waitlists(actor=owner, event_id=event.id)}
    assert [r.state for r in views["Front"].rows] == ["Expired", "Claimed"]
    assert (views["Front"].claimed, views["Front"].expired, views["Front"].waiting) == (1, 1, 0)
    assert "Roomy" not in views


def test_cancelled_hold_is_offered_at_once_and_partially(sold_out):
    event, front, _, holder, hold, owner = sold_out
    fan = make_user()
    waitlist.join_waitlist(actor=fan.summary, event_id=event.id, tier_id=front, quantity=3)
    checkout.cancel_order(actor=holder.summary, order_id=hold.order_id)
    offer = _entry(fan.id)
    assert (offer.status, offer.offered_quantity, offer.quantity) == ("offered", 2, 3)


def test_a_person_already_holding_seats_of_the_event_waits_for_the_next_pass(sold_out):
    event, front, roomy, holder, hold, owner = sold_out
    busy, next_in_line = make_user(), make_user()
    waitlist.join_waitlist(actor=busy.summary, event_id=event.id, tier_id=front, quantity=1)
    waitlist.join_waitlist(actor=next_in_line.summary, event_id=event.id, tier_id=front, quantity=1)
    checkout.book_ticket(actor=busy.summary, event_id=event.id, quantities={roomy: 1})
    checkout.cancel_order(actor=holder.summary, order_id=hold.order_id)
    assert _entry(busy.id).status == "waiting"
    assert _entry(next_in_line.id).status == "offered"


def test_raising_the_quantity_offers_the_new_seats_to_the_line(sold_out):
    event, front, roomy, holder, hold, owner = sold_out
    fan = make_user()
    waitlist.join_waitlist(actor=fan.summary, event_id=event.id, tier_id=front, quantity=1)
    owner = owner
    rows = get_tiers(actor=owner, event_id=event.id)
    save_tiers(
        actor=owner,
        event_id=event.id,
        tiers=[
            TierInput(
                id=t.id,
                name=t.name,
                price=t.price,
                quantity=(3 if t.id == front else t.quantity),
                max_per_order=t.max_per_order,
                waitlist=t.waitlist,
            )
            for t in rows
        ],
    )
    assert _entry(fan.id).status == "offered"
    assert _tier(front).held == 3


def test_offer_window_is_the_events(sold_out):
    from eventpalour.services.events.event_rules import clean_event
    from tests.factories import event_input

    with pytest.raises(ValidationFailed) as bad:
        clean_event(event_input(waitlist_offer_minutes="4"))
    assert bad.value.details[0].path == ("waitlist_offer_minutes",)
    assert clean_event(event_input(waitlist_offer_minutes="1440"))["waitlist_offer_minutes"] == 1440


def test_free_tiers_take_a_waitlist_too():
    from eventpalour.services.events.tiers import check_tiers

    [cleaned] = check_tiers(
        [TierInput(name="Guest", price=0, quantity=5, waitlist=True)],
        pricing="free",
        currency="KES",
        timezone="Africa/Nairobi",
        event_end=utcnow() + timedelta(days=3),
    )
    assert cleaned["waitlist"] is True and cleaned["price"] == 0


def test_seats_freed_elsewhere_are_offered_by_the_housekeeping_sweep(sold_out):
    from eventpalour.db import transaction
    from eventpalour.services.sales import capacity

    event, front, _, holder, hold, _ = sold_out
    fan = make_user()
    waitlist.join_waitlist(actor=fan.summary, event_id=event.id, tier_id=front, quantity=1)
    assert _pay(_order(hold.order_id)) == "completed"
    with transaction() as session:  # what a processed refund of one ticket does to the counters
        capacity.release_sold(session.connection(), front, 1)
    assert _entry(fan.id).status == "waiting"
    assert waitlist.offer_free_seats() == 1
    assert _entry(fan.id).status == "offered"
    assert waitlist.offer_free_seats() == 0  # never twice
    assert (_tier(front).sold, _tier(front).held) == (1, 1)


def test_an_erased_account_leaves_the_line(sold_out):
    from eventpalour.db import transaction

    event, front, _, holder, hold, _ = sold_out
    fan, next_in_line = make_user(), make_user()
    waitlist.join_waitlist(actor=fan.summary, event_id=event.id, tier_id=front, quantity=1)
    waitlist.join_waitlist(actor=next_in_line.summary, event_id=event.id, tier_id=front, quantity=1)
    with transaction() as session:
        assert waitlist.forget_waiting_of(session, fan.id, fan.email) == 1
    checkout.cancel_order(actor=holder.summary, order_id=hold.order_id)
    assert (_entry(fan.id).status, _entry(next_in_line.id).status) == ("left", "offered")
