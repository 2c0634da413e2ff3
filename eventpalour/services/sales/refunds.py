"""Refunds (SPEC §5): an organizer refunds an order in full or in part, or cancelling an event
refunds every paid order; services/sales/paystack_refunds.py then sends each to Paystack and follows it.

The rules, and where each is kept:
- never more than was paid: the refund's amount is claimed on `orders.refunded_amount` by one
  conditional UPDATE in the transaction that records it, so racing refunds cannot over-refund;
  a failed refund gives its claim back;
- the door: the refunded tickets stop scanning at once (status `refunded`); their seats return
  only when Paystack has processed the refund, so a failed refund can make them valid again
  without ever overselling;
- Paystack is called by the worker (`paystack_refunds.submit_due`), never inside a transaction and
  never from the organizer's request, so a slow provider cannot hang a page and a cancelled
  event's hundred refunds go out at the provider's pace, with retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    MONEY_HELD_STATUSES,
    Event,
    OrderStatus,
    Refund,
    RefundKind,
    RefundStatus,
    TicketStatus,
    User,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, finance, identity, platform
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    DomainError,
    FieldError,
    MoneyWords,
    NotFound,
    ValidationFailed,
    clean_text,
)
from eventpalour.services.sales import capacity, discounts, waitlist
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.store import OrderForRefund
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

logger = logging.getLogger("eventpalour.refunds")


ALREADY_CANCELLED = N_("This registration is already cancelled.")


def refund_refusal(*, status: str, amount: int, refunded_amount: int) -> DomainError | None:
    """Why `process_refund` refuses this order, or None: only a paid order holding money, and not
    refunded in full yet (a full refund still queued leaves it `completed`, with nothing left).
    The Orders tab's Refund flag is this being None."""
    if amount == 0:
        return Conflict(N_("Free orders cannot be refunded. Cancel the tickets instead."))
    if status not in MONEY_HELD_STATUSES:
        return Conflict(N_("Only paid orders can be refunded."))
    if refunded_amount >= amount:
        return Conflict(N_("This order has already been refunded up to what was paid."))
    return None


def cancel_refusal(*, status: str, amount: int) -> DomainError | None:
    """Why `cancel_free_order` refuses this order, or None: only a free registration that still
    stands. The Orders tab's Cancel flag is this being None."""
    if amount != 0:
        return Conflict(N_("Paid orders are refunded, not cancelled."))
    if status == OrderStatus.CANCELLED:
        return Conflict(ALREADY_CANCELLED)
    if status != OrderStatus.COMPLETED:
        return Conflict(N_("Only a confirmed registration can be cancelled."))
    return None


@dataclass(frozen=True)
class RefundableTicket:
    id: str
    short_code: str
    tier_name: str
    unit_price: int
    status: str
    can_choose: bool  # a refund can void it: only valid tickets (queue_refund)


@dataclass(frozen=True)
class RefundOptions:
    """What the refund dialog offers for one order."""

    order_id: str
    reference: str
    currency: str
    amount: int
    refundable: int
    tickets: list[RefundableTicket]
    refunds: list[Refund]


def refund_options(*, actor: UserSummary | None, order_id: str) -> RefundOptions:
    """The order's refundable amount, its tickets and its refunds so far (admin and above)."""
    with read_only() as session:
        order = _order_for_billing(session, actor, order_id)
        tickets = sales_store.order_tickets(session.connection(), order.id)
        refunds = list(session.exec(select(Refund).where(Refund.order_id == order.id).order_by(col(Refund.created_at))))
    return RefundOptions(
        order_id=order.id,
        reference=order.reference,
        currency=order.currency,
        amount=order.amount,
        refundable=order.amount - order.refunded_amount if order.status in MONEY_HELD_STATUSES else 0,
        tickets=[
            RefundableTicket(t.id, t.short_code, t.tier_name, t.unit_price, t.status, t.status == TicketStatus.VALID)
            for t in tickets
        ],
        refunds=refunds,
    )


def _order_for_billing(session: Session, actor: UserSummary | None, order_id: str) -> OrderForRefund:
    order = sales_store.order_for_refund(session.connection(), order_id or "")
    if order is None:
        raise NotFound(N_("This order does not exist."))
    load_event_for(session, actor, order.event_id, WorkspaceAction.MANAGE_BILLING)
    return order


