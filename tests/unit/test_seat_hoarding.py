"""One open unpaid order per buyer and event (issue #16 item 9): a buyer cannot keep a tier sold out.

A new checkout replaces the buyer's open order when no payment can reach it any more or yet (its
Paystack transaction was never handed out, or its hold is over), and is refused while the buyer
may be paying for it at Paystack. These run without Paystack: `book_ticket` only holds seats.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Order, OrderItem, OrderStatus, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform.errors import Conflict, SoldOut
from eventpalour.services.sales import checkout
from tests.factories import make_paid_event, make_user


@pytest.fixture
def scarce():
    """A paid event with a scarce tier (4 seats), a roomy one, and a free tier; and a second event."""
    event, (front_row, standing, guest) = make_paid_event(
        [
            TierInput(name="Front row", price=300000, quantity=4, max_per_order=4),
            TierInput(name="Standing", price=100000, quantity=50),
            TierInput(name="Guest", price=0, quantity=10),
        ],
        title="Scarce",
    )
    other, (seat,) = make_paid_event([TierInput(name="Seat", price=100000)], title="Other")
    return event, other, {"Front row": front_row, "Standing": standing, "Guest": guest, "Seat": seat}


def _tier(tier_id: str) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, tier_id)


def _open_orders(buyer_id: str) -> list[Order]:
    with read_only() as session:
        return list(session.exec(select(Order).where(Order.buyer_id == buyer_id, col(Order.holds_active).is_(True))))


def _status(order_id: str) -> str:
    with read_only() as session:
        return session.get(Order, order_id).status


def _at_paystack(order_id: str) -> None:
    """What starting the payment does: the buyer was handed a Paystack transaction for the order."""
    with transaction() as session:
        session.execute(
            update(Order)
            .where(col(Order.id) == order_id)
            .values(status=OrderStatus.PROCESSING, access_code="AC_test", authorization_url="https://pay.example/x")
        )


def assert_held_equals_open_orders() -> None:
    with read_only() as session:
        for tier in session.exec(select(TicketTier)):
            held = session.exec(
                select(func.coalesce(func.sum(OrderItem.quantity), 0))
                .join(Order, col(Order.id) == col(OrderItem.order_id))
                .where(OrderItem.tier_id == tier.id, col(Order.holds_active).is_(True))
            ).one()
            assert tier.held == held, tier.name


def test_repeated_checkouts_leave_one_hold_and_the_rest_for_others(scarce):
    event, _, tiers = scarce
    hoarder, fan = make_user(), make_user()
    for n in (2, 3, 1, 2):  # the hoarder keeps checking out the scarce tier
        checkout.book_ticket(actor=hoarder.summary, event_id=event.id, quantities={tiers["Front row"]: n})

    bought = checkout.book_ticket(actor=fan.summary, event_id=event.id, quantities={tiers["Front row"]: 2})

    [kept] = _open_orders(hoarder.id)
    assert bought.status == OrderStatus.PENDING
    assert _tier(tiers["Front row"]).held == 4  # the hoarder's last 2 and the fan's 2
    with read_only() as session:
        statuses = session.exec(select(Order.status).where(Order.buyer_id == hoarder.id)).all()
    assert sorted(statuses) == ["cancelled"] * 3 + ["pending"]
    assert kept.amount == 600000
    assert_held_equals_open_orders()


def test_new_checkout_replaces_an_unstarted_order_with_other_quantities(scarce):
    event, _, tiers = scarce
    buyer = make_user()
    first = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 2})

    second = checkout.book_ticket(
        actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 3, tiers["Standing"]: 1}
    )

    assert _status(first.order_id) == OrderStatus.CANCELLED
    assert [o.id for o in _open_orders(buyer.id)] == [second.order_id]
    assert (_tier(tiers["Front row"]).held, _tier(tiers["Standing"]).held) == (3, 1)
    assert_held_equals_open_orders()


def test_replacing_counts_the_buyers_own_seats_as_free(scarce):
    """4 seats, the buyer holds 3 and another buyer 1: the buyer can still change to 3 of them again."""
    event, _, tiers = scarce
    buyer = make_user()
    first = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 3})
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["Front row"]: 1})

    second = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 3})

    assert _status(first.order_id) == OrderStatus.CANCELLED and _status(second.order_id) == OrderStatus.PENDING
    assert _tier(tiers["Front row"]).held == 4
    assert_held_equals_open_orders()


def test_replacement_that_does_not_fit_changes_nothing(scarce):
    event, _, tiers = scarce
    buyer = make_user()
    first = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 2})
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["Front row"]: 2})

    with pytest.raises(SoldOut):
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 3})

    assert [o.id for o in _open_orders(buyer.id)] == [first.order_id]
    assert _tier(tiers["Front row"]).held == 4
    assert_held_equals_open_orders()


def test_checkout_while_paying_at_paystack_refused_and_changes_nothing(scarce):
    event, _, tiers = scarce
    buyer = make_user()
    first = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 2})
    _at_paystack(first.order_id)

    with pytest.raises(Conflict) as refused:
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Standing"]: 1})

    assert refused.value.message == (
        "You have a payment in progress for this event. Finish paying or cancel it on the event page, "
        "or wait for its hold to end (in 15 min)."
    )
    assert _status(first.order_id) == OrderStatus.PROCESSING
    assert (_tier(tiers["Front row"]).held, _tier(tiers["Standing"]).held) == (2, 0)
    assert_held_equals_open_orders()


def test_checkout_after_the_hold_ran_out_replaces_it(scarce):
    """A hold past its time is what housekeeping would cancel anyway; a late payment for it is
    handled as always (tickets if seats are free, else refunded)."""
    event, _, tiers = scarce
    buyer = make_user()
    first = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 2})
    _at_paystack(first.order_id)
    with transaction() as session:
        session.execute(
            update(Order).where(col(Order.id) == first.order_id).values(expires_at=utcnow() - timedelta(seconds=1))
        )

    second = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 1})

    assert _status(first.order_id) == OrderStatus.CANCELLED
    assert [o.id for o in _open_orders(buyer.id)] == [second.order_id]
    assert _tier(tiers["Front row"]).held == 1
    assert_held_equals_open_orders()


def test_open_order_for_another_event_or_a_free_tier_unaffected(scarce):
    event, other, tiers = scarce
    buyer = make_user()
    paid = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Front row"]: 2})
    _at_paystack(paid.order_id)

    elsewhere = checkout.book_ticket(actor=buyer.summary, event_id=other.id, quantities={tiers["Seat"]: 1})
    guest = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Guest"]: 2})

    assert elsewhere.status == OrderStatus.PENDING and guest.status == OrderStatus.COMPLETED
    assert sorted(o.id for o in _open_orders(buyer.id)) == sorted([paid.order_id, elsewhere.order_id])
    assert _tier(tiers["Guest"]).sold == 2
    assert_held_equals_open_orders()
