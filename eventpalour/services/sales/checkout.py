"""Checkout (SPEC §5): hold the seats and create the order in one transaction.

A free order is completed at once: seats sold, tickets issued, confirmation queued. A paid order
stays pending with its seats held for HOLD_MINUTES; payment then completes it (services/payments)
or the hold expires and the seats come back (`expire_holds`).

This module takes the order (the checks, the price, the rows); the rest lives beside it, its
public names re-exported here: held_orders.py (a paid order's hold, one open hold per buyer and
event), free_registration.py (a free order completed at once, one registration per person) and
order_release.py (closing an open order: expiry, cancel, failed payment).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventpalour.db import read_only
from eventpalour.models import OrderStatus
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SoldOut,
    ValidationFailed,
)
from eventpalour.services.sales import answers as attendee_answers
from eventpalour.services.sales import capacity, discounts, sms_tickets, waiting_room
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.fees import Price, price_of

# The parts of checkout live in their own modules (paid holds, free registrations, closing orders);
# their public names stay importable from here, as before the split.
from eventpalour.services.sales.free_registration import (
    _register_free,
    registration_lock_disabled_for_tests,
)
from eventpalour.services.sales.held_orders import HOLD_MINUTES, OPEN_HOLD_INDEX, NewOrder, _hold_paid
from eventpalour.services.sales.order_release import cancel_order, expire_holds, release_order
from eventpalour.services.sales.store import EventOnSale, TierOnSale, new_reference
from eventpalour.services.sales.tier_sales import SaleState, tier_sale

logger = logging.getLogger("eventpalour.orders")
MAX_TICKETS_PER_ORDER = 50


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
        raise ValidationFailed.field(
            "quantities",
            N_("One order can hold at most {MAX_TICKETS_PER_ORDER} tickets."),
            MAX_TICKETS_PER_ORDER=MAX_TICKETS_PER_ORDER,
        )
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
            problems.append(
                FieldError(("quantities", tier_id), N_("{name}: {label}."), {"name": tier.name, "label": sale.label})
            )
        elif n > tier.max_per_order:
            problems.append(
                FieldError(
                    ("quantities", tier_id),
                    N_("At most {max_per_order} {name} per order."),
                    {"max_per_order": tier.max_per_order, "name": tier.name},
                )
            )
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)


def _not_enough(tier: TierOnSale) -> SoldOut:
    return SoldOut(
        N_("Not enough {name} tickets left. Try fewer, or another ticket type."),
        values={"name": tier.name},
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
    queue_cookie: str | None = None,
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
    SoldOut. Nothing is held on a bad answer or phone. While the event's waiting room is active, only
    a browser its queue admitted (`queue_cookie`, its `ep_queue` cookie) may check out:
    WaitingRoomRequired.
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
        # The room's state came with the event: only an event whose room guards its checkout now
        # costs the queue's own read (the browser's admission), on this same connection.
        if waiting_room.room_guards(event.queue_from, utcnow()):
            waiting_room.require_admission(
                event_ref=event.id, browser_cookie=queue_cookie, connection=reader.connection()
            )
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
        # The refund policy shown at checkout is the one this order keeps (#19 §5).
        "refund_policy": event.refund_policy,
        "refund_days": event.refund_days,
        "refund_policy_text": event.refund_policy_text,
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


__all__ = [
    "ACCOUNT_REQUIRED",
    "HOLD_MINUTES",
    "MAX_TICKETS_PER_ORDER",
    "OPEN_HOLD_INDEX",
    "CheckoutResult",
    "NewOrder",
    "book_ticket",
    "cancel_order",
    "expire_holds",
    "new_reference",
    "refuse_guests_if_required",
    "registration_lock_disabled_for_tests",
    "release_order",
]