def process_refund(
    *,
    actor: UserSummary | None,
    order_id: str,
    amount: int | None,
    ticket_ids: list[str],
    reason: str,
) -> Refund:
    """Refund part or all of a paid order (`processRefund`, workspace admin and above).

    `amount` None means everything still refundable; the tickets in `ticket_ids` (valid ones of
    this order) stop working now. Paystack is asked by the worker moments later. Raises
    NotAuthenticated, NotFound, PermissionDenied, SecondFactorRequired (the session did not pass
    two-factor sign-in), ValidationFailed, Conflict.
    """
    reason = clean_text(reason)
    problems = []
    if not reason:
        problems.append(FieldError(("reason",), N_("Say why you are refunding (the buyer sees this).")))
    elif len(reason) > 500:
        problems.append(FieldError(("reason",), N_("Keep the reason under 500 characters.")))
    if amount is not None and amount <= 0:
        problems.append(FieldError(("amount",), N_("Enter an amount above zero.")))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    with transaction() as session:
        order = _order_for_billing(session, actor, order_id)
        identity.require_second_factor(session, actor, "refund")
        if refusal := refund_refusal(status=order.status, amount=order.amount, refunded_amount=order.refunded_amount):
            raise refusal
        left = order.amount - order.refunded_amount
        wanted = left if amount is None else amount
        if wanted > left:
            raise ValidationFailed.field(
                "amount",
                N_("At most {money} is left to refund on this order."),
                money=MoneyWords(left, order.currency),
            )
        refund = queue_refund(
            session,
            order,
            amount=wanted,
            ticket_ids=list(dict.fromkeys(ticket_ids)),
            reason=reason,
            kind=RefundKind.MANUAL,
            requested_by_id=actor.id,
        )
        logger.info("refund queued %s order=%s amount=%d %s", refund.id, order.reference, wanted, order.currency)
        admin.record_audit(
            session,
            action="order.refund",
            actor_id=actor.id,
            target=("order", order.id),
            details={"amount": wanted, "tickets": len(refund.ticket_ids)},
        )
        return refund


def cancel_free_order(*, actor: UserSummary | None, order_id: str, reason: str) -> int:
    """Cancel a free registration (free orders are not refunded, SPEC §5): its tickets stop working,
    their seats come back, the holder is told. Admin and above, like refunds. Returns tickets cancelled."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed.field("reason", N_("Say why you are cancelling (the guest sees this)."))
    with transaction() as session:
        order = _order_for_billing(session, actor, order_id)
        if refusal := cancel_refusal(status=order.status, amount=order.amount):
            raise refusal
        connection = session.connection()
        # Conditional, so two cancels racing past the check above close the registration once.
        if not sales_store.cancel_completed_order(connection, order.id, utcnow()):
            raise Conflict(ALREADY_CANCELLED)
        finance.take_back_sale(connection, order.id)  # a cancelled registration is no sale (money_figures)
        seats = sales_store.valid_seats_by_tier(connection, order.id)
        for tier in seats:
            capacity.release_sold(connection, tier.tier_id, tier.seats)
        discounts.release_sold_of_order(connection, order.id)
        # The seats go to the waitlist now, while this transaction holds the tier rows (#19 §4).
        waitlist.pass_on(connection, [tier.tier_id for tier in seats])
        sales_store.void_valid_tickets(connection, order.id, TicketStatus.CANCELLED.value)
        guest = session.get(User, order.buyer_id)
        event = session.get(Event, order.event_id)
        # In the buyer's language: their account's choice, or a guest's latest checkout's (sales/guests.py).
        email = platform.registration_cancelled_email(
            guest.email, event.title, reason, language=platform.language_or_default(guest.language)
        )
        platform.enqueue(session, email)
        admin.record_audit(session, action="order.cancel_free", actor_id=actor.id, target=("order", order.id))
        return sum(tier.seats for tier in seats)


def queue_refund(
    session: Session,
    order: OrderForRefund,
    *,
    amount: int,
    ticket_ids: list[str],
    reason: str,
    kind: str,
    requested_by_id: str | None,
) -> Refund:
    """Claim `amount` on the order, void the tickets and record the refund, in the caller's transaction."""
    connection = session.connection()
    if not sales_store.claim_refund(connection, order.id, amount, utcnow()):
        # Another refund got there first: what is left is less than asked.
        raise Conflict(N_("This order has already been refunded up to what was paid."))
    if ticket_ids:
        voided = sales_store.void_tickets(connection, order.id, ticket_ids, TicketStatus.REFUNDED.value)
        if voided != len(ticket_ids):
            raise ValidationFailed.field(
                "tickets", N_("Choose valid tickets of this order (used or refunded ones cannot be).")
            )
    refund = Refund(
        order_id=order.id,
        event_id=order.event_id,
        workspace_id=order.workspace_id,
        amount=amount,
        currency=order.currency,
        kind=kind,
        reason=str(reason)[:500],
        ticket_ids=ticket_ids,
        requested_by_id=requested_by_id,
    )
    # A reason the system wrote (a Message) is read in each reader's language; a typed one stays as typed.
    refund.reason_template, refund.reason_values = platform.kept_message(reason)
    session.add(refund)
    session.flush()
    finance.record_refund(connection, recorded_refund(order, refund))
    return refund


