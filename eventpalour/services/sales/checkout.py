"""Checkout (SPEC §5): hold the seats and create the order in one transaction.

A free order is completed at once: seats sold, tickets issued, confirmation queued. A paid order
stays pending with its seats held for HOLD_MINUTES; payment then completes it (services/payments)
or the hold expires and the seats come back (`expire_holds`).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from eventpalour.db import read_only, transaction, write_batch
from eventpalour.models import EventPricing, OrderStatus
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import finance
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SoldOut,
    ValidationFailed,
    plural,
)
from eventpalour.services.sales import answers as attendee_answers
from eventpalour.services.sales import capacity, discounts, fulfilment, sms_tickets, waitlist
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.fees import Price, price_of
from eventpalour.services.sales.store import EventOnSale, TierOnSale, new_reference
from eventpalour.services.sales.tier_sales import SaleState, tier_sale

logger = logging.getLogger("eventpalour.orders")
HOLD_MINUTES = 15
MAX_TICKETS_PER_ORDER = 50

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
    discount: int = 0
    code: str = ""


ACCOUNT_REQUIRED = N_("The organizer asks every buyer to sign in: sign in or create an account to get tickets.")


def refuse_guests_if_required(requires_account: bool) -> None:
    """The organizer's "Buyers must have an account" (`Event.requires_account`): no guest checkout."""
    if requires_account:
        raise PermissionDenied(ACCOUNT_REQUIRED)


def _wanted(quantities: Mapping[str, int]) -> dict[str, int]:
    wanted = {tier_id: int(n) for tier_id, n in quantities.items() if int(n) > 0}
    if not wanted:
        raise ValidationFailed.field("quantities", N_("Choose at least one ticket."))
    if any(int(n) < 0 for n in quantities.values()):
        raise ValidationFailed.field("quantities", N_("Quantities cannot be negative."))
    if sum(wanted.values()) > MAX_TICKETS_PER_ORDER:
        raise ValidationFailed.field("quantities", f"One order can hold at most {MAX_TICKETS_PER_ORDER} tickets.")
    return wanted


def _check_tiers(
    event: EventOnSale, tiers: Mapping[str, TierOnSale], wanted: dict[str, int], unlocks: frozenset[str]
) -> None:
    """Every picked tier belongs to the event and is offered (a hidden one only with a code that
    unlocks it: `unlocks`), its sales are open, and the quantity fits its per-order cap."""
    now = utcnow()
    problems = []
    for tier_id, n in wanted.items():
        tier = tiers.get(tier_id)
        if tier is None:
            problems.append(FieldError(("quantities", tier_id), N_("This ticket is not offered for this event.")))
            continue
        if not discounts.offered(tier.id, tier.hidden, unlocks):
            problems.append(FieldError(("quantities", tier_id), discounts.LOCKED_TIER))
            continue
        sale = tier_sale(tier, event_status=event.status, event_end=event.end_at, zone_name=event.timezone, now=now)
        # Availability is decided by capacity.hold alone, in the same statement that takes the seats.
        if sale.state not in (SaleState.ON_SALE, SaleState.SOLD_OUT):
            problems.append(FieldError(("quantities", tier_id), f"{tier.name}: {sale.label}."))
        elif n > tier.max_per_order:
            problems.append(FieldError(("quantities", tier_id), f"At most {tier.max_per_order} {tier.name} per order."))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)


def _hold_all(connection: Connection, wanted: dict[str, int], code_id: str | None = None) -> None:
    """Hold every tier's seats, in id order, then the discount code's use (always in this order, so
    concurrent orders never wait on each other in a cycle)."""
    for tier_id in sorted(wanted):
        capacity.hold(connection, tier_id, wanted[tier_id])
    if code_id is not None:
        discounts.hold(connection, code_id)


def _not_enough(tier: TierOnSale) -> SoldOut:
    return SoldOut(
        f"Not enough {tier.name} tickets left. Try fewer, or another ticket type.",
        details=[FieldError(("quantities", tier.id), N_("Not enough left."))],
    )


