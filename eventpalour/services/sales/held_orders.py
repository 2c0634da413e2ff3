"""Paid checkouts' holds (SPEC §5): a pending order and its held seats written as one batch, and
the buyer's one open hold per event (`_replace_open_hold`). Split out of checkout.py, which calls
these; the rules are unchanged.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from eventpalour.db import transaction, write_batch
from eventpalour.models.types import utcnow
from eventpalour.services import finance
from eventpalour.services.platform import N_, Conflict
from eventpalour.services.sales import answers as attendee_answers
from eventpalour.services.sales import capacity, discounts
from eventpalour.services.sales import store as sales_store

logger = logging.getLogger("eventpalour.orders")
HOLD_MINUTES = 15


def _hold_all(connection: Connection, wanted: dict[str, int], code_id: str | None = None) -> None:
    """Hold every tier's seats, in id order, then the discount code's use (always in this order, so
    concurrent orders never wait on each other in a cycle)."""
    for tier_id in sorted(wanted):
        capacity.hold(connection, tier_id, wanted[tier_id])
    if code_id is not None:
        discounts.hold(connection, code_id)


@dataclass(frozen=True)
class NewOrder:
    """The rows of a new order: the order, its lines and its answers to attendee questions."""

    order: dict[str, Any]
    items: list[dict[str, Any]]
    answers: list[dict[str, Any]]

    def insert(self, connection: Connection) -> None:
        sales_store.insert_order(connection, self.order, self.items)
        attendee_answers.insert_answers(connection, self.answers)
        # The analytics funnel's "checkouts started", in the same batch (no round trip more).
        finance.record_checkout_started(
            connection,
            event_id=self.order["event_id"],
            workspace_id=self.order["workspace_id"],
            at=self.order["created_at"],
        )


def _hold_paid(wanted: dict[str, int], new: NewOrder, *, guest: bool = False) -> None:
    """A paid order and its held seats, as one batch: on PostgreSQL the inserts, the seat counters'
    UPDATEs and the COMMIT travel in one round trip, so the tier row (which every buyer of a rush
    queues for) stays locked only while the server finishes the batch.

    A buyer who already holds seats for the event is refused by the orders' unique index
    `uq_orders_open_hold` (no read on this path for it); `_replace_open_hold` then decides."""
    try:
        with discounts.refused_at_commit(), capacity.refused_at_commit(wanted), write_batch() as connection:
            new.insert(connection)
            _hold_all(connection, wanted, new.order["discount_code_id"])
    except IntegrityError as refused:
        if not _second_open_hold(refused):
            raise
        _replace_open_hold(wanted, new, guest=guest)


OPEN_HOLD_INDEX = "uq_orders_open_hold"


def _second_open_hold(problem: IntegrityError) -> bool:
    """The database refused an order because its buyer already holds seats for the event."""
    # psycopg names the index in `diag`; sqlite3 names its columns in the message.
    refused = getattr(getattr(problem.orig, "diag", None), "constraint_name", None) or str(problem.orig)
    return OPEN_HOLD_INDEX in refused or "orders.buyer_id, orders.event_id" in refused


def _replace_open_hold(wanted: dict[str, int], new: NewOrder, *, guest: bool = False) -> None:
    """The buyer already holds seats for this event: the new order replaces that one, or is refused.

    One open unpaid order per buyer and event, so that nobody can keep a tier sold out by checking
    out again and again (each checkout holds its seats for HOLD_MINUTES). Which of the two:

    - Replaced, in this one transaction (old order `cancelled`, its seats given back and the new
      ones taken in one pass over the tiers, so the buyer's own seats count as free), when no
      payment can reach the old order: its Paystack transaction was never handed to the buyer
      (`pending` without an access code: a checkout whose payment was not started, or is being
      started right now, and `payments` then keeps its URL to itself), or its hold is over
      (what the housekeeping would cancel anyway; a payment arriving for it is a late payment as
      always: tickets if seats are free, else refunded).
    - Refused while the buyer may be paying at Paystack (`processing`, hold running): cancelling
      would take the seats from under a payment that can still succeed. The buyer finishes or
      cancels it on the event page, or waits for the hold to end.

    A failed new hold (sold out) rolls the whole transaction back: the old order stands.
    """
    now = utcnow()
    order = new.order
    try:
        with transaction() as session:
            connection = session.connection()
            held = sales_store.open_hold_of_buyer(connection, order["buyer_id"], order["event_id"])
            released: Counter[str] = Counter()
            if held is not None:
                if not sales_store.replace_open_hold(connection, held.id, now):
                    raise _payment_in_progress(held.expires_at, now, guest=guest)
                for line in sales_store.order_lines(connection, held.id):
                    released[line.tier_id] += line.quantity
            new.insert(connection)
            _change_holds(connection, released, wanted)
            # The code last, as in `_hold_all`: the old order's use back, then the new one's.
            if held is not None:
                discounts.release_held_of_order(connection, held.id)
            if order["discount_code_id"] is not None:
                discounts.hold(connection, order["discount_code_id"])
    except IntegrityError as refused:
        if not _second_open_hold(refused):
            raise
        # A third checkout of the same buyer got in between: the one that committed stands.
        raise Conflict(N_("Another checkout of yours for this event is under way. Please try again.")) from None
    if held is not None:
        logger.info("order %s replaced by %s", held.id, order["reference"])


def _payment_in_progress(expires_at: datetime | None, now: datetime, *, guest: bool = False) -> Conflict:
    minutes = max(1, math.ceil((expires_at - now).total_seconds() / 60)) if expires_at else HOLD_MINUTES
    if guest:  # a guest has no event page view of the held order: only its payment page or the wait
        return Conflict(
            N_(
                "A payment with this email is in progress for this event. Finish it on the payment page, "
                "or wait for its hold to end (in {minutes} min)."
            ),
            values={"minutes": minutes},
        )
    return Conflict(
        N_(
            "You have a payment in progress for this event. Finish paying or cancel it on the event page, "
            "or wait for its hold to end (in {minutes} min)."
        ),
        values={"minutes": minutes},
    )


def _change_holds(connection: Connection, released: Counter[str], wanted: dict[str, int]) -> None:
    """Give back `released` seats and hold `wanted` ones as one net change per tier, in id order
    (as `_hold_all`, so concurrent orders never wait on each other's tier rows in a cycle)."""
    for tier_id in sorted(set(released) | set(wanted)):
        change = wanted.get(tier_id, 0) - released[tier_id]
        if change > 0:
            capacity.hold(connection, tier_id, change)
        if change < 0:
            capacity.release_held(connection, tier_id, -change)
