"""Checkout (SPEC §5): hold the seats and create the order in one transaction.

A free order is completed at once: seats sold, tickets issued, confirmation queued. A paid order
stays pending with its seats held for HOLD_MINUTES; payment then completes it (services/payments)
or the hold expires and the seats come back (`expire_holds`).
"""

from __future__ import annotations

import logging
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.db import read_connection, transaction, write_batch, write_connection
from eventpalour.models import EventPricing, Order, OrderStatus, User
from eventpalour.models.types import new_id, random_string, utcnow
from eventpalour.services import capacity, checkout_queries, fulfilment
from eventpalour.services.accounts import UserSummary
from eventpalour.services.errors import (
    Conflict,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SoldOut,
    ValidationFailed,
)
from eventpalour.services.fees import Charge, charge_for
from eventpalour.services.tier_sales import SaleState, tier_sale

logger = logging.getLogger("eventpalour.orders")
HOLD_MINUTES = 15
MAX_TICKETS_PER_ORDER = 50
OPEN_STATUSES = checkout_queries.OPEN_STATUSES

_registration_unlocked: ContextVar[bool] = ContextVar("registration_unlocked", default=False)


@contextmanager
def registration_lock_disabled_for_tests() -> Iterator[None]:
    """Check "already registered?" without the buyer's row lock: the race the lock exists to prevent."""
    token = _registration_unlocked.set(True)
    try:
        yield
    finally:
        _registration_unlocked.reset(token)


@dataclass(frozen=True)
class CheckoutResult:
    order_id: str
    reference: str
    status: str
    amount: int
    currency: str
    expires_at: datetime | None
    event_short_id: str


def new_reference() -> str:
    return "EVT-" + random_string(string.ascii_uppercase + string.digits, 12)


def _wanted(quantities: Mapping[str, int]) -> dict[str, int]:
    wanted = {tier_id: int(n) for tier_id, n in quantities.items() if int(n) > 0}
    if not wanted:
        raise ValidationFailed.field("quantities", "Choose at least one ticket.")
    if any(int(n) < 0 for n in quantities.values()):
        raise ValidationFailed.field("quantities", "Quantities cannot be negative.")
    if sum(wanted.values()) > MAX_TICKETS_PER_ORDER:
        raise ValidationFailed.field("quantities", f"One order can hold at most {MAX_TICKETS_PER_ORDER} tickets.")
    return wanted


def _check_tiers(event: Row[Any], tiers: dict[str, Row[Any]], wanted: dict[str, int]) -> None:
    """Every picked tier belongs to the event, its sales are open, and the quantity fits its per-order cap."""
    now = utcnow()
    problems = []
    for tier_id, n in wanted.items():
        tier = tiers.get(tier_id)
        if tier is None or tier.hidden:
            problems.append(FieldError(("quantities", tier_id), "This ticket is not offered for this event."))
            continue
        sale = tier_sale(tier, event_status=event.status, event_end=event.end_at, zone_name=event.timezone, now=now)
        # Availability is decided by capacity.hold alone, in the same statement that takes the seats.
        if sale.state not in (SaleState.ON_SALE, SaleState.SOLD_OUT):
            problems.append(FieldError(("quantities", tier_id), f"{tier.name}: {sale.label}."))
        elif n > tier.max_per_order:
            problems.append(FieldError(("quantities", tier_id), f"At most {tier.max_per_order} {tier.name} per order."))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)


def _hold_all(connection: Connection, tiers: dict[str, Row[Any]], wanted: dict[str, int]) -> None:
    """Hold every tier's seats, in id order (so concurrent orders never wait on each other in a cycle)."""
    for tier_id in sorted(wanted):
        if not capacity.hold(connection, tier_id, wanted[tier_id]):
            raise _not_enough(tiers[tier_id])


def _not_enough(tier: Row[Any]) -> SoldOut:
    return SoldOut(
        f"Not enough {tier.name} tickets left. Try fewer, or another ticket type.",
        details=[FieldError(("quantities", tier.tier_id), "Not enough left.")],
    )