def book_ticket(
    *,
    actor: UserSummary | None,
    event_id: str,
    quantities: Mapping[str, int],
    code: str | None = None,
    answers: attendee_answers.AttendeeAnswers | None = None,
    phone: str | None = None,
) -> CheckoutResult:
    """Hold the seats and create the order, in one transaction.

    Free orders complete at once (tickets issued, email queued); paid orders wait for payment with
    their seats held, one such order per buyer and event (`_replace_open_hold`). `actor` is an account
    or a guest buyer (services/sales/guests.py), who gets the same rules keyed by their email. Raises
    NotAuthenticated, PermissionDenied (unverified; a guest when the event requires accounts), NotFound,
    Conflict (already registered for a free event; a payment for this event in progress),
    ValidationFailed (a hidden tier without a code that unlocks it; also on the `code` field: an
    unknown, expired, inapplicable or used-up code; under "answers": a bad answer to an attendee
    question, or a missing attendee name; on "phone": a phone for SMS tickets that cannot be read),
    SoldOut. Nothing is held on a bad answer or phone.
    """
    if actor is None:
        raise NotAuthenticated(N_("Sign in to get tickets."))
    # A guest buyer (#24 §1, services/sales/guests.py) proves nothing about the address: the order and
    # its tickets are tied to it, and only that inbox gets the link to them.
    if not actor.is_verified and not actor.is_guest:
        raise PermissionDenied(N_("Verify your email before getting tickets."))
    wanted = _wanted(quantities)
    if not capacity.unguarded_precheck(wanted):
        raise SoldOut(N_("Sold out."))
    # Prepared Core statements (services/sales/store.py): every buyer of a rush runs this.
    # The event and its tiers in one round trip. Read before the write unit (READ COMMITTED would
    # not hold them still inside it either): what decides availability is the capacity guard, in the write.
    applied = None
    with read_only() as reader:
        event = sales_store.event_on_sale(reader.connection(), event_id)
        if event is None or not event.is_listed:
            raise NotFound(N_("This event is not on sale."))
        if actor.is_guest:
            refuse_guests_if_required(event.requires_account)
        tiers = event.tiers
        asked = attendee_answers.asked_questions(reader.connection(), event.id) if event.has_questions else ()
        if discounts.normalize(code):
            applied = discounts.applied(
                reader.connection(),
                event_id=event.id,
                code=code,
                wanted_tiers=set(wanted),
                currency=event.currency,
                buyer_id=actor.id,
                tier_names={t: row.name for t, row in tiers.items()},
            )
        _check_tiers(event, tiers, wanted, applied.unlocks if applied else frozenset())
    checked = attendee_answers.NO_ANSWERS
    if asked or answers is not None:
        checked = attendee_answers.check_answers(asked, wanted, answers, event.currency)
    buyer_phone = sms_tickets.checked_phone(phone, sms_tickets=event.sms_tickets, currency=event.currency)
    code_id = applied.id if applied is not None else None
    if not discounts.unguarded_precheck(code_id):
        raise discounts.used_up_error()
    charge = price_of(
        {t: row.price for t, row in tiers.items()}, wanted, event.fee_mode, applied.discount if applied else None
    )
    order = _new_order(actor, event, charge, code_id)
    if buyer_phone:  # else the column is left out: the insert stays as it was
        order["buyer_phone"] = buyer_phone
    items = _new_items(order["id"], tiers, wanted, checked.names)
    answer_rows = checked.rows(order["id"], {item["tier_id"]: item["id"] for item in items})
    free = charge.amount == 0
    try:
        if free:
            _register_free(actor, event, wanted, NewOrder(order, items, answer_rows), applied)
        else:
            _hold_paid(wanted, NewOrder(order, items, answer_rows), guest=actor.is_guest)
    except capacity.NotEnoughSeats as short:
        raise _not_enough(tiers[short.tier_id]) from None
    except discounts.CodeUsedUp:
        raise discounts.used_up_error() from None
    result = CheckoutResult(
        order_id=order["id"],
        reference=order["reference"],
        status=OrderStatus.COMPLETED if free else OrderStatus.PENDING,
        amount=charge.amount,
        currency=event.currency,
        expires_at=None if free else order["expires_at"],
        event_short_id=event.short_id,
        discount=charge.discount,
        code=applied.code if applied else "",
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
            "A payment with this email is in progress for this event. Finish it on the payment page, "
            f"or wait {plural(minutes, 'minute')} for its hold to end."
        )
    return Conflict(
        "You have a payment in progress for this event. Finish paying or cancel it on the event page, "
        f"or wait {plural(minutes, 'minute')} for its hold to end."
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


def _register_free(
    actor: UserSummary,
    event: EventOnSale,
    wanted: dict[str, int],
    new: NewOrder,
    applied: discounts.AppliedCode | None,
) -> None:
    """A free order, complete at once: one registration per person (and a discount code that made
    it free at most as often as it allows each buyer), tickets issued, seats sold."""
    with transaction() as session:
        connection = session.connection()
        _refuse_second_registration(connection, event, actor)
        if applied is not None:
            discounts.refuse_past_buyer_limit(connection, actor.id, applied)
        new.insert(connection)
        order = new.order
        fulfilment.issue_tickets(connection, _to_issue(order, new.items, applied.code if applied else ""))
        finance.record_sale(connection, _free_sale(order, wanted))
        # Capacity last: from its UPDATE until COMMIT the tier row is locked and every other buyer of
        # the tier waits, so nothing but the commit may follow it. Sold out rolls the order back.
        _hold_all(connection, wanted, order["discount_code_id"])
        for tier_id in sorted(wanted):
            capacity.sell_held(connection, tier_id, wanted[tier_id])
        if order["discount_code_id"] is not None:
            discounts.sell_held(connection, order["discount_code_id"])


def _free_sale(order: dict[str, Any], wanted: dict[str, int]) -> finance.SettledSale:
    """A free registration as the analytics rollups count it: a sale of zero, paid now."""
    return finance.SettledSale(
        order_id=order["id"],
        buyer_id=order["buyer_id"],
        event_id=order["event_id"],
        workspace_id=order["workspace_id"],
        currency=order["currency"],
        channel="",
        paid_at=order["paid_at"],
        amount=order["amount"],
        platform_fee=order["platform_fee"],
        provider_fee=order.get("provider_fee") or 0,
        organizer_share=order["organizer_share"],
        discount=order.get("discount_amount") or 0,
        tickets_by_tier=wanted,
    )


def _to_issue(order: dict[str, Any], items: list[dict[str, Any]], code: str) -> fulfilment.OrderToIssue:
    """The order to issue, from the values of the order and its lines just written."""
    return fulfilment.OrderToIssue(
        id=order["id"],
        reference=order["reference"],
        buyer_id=order["buyer_id"],
        event_id=order["event_id"],
        amount=order["amount"],
        currency=order["currency"],
        subtotal=order["subtotal"],
        platform_fee=order["platform_fee"],
        lines=tuple(
            sales_store.OrderLine(
                id=item["id"],
                tier_id=item["tier_id"],
                tier_name=item["tier_name"],
                quantity=item["quantity"],
                attendee_names=item.get("attendee_names"),
            )
            for item in items
        ),
        discount_code=code,
        discount=order["discount_amount"],
        buyer_phone=order.get("buyer_phone"),
    )


def _new_order(actor: UserSummary, event: EventOnSale, charge: Price, code_id: str | None) -> dict[str, Any]:
    """The row of a new order: pending, its seats held for HOLD_MINUTES. A free one is written
    completed: it never holds seats, so it is never the buyer's open hold for the event."""
    now = utcnow()
    order = {
        "id": new_id(),
        "reference": new_reference(),
        "buyer_id": actor.id,
        "event_id": event.id,
        "workspace_id": event.workspace_id,
        "status": OrderStatus.PENDING.value,
        "currency": event.currency,
        "subtotal": charge.subtotal,
        "discount_code_id": code_id,
        "discount_amount": charge.discount,
        "platform_fee": charge.platform_fee,
        "amount": charge.amount,
        "fee_mode": event.fee_mode,
        "holds_active": True,
        "expires_at": now + timedelta(minutes=HOLD_MINUTES),
        "created_at": now,
        "updated_at": now,
    }
    if charge.amount == 0:
        order.update(
            status=OrderStatus.COMPLETED.value,
            holds_active=False,
            expires_at=None,
            paid_at=now,
            provider_fee=0,
            organizer_share=0,
        )
    return order


def _new_items(
    order_id: str, tiers: Mapping[str, TierOnSale], wanted: dict[str, int], names: Mapping[str, list[str]]
) -> list[dict[str, Any]]:
    """One line per picked tier, at the tier's name and price of this moment, with its attendees'
    names when the event asks them (else the column is left out: the insert stays as it was)."""
    items = [
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
    if names:
        for item in items:
            item["attendee_names"] = names[item["tier_id"]]
    return items


def _refuse_second_registration(connection: Connection, event: EventOnSale, actor: UserSummary) -> None:
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
        sales_store.lock_buyer(connection, actor.id)
    if sales_store.has_completed_order(connection, actor.id, event.id):
        raise Conflict(N_("You are already registered for this event."))


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
