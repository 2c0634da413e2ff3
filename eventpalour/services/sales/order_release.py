"""Closing open orders (SPEC §5): a hold that expires, is cancelled by its buyer, or whose payment
failed gives its seats (and its code's use) back once, and the seats go to the waitlist first. Split
out of checkout.py, which re-exports these names.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from eventpalour.db import transaction
from eventpalour.models import OrderStatus
from eventpalour.models.types import utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound
from eventpalour.services.sales import capacity, discounts, waitlist
from eventpalour.services.sales import store as sales_store


def release_order(connection: Connection, order_id: str, status: str) -> bool:
    """Close an open order as `status` and give its held seats (and code use) back, once (the flag is the lock).

    Seats of tiers with a waitlist go to the people waiting, in this same transaction (`waitlist.pass_on`)."""
    if not sales_store.close_holding_order(connection, order_id, status, utcnow()):
        return False
    lines = sales_store.order_lines(connection, order_id)
    for line in lines:
        capacity.release_held(connection, line.tier_id, line.quantity)
    discounts.release_held_of_order(connection, order_id)
    waitlist.pass_on(connection, [line.tier_id for line in lines])
    return True


def expire_holds(now: datetime | None = None, limit: int = 200) -> int:
    """Cancel pending orders whose hold ran out; their seats come back. Returns how many expired."""
    moment = now or utcnow()
    expired = 0
    with transaction() as session:
        connection = session.connection()
        for order_id in sales_store.expired_holds(connection, moment, limit):
            expired += release_order(connection, order_id, OrderStatus.CANCELLED)
    return expired


def cancel_order(*, actor: UserSummary | None, order_id: str) -> None:
    """The buyer gives up a pending order before paying; its seats come back at once."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        connection = session.connection()
        if sales_store.buyer_of(connection, order_id or "") != actor.id:
            raise NotFound(N_("This order does not exist."))
        if not release_order(connection, order_id, OrderStatus.CANCELLED):
            raise Conflict(N_("This order can no longer be cancelled."))