def book_ticket(*, actor: UserSummary | None, event_id: str, quantities: Mapping[str, int]) -> CheckoutResult:
    """Hold the seats and create the order, in one transaction.

    Free orders complete at once (tickets issued, email queued); paid orders wait for payment with
    their seats held. Raises NotAuthenticated, PermissionDenied (unverified), NotFound, Conflict
    (already registered for a free event), ValidationFailed, SoldOut.
    """
    if actor is None:
        raise NotAuthenticated("Sign in to get tickets.")
    if not actor.is_verified:
        raise PermissionDenied("Verify your email before getting tickets.")
    wanted = _wanted(quantities)
    if not capacity.unguarded_precheck(wanted):
        raise SoldOut("Sold out.")
    # Prepared Core statements (services/checkout_queries.py): every buyer of a rush runs this.
    # The event and its tiers in one round trip, each row the event and one of its tiers. Read
    # before the write unit (READ COMMITTED would not hold them still inside it either): what
    # decides availability is the capacity guard, in the write.
    with read_connection() as reader:
        rows = reader.execute(checkout_queries.EVENT_AND_TIERS, {"ref": event_id}).all()
    event = rows[0] if rows else None
    if event is None or not event.is_listed:
        raise NotFound("This event is not on sale.")
    tiers = {row.tier_id: row for row in rows if row.tier_id is not None and row.tier_event_id == event.id}
    _check_tiers(event, tiers, wanted)
    charge = charge_for(sum(tiers[t].price * n for t, n in wanted.items()), event.fee_mode)
    order = _new_order(actor, event, charge)
    items = _new_items(order["id"], tiers, wanted)
    free = charge.amount == 0
    if free:
        _register_free(actor, event, tiers, wanted, order, items)
    else:
        _hold_paid(tiers, wanted, order, items)
    result = CheckoutResult(
        order_id=order["id"],
        reference=order["reference"],
        status=OrderStatus.COMPLETED if free else OrderStatus.PENDING,
        amount=charge.amount,
        currency=event.currency,
        expires_at=None if free else order["expires_at"],
        event_short_id=event.short_id,
    )
    logger.info(
        "order placed %s event=%s tickets=%d amount=%d %s status=%s",
        result.reference,
        event_id,
        sum(wanted.values()),
        result.amount,
        result.currency,
        result.status,
    )
    return result


def _hold_paid(
    tiers: dict[str, Row[Any]], wanted: dict[str, int], order: dict[str, Any], items: list[dict[str, Any]]
) -> None:
    """A paid order and its held seats, as one batch: on PostgreSQL the inserts, the seat counters'
    UPDATEs and the COMMIT travel in one round trip, so the tier row (which every buyer of a rush
    queues for) stays locked only while the server finishes the batch."""
    try:
        with write_batch() as connection:
            connection.execute(checkout_queries.INSERT_ORDER, order)
            connection.execute(checkout_queries.INSERT_ITEMS, items[0] if len(items) == 1 else items)
            _hold_all(connection, tiers, wanted)
    except IntegrityError as refused:
        if not capacity.refused_for_capacity(refused):
            raise
        raise _not_enough(tiers[capacity.first_short(wanted)]) from None


def _register_free(
    actor: UserSummary,
    event: Row[Any],
    tiers: dict[str, Row[Any]],
    wanted: dict[str, int],
    order: dict[str, Any],
    items: list[dict[str, Any]],
) -> None:
    """A free order, complete at once: one registration per person, tickets issued, seats sold."""
    with write_connection() as connection:
        _refuse_second_registration(connection, event, actor)
        connection.execute(checkout_queries.INSERT_ORDER, order)
        connection.execute(checkout_queries.INSERT_ITEMS, items[0] if len(items) == 1 else items)
        _complete_free(connection, order, items)
        # Capacity last: from its UPDATE until COMMIT the tier row is locked and every other buyer of
        # the tier waits, so nothing but the commit may follow it. Sold out rolls the order back.
        _hold_all(connection, tiers, wanted)
        for tier_id in sorted(wanted):
            capacity.sell_held(connection, tier_id, wanted[tier_id])


def _new_order(actor: UserSummary, event: Row[Any], charge: Charge) -> dict[str, Any]:
    """The row of a new order: pending, its seats held for HOLD_MINUTES (a free one completes at once)."""
    now = utcnow()
    return {
        "id": new_id(),
        "reference": new_reference(),
        "buyer_id": actor.id,
        "event_id": event.id,
        "workspace_id": event.workspace_id,
        "status": OrderStatus.PENDING.value,
        "currency": event.currency,
        "subtotal": charge.subtotal,
        "platform_fee": charge.platform_fee,
        "amount": charge.amount,
        "fee_mode": event.fee_mode,
        "holds_active": True,
        "expires_at": now + timedelta(minutes=HOLD_MINUTES),
        "created_at": now,
        "updated_at": now,
    }