def recorded_refund(order: OrderForRefund, refund: Refund) -> finance.RecordedRefund:
    """A refund of a sale as the analytics rollups count it, with the tickets it voided."""
    return finance.RecordedRefund(
        event_id=order.event_id,
        workspace_id=order.workspace_id,
        currency=refund.currency,
        channel=order.payment_channel,
        amount=refund.amount,
        recorded_at=refund.created_at,
        ticket_ids=list(refund.ticket_ids or []),
    )


def queue_event_refunds(session: Session, event: Event, *, actor_id: str | None) -> int:
    """A cancelled event: refund every paid order in full and void every ticket. Returns how many refunds."""
    queued = 0
    connection = session.connection()
    for order in sales_store.paid_orders(connection, event.id):
        left = order.amount - order.refunded_amount
        if left <= 0:
            continue
        queue_refund(
            session,
            order,
            amount=left,
            ticket_ids=sales_store.valid_ticket_ids(connection, order.id),
            reason=platform.message(N_("{event} was cancelled."), event=event.title),
            kind=RefundKind.EVENT_CANCELLED,
            requested_by_id=actor_id,
        )
        queued += 1
    return queued


STATUS_LABELS = {
    RefundStatus.QUEUED: N_("Refund queued"),
    RefundStatus.PENDING: N_("Refund pending"),
    RefundStatus.PROCESSING: N_("Refund processing"),
    RefundStatus.NEEDS_ATTENTION: N_("Refund needs attention"),
    RefundStatus.PROCESSED: N_("Refunded"),
    RefundStatus.FAILED: N_("Refund failed"),
}
# A payment that bought nothing, by why and how far its return went: one whole label each (catalog
# ids), so a language says cause and progress in its own order.
RETURN_LABELS = {
    RefundKind.PAYMENT_MISMATCH: {
        RefundStatus.PROCESSED: N_("Payment mismatch, refunded"),
        RefundStatus.FAILED: N_("Payment mismatch, refund failed, refund it by hand"),
        None: N_("Payment mismatch, refund in progress"),
    },
    RefundKind.LATE_PAYMENT: {
        RefundStatus.PROCESSED: N_("Paid after sell-out, refunded"),
        RefundStatus.FAILED: N_("Paid after sell-out, refund failed, refund it by hand"),
        None: N_("Paid after sell-out, refund in progress"),
    },
    RefundKind.CODE_USED_UP: {
        RefundStatus.PROCESSED: N_("Paid after the code ran out, refunded"),
        RefundStatus.FAILED: N_("Paid after the code ran out, refund failed, refund it by hand"),
        None: N_("Paid after the code ran out, refund in progress"),
    },
}


def refund_label(kind: str, status: str) -> str:
    """What an organizer or finance reads about a refund, e.g. "Refund pending" or, for a payment
    that bought nothing, "Payment mismatch, refunded" (the one place these words are decided; the
    catalogs' ids, said in the reader's language where they are shown)."""
    if kind in RETURN_LABELS:
        progress = RETURN_LABELS[kind]
        return progress.get(status, progress[None])
    return STATUS_LABELS.get(status, status)


@dataclass(frozen=True)
class RefundProgress:
    """How a cancelled event's refunds are going, for the organizer."""

    total: int
    processed: int
    failed: int
    in_flight: int


def event_refund_progress(*, actor: UserSummary | None, event_id: str) -> RefundProgress:
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        counts = dict(
            session.exec(
                select(Refund.status, func.count())
                .where(Refund.event_id == event.id, Refund.kind == RefundKind.EVENT_CANCELLED)
                .group_by(col(Refund.status))
            ).all()
        )
    total = sum(counts.values())
    processed = counts.get(RefundStatus.PROCESSED, 0)
    failed = counts.get(RefundStatus.FAILED, 0)
    return RefundProgress(total=total, processed=processed, failed=failed, in_flight=total - processed - failed)
