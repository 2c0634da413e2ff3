"""One open hold per buyer and event (issue #16 item 9), when one buyer's checkouts arrive together.

A double-clicked Checkout, a retried request or a script sends several checkouts of one buyer for
one event at once. Each must end with the buyer holding one order's seats, never several: the
orders' unique index `uq_orders_open_hold` refuses a second open order inside the database, so no
interleaving of reads and writes can get two through. These checkouts never reach Paystack, so each
later one may replace the one before it (services/sales/checkout.py `_replace_open_hold`); whatever the
interleaving, one order holds seats at the end and the seat counters equal the orders' rows.

The control drops the index for one round and shows the same burst then leaves several holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import text, update
from sqlmodel import col, func, select

from eventpalour.db import get_engine, read_only
from eventpalour.models import Order, OrderItem, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform.errors import Conflict, SoldOut
from eventpalour.services.sales import checkout
from tests.factories import make_paid_event, make_user

ATTEMPTS = 8
ROUNDS = 3


@pytest.fixture
def paid_event():
    return make_paid_event(
        [
            TierInput(name="Front row", price=300000, quantity=100, max_per_order=4),
            TierInput(name="Balcony", price=200000, quantity=100, max_per_order=4),
        ]
    )


def _checkout_at_once(event_id: str, tier_ids: list[str], buyer) -> list[str]:
    """ATTEMPTS checkouts of one buyer released together, with different tiers and quantities."""
    barrier = threading.Barrier(ATTEMPTS)

    def place(index: int) -> str:
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        wanted = {tier_ids[index % 2]: 1 + index % 3}
        try:
            checkout.book_ticket(actor=buyer.summary, event_id=event_id, quantities=wanted)
            return "placed"
        except Conflict:
            return "refused"
        except SoldOut:
            return "sold_out"

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(place, range(ATTEMPTS)))


def _open_holds(buyer_id: str) -> int:
    with read_only() as session:
        query = select(func.count()).select_from(Order)
        return session.exec(query.where(Order.buyer_id == buyer_id, col(Order.holds_active).is_(True))).one()


def assert_held_equals_open_orders() -> None:
    with read_only() as session:
        for tier in session.exec(select(TicketTier)):
            held = session.exec(
                select(func.coalesce(func.sum(OrderItem.quantity), 0))
                .join(Order, col(Order.id) == col(OrderItem.order_id))
                .where(OrderItem.tier_id == tier.id, col(Order.holds_active).is_(True))
            ).one()
            assert tier.held == held, tier.name


@contextmanager
def without_the_open_hold_index() -> Iterator[None]:
    """The control's switch: the index is dropped, and made again whatever happens (after closing
    the holds the round left, which the index could not take)."""
    [index] = [i for i in Order.__table__.indexes if i.name == checkout.OPEN_HOLD_INDEX]
    with get_engine().begin() as connection:
        connection.execute(text(f"DROP INDEX {index.name}"))
    try:
        yield
    finally:
        with get_engine().begin() as connection:
            connection.execute(
                update(Order).where(col(Order.holds_active).is_(True)).values(holds_active=False, status="cancelled")
            )
            connection.execute(update(TicketTier).values(held=0))
            index.create(connection)


def test_one_buyers_checkouts_at_once_leave_one_hold(paid_event):
    event, tier_ids = paid_event
    for _ in range(ROUNDS):
        buyer = make_user()
        outcomes = _checkout_at_once(event.id, tier_ids, buyer)
        assert "placed" in outcomes and "sold_out" not in outcomes, outcomes
        assert _open_holds(buyer.id) == 1, outcomes
        assert_held_equals_open_orders()


def test_without_the_index_the_same_burst_leaves_several_holds(paid_event):
    event, tier_ids = paid_event
    with without_the_open_hold_index():
        buyer = make_user()
        _checkout_at_once(event.id, tier_ids, buyer)
        assert _open_holds(buyer.id) > 1