def _new_items(order_id: str, tiers: dict[str, Row[Any]], wanted: dict[str, int]) -> list[dict[str, Any]]:
    """One line per picked tier, at the tier's name and price of this moment."""
    return [
        {
            "id": new_id(),
            "order_id": order_id,
            "tier_id": tier_id,
            "tier_name": tiers[tier_id].name,
            "quantity": wanted[tier_id],
            "unit_price": tiers[tier_id].price,
        }
        for tier_id in sorted(wanted)
    ]


def _refuse_second_registration(connection: Connection, event: Row[Any], actor: UserSummary) -> None:
    """A free event takes one registration per person, however many of their requests arrive at once.

    The check and the insert that follows must not interleave with another registration of the
    same person, so the buyer's own row is locked first (`SELECT … FOR NO KEY UPDATE`, held until
    commit). On PostgreSQL (READ COMMITTED) a second request waits at that lock until the first
    commits, and its check, a new statement, then sees the first order. SQLite needs nothing more:
    write transactions start with BEGIN IMMEDIATE and run one at a time (SQLAlchemy emits no FOR
    UPDATE there).
    Why this lock: only one person's requests wait on each other, so a popular event keeps taking
    other people's registrations in parallel; a tier-row lock would miss two requests for two free
    tiers of one event; and a unique index cannot say "per free event" (a free tier of a paid event
    may be booked again, and orders do not record the event's pricing) without a new column and
    migration. NO KEY UPDATE does not block the KEY SHARE lock that inserting any order of this
    buyer takes through the foreign key, so the buyer's other checkouts never wait on it.
    """
    if event.pricing != EventPricing.FREE:
        return
    if not _registration_unlocked.get():
        connection.execute(select(User.id).where(User.id == actor.id).with_for_update(key_share=True)).one()
    existing = connection.execute(
        select(Order.id).where(
            Order.event_id == event.id, Order.buyer_id == actor.id, col(Order.status) == OrderStatus.COMPLETED
        )
    ).first()
    if existing:
        raise Conflict("You are already registered for this event.")


def _complete_free(connection: Connection, order: dict[str, Any], items: list[dict[str, Any]]) -> None:
    """A free order is done at once: tickets issued now (its seats are taken by the caller, last)."""
    connection.execute(checkout_queries.COMPLETE_FREE_ORDER, {"order_id": order["id"], "now": utcnow()})
    # Fulfilment reads the order and its lines by attribute, as rows; these are the values just written.
    fulfilment.issue_tickets(connection, SimpleNamespace(**order), [SimpleNamespace(**item) for item in items])


def release_order(executor: Session | Connection, order_id: str, status: str) -> bool:
    """Close an open order as `status` and give its held seats back, once (the flag is the lock)."""
    closed = executor.execute(
        checkout_queries.CLOSE_HOLDING_ORDER, {"order_id": order_id, "new_status": status, "now": utcnow()}
    ).rowcount
    if closed != 1:
        return False
    for item in executor.execute(checkout_queries.ORDER_ITEMS, {"order_id": order_id}).all():
        capacity.release_held(executor, item.tier_id, item.quantity)
    return True


def expire_holds(now: datetime | None = None, limit: int = 200) -> int:
    """Cancel pending orders whose hold ran out; their seats come back. Returns how many expired."""
    moment = now or utcnow()
    expired = 0
    with transaction() as session:
        orders = session.exec(
            select(Order)
            .where(col(Order.status).in_(OPEN_STATUSES), col(Order.holds_active).is_(True), Order.expires_at < moment)
            .limit(limit)
        ).all()
        for order in orders:
            expired += release_order(session, order.id, OrderStatus.CANCELLED)
    return expired


def cancel_order(*, actor: UserSummary | None, order_id: str) -> None:
    """The buyer gives up a pending order before paying; its seats come back at once."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        order = session.get(Order, order_id or "")
        if order is None or order.buyer_id != actor.id:
            raise NotFound("This order does not exist.")
        if not release_order(session, order.id, OrderStatus.CANCELLED):
            raise Conflict("This order can no longer be cancelled.")
