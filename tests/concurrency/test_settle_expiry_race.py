"""A payment settling while its hold expires (SPEC §5: never oversell, counters equal rows).

Settlement reads the order, then claims it. If the expiry job commits in between, the order's seats
have already gone back to the tier; settlement must then take seats afresh (a late payment), not
"sell" the held seats of somebody else's order. The interleaving is forced: the expiry runs, in its
own thread and connection, right before settlement's claim reaches the database.

PostgreSQL only: on SQLite a write transaction holds the database lock from its first statement,
so the expiry cannot commit inside settlement at all.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, update
from sqlmodel import col, func, select

from eventpalour.db import get_engine, read_only, transaction
from eventpalour.integrations import paystack
from eventpalour.models import Order, OrderItem, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, payments
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def tier_with_two_orders(db_backend: str):
    if db_backend != "postgresql":
        pytest.skip("SQLite serializes write transactions: the expiry cannot commit inside settlement.")
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event_ = make_event(
        owner, ws.id, publish=True, pricing="paid", tiers=[TierInput(name="Floor", price=100000, quantity=3)]
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event_.id)[0].id
    late = checkout.book_ticket(actor=make_user().summary, event_id=event_.id, quantities={tier_id: 1})
    other = checkout.book_ticket(actor=make_user().summary, event_id=event_.id, quantities={tier_id: 2})
    with transaction() as session:
        session.execute(
            update(Order).where(col(Order.id) == late.order_id).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    return tier_id, late, other


def _expire_right_before_the_claim():
    """Run the expiry job, to its commit, just before settlement's first claim UPDATE is sent."""
    fired = threading.Event()

    def before(_conn, _cursor, statement: str, *_args) -> None:
        if statement.startswith("UPDATE orders SET status") and not fired.is_set():
            fired.set()
            expiry = threading.Thread(target=checkout.expire_holds)
            expiry.start()
            expiry.join(timeout=10)

    return fired, before


def test_settling_an_order_whose_hold_expires_meanwhile_takes_free_seats(tier_with_two_orders):
    tier_id, late, other = tier_with_two_orders
    paid = paystack.VerifyResult(
        status="success",
        amount=late.amount,
        currency=late.currency,
        fees=0,
        paid_at=None,
        reference=late.reference,
        raw={},
    )
    fired, before = _expire_right_before_the_claim()
    event.listen(get_engine(), "before_cursor_execute", before)
    try:
        outcome = payments.settle(late.reference, paid)
    finally:
        event.remove(get_engine(), "before_cursor_execute", before)
    assert fired.is_set()
    with read_only() as session:
        tier = session.get(TicketTier, tier_id)
        tickets = session.exec(select(func.count()).select_from(Ticket).where(Ticket.tier_id == tier_id)).one()
        held_rows = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, col(Order.id) == col(OrderItem.order_id))
            .where(col(Order.holds_active).is_(True))
        ).one()
        statuses = {o.id: o.status for o in session.exec(select(Order))}
    assert outcome.status == "completed" and statuses == {late.order_id: "completed", other.order_id: "pending"}
    # The late order sold the seat its expiry gave back; the other buyer keeps both held seats.
    assert (tier.sold, tier.held) == (tickets, held_rows) == (1, 2)
