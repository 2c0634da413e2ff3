"""Refunds at Paystack (SPEC §5, contract §4): the worker sends queued refunds, and Paystack's
answers, `refund.*` webhooks and the background re-check move each one to its end.

- Paystack is called here only, by the worker, never inside a transaction: a refund is claimed
  (`locked_until`), sent, and its Paystack id and state recorded; a refusal is retried with backoff
  up to MAX_ATTEMPTS, then the refund fails visibly;
- a webhook is a hint: the refund's state is read back from Paystack by its id, and a refund
  Paystack has not accepted yet (no id) is never moved by one; housekeeping looks again at every
  refund left open too long, so none waits forever for a webhook that was lost;
- each state is applied once (`_apply`): processed returns the voided tickets' seats, failed gives
  the order's claim back and makes the tickets valid again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.integrations import paystack
from eventpalour.models import (
    OPEN_REFUND_STATUSES,
    RETURNED_PAYMENT_KINDS,
    Event,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
    User,
    WorkspaceMember,
    WorkspaceRole,
)
from eventpalour.models.types import utcnow
from eventpalour.services import finance, platform
from eventpalour.services.platform import format_money, language_or_default
from eventpalour.services.sales import capacity, discounts, waitlist
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.refund_webhooks import emit_order_refunded
from eventpalour.services.sales.refunds import recorded_refund

logger = logging.getLogger("eventpalour.refunds")
MAX_ATTEMPTS = 6
CLAIM_SECONDS = 120
RECHECK_AFTER = timedelta(minutes=10)
# Paystack's refund states in the order they happen; a late webhook never moves a refund back.
PROGRESS = {
    RefundStatus.QUEUED: 0,
    RefundStatus.PENDING: 1,
    RefundStatus.NEEDS_ATTENTION: 2,
    RefundStatus.PROCESSING: 2,
    RefundStatus.PROCESSED: 3,
    RefundStatus.FAILED: 3,
}


# --- sending (the worker) ---------------------------------------------------------------


def _claim(refund_id: str) -> Refund | None:
    now = utcnow()
    with transaction() as session:
        claimed = session.execute(
            update(Refund)
            .where(
                col(Refund.id) == refund_id,
                col(Refund.status) == RefundStatus.QUEUED,
                (col(Refund.locked_until).is_(None)) | (col(Refund.locked_until) < now),
            )
            .values(locked_until=now + timedelta(seconds=CLAIM_SECONDS))
        ).rowcount
        return session.get(Refund, refund_id) if claimed == 1 else None


def submit_due(limit: int = 20) -> int:
    """Send queued refunds to Paystack; returns how many were accepted. Safe in several workers."""
    now = utcnow()
    with read_only() as reader:
        due = sales_store.due_refunds(reader.connection(), now, limit)
    return sum(_send(refund.id, refund.reference) for refund in due)


def _send(refund_id: str, reference: str) -> bool:
    """Send one queued refund to Paystack, once across workers; returns whether Paystack accepted it."""
    refund = _claim(refund_id)
    if refund is None:
        return False
    try:
        answer = paystack.create_refund(reference=reference, amount=refund.amount, note=refund.reason)
    except paystack.PaystackError as problem:
        _attempt_failed(refund_id, problem)
        return False
    with transaction() as session:
        row = session.get(Refund, refund_id)
        row.provider_refund_id, row.attempts, row.locked_until = answer.id, row.attempts + 1, None
        row.updated_at = utcnow()
        row.status = RefundStatus.PENDING  # webhooks never move a refund before this point
    _apply(refund_id, answer.status)
    return True


def _attempt_failed(refund_id: str, problem: paystack.PaystackError) -> None:
    with transaction() as session:
        row = session.get(Refund, refund_id)
        row.attempts += 1
        row.locked_until = None
        row.updated_at = utcnow()
        give_up = not problem.retryable and (problem.status_code or 500) < 500 or row.attempts >= MAX_ATTEMPTS
        if not give_up:
            row.next_attempt_at = utcnow() + timedelta(seconds=min(30 * 2 ** (row.attempts - 1), 1800))
            logger.warning("Refund %s not accepted yet (%s); retrying", refund_id, problem.message)
            return
    logger.error("Refund %s failed: %s", refund_id, problem.message)
    _apply(refund_id, RefundStatus.FAILED, failure_reason=problem.message)


# --- state changes (answers, webhooks, the background check) ---------------------------------------


def _apply(refund_id: str, provider_status: str, *, failure_reason: str | None = None) -> str:
    """Move a refund to `provider_status` once; processed returns the seats, failed undoes the refund."""
    try:
        target = RefundStatus(provider_status)
    except ValueError:
        return "ignored"
    with transaction() as session:
        refund = session.get(Refund, refund_id)
        if refund is None or refund.status not in OPEN_REFUND_STATUSES:
            return "already_final"
        if PROGRESS[target] <= PROGRESS[RefundStatus(refund.status)] and target not in (
            RefundStatus.PROCESSED,
            RefundStatus.FAILED,
        ):
            return "no_change"
        moved = session.execute(
            update(Refund)
            .where(col(Refund.id) == refund_id, col(Refund.status).in_(OPEN_REFUND_STATUSES))
            .values(status=target, updated_at=utcnow(), processed_at=utcnow() if target.value == "processed" else None)
        ).rowcount
        if moved != 1:
            return "already_final"
        logger.info("refund %s %s amount=%d %s", refund.id, target.value, refund.amount, refund.currency)
        if target == RefundStatus.PROCESSED:
            _processed(session, refund)
        elif target == RefundStatus.FAILED:
            _failed(session, refund, failure_reason or "Paystack could not complete the refund.")
        return target.value


def _processed(session: Session, refund: Refund) -> None:
    """The money is back with the buyer: the voided tickets' seats return; the order says refunded.

    A returned payment's order said `refunded` from the start and had no tickets: only the email
    (its `order.refunded` went out when it closed, services/sales/returned_payments.py)."""
    connection = session.connection()
    order = sales_store.order_for_refund(connection, refund.order_id)
    buyer = session.get(User, order.buyer_id)
    event = session.get(Event, order.event_id)
    language = platform.language_or_default(buyer.language)
    money = format_money(refund.amount, refund.currency, language)
    returned = refund.kind in RETURNED_PAYMENT_KINDS
    platform.enqueue(
        session,
        platform.refund_processed_email(
            buyer.email, event.title, order.reference, money, had_tickets=not returned, language=language
        ),
    )
    if returned:
        return
    seats = sales_store.refunded_seats_by_tier(connection, refund.ticket_ids or [])
    for tier in seats:
        capacity.release_sold(connection, tier.tier_id, tier.seats)
    # The seats go to the waitlist now, while this transaction holds the tier rows (#19 §4).
    waitlist.pass_on(connection, [tier.tier_id for tier in seats])
    processed = session.exec(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(
            Refund.order_id == order.id, Refund.status == RefundStatus.PROCESSED
        )
    ).one()
    status = OrderStatus.REFUNDED if processed >= order.amount else OrderStatus.PARTIALLY_REFUNDED
    if status == OrderStatus.REFUNDED and order.status != OrderStatus.REFUNDED:
        # Refunded in full: its discount code's use comes back (once: the order was not refunded yet).
        discounts.release_sold_of_order(connection, order.id)
    sales_store.set_order_status(connection, order.id, status.value, utcnow())
    emit_order_refunded(
        connection,
        order_id=order.id,
        reference=order.reference,
        event_id=order.event_id,
        refund=refund,
        order_status=status.value,
    )


def _failed(session: Session, refund: Refund, reason: str) -> None:
    """Nothing went back: the claim returns to the order, the tickets work again, the organizers hear of it.

    A returned payment has no claim nor tickets, and the money sits on the platform's Paystack
    account: finance refunds it by hand, from what /admin/revenue shows ("refund failed")."""
    refund.failure_reason = reason[:500]
    if refund.kind in RETURNED_PAYMENT_KINDS:
        logger.error("Returning the payment of order %s failed: %s. Refund it by hand.", refund.order_id, reason)
        return
    connection = session.connection()
    order = sales_store.order_for_refund(connection, refund.order_id)
    # Counted when it was recorded; it moved nothing, so the analytics rollups take it back.
    finance.record_refund(connection, recorded_refund(order, refund), undo=True)
    sales_store.give_back_refund_claim(connection, refund.order_id, refund.amount, utcnow())
    sales_store.restore_refunded_tickets(connection, refund.ticket_ids or [])
    event = session.get(Event, refund.event_id)
    managers = session.exec(
        select(User.email, User.language)
        .join(WorkspaceMember, col(WorkspaceMember.user_id) == col(User.id))
        .where(
            WorkspaceMember.workspace_id == refund.workspace_id,
            col(WorkspaceMember.role).in_((WorkspaceRole.OWNER, WorkspaceRole.ADMIN)),
        )
    ).all()
    for address, language in managers:
        spoken = language_or_default(language)
        money = format_money(refund.amount, refund.currency, spoken)
        platform.enqueue(
            session,
            platform.refund_failed_email(address, event.title, order.reference, money, refund.failure_reason, spoken),
        )


def _provider_refund_id(raw: object) -> int | None:
    """Paystack's refund `id` as a webhook sends it (a string in `refund.needs-attention`), if any."""
    text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    return int(text) if text.isdigit() and len(text) <= 18 else None  # 18 digits fit a BIGINT


def _webhook_candidates(data: dict[str, Any]) -> list[Refund] | str:
    """Our refunds a `refund.*` webhook may be about, oldest first, or the outcome word when it names none.

    With Paystack's refund `id` (only `refund.needs-attention` carries one) that is one refund.
    Otherwise the summary says only the transaction reference and the amount, which several
    refunds of one order can share: every one of them is a candidate.
    """
    reference = str(data.get("transaction_reference") or "")
    provider_id = _provider_refund_id(data.get("id"))
    query = select(Refund).join(Order, col(Order.id) == col(Refund.order_id)).where(Order.reference == reference)
    if provider_id is not None:
        query = query.where(Refund.provider_refund_id == provider_id)
    else:
        try:
            amount = int(str(data.get("amount") or "0"))
        except ValueError:
            return "bad_amount"
        query = query.where(Refund.amount == amount)
    with read_only() as session:
        return list(session.exec(query.order_by(col(Refund.created_at))).all())


def handle_webhook(event_type: str, data: dict[str, Any]) -> str:
    """A `refund.*` webhook: a hint that a refund at Paystack moved. Each candidate refund that
    Paystack has accepted is read back from Paystack (GET /refund/:id) and moved to what it says.

    A refund without a Paystack id was never accepted by Paystack (it is queued, or its creation is
    in flight and `submit_due` records the answer), so no webhook may move it: a re-sent webhook of
    an earlier refund of the same amount would otherwise mark it sent, and it would never be.
    Returns `unconfirmed` when Paystack could not be asked (the caller answers so that Paystack
    retries); housekeeping re-checks the refund meanwhile (`recheck_open`).
    """
    candidates = _webhook_candidates(data)
    if isinstance(candidates, str):
        return candidates
    if not candidates:
        return "unknown_refund"
    open_ones = [r for r in candidates if r.status in OPEN_REFUND_STATUSES]
    if not open_ones:
        return "already_final"
    sent = [r for r in open_ones if r.provider_refund_id is not None]
    if not sent:
        return "not_sent_yet"
    outcome = "no_change"
    for refund in sent:
        try:
            status = paystack.fetch_refund(refund.provider_refund_id).status
        except paystack.PaystackError as problem:
            logger.warning("Could not confirm refund %s (%s): %s", refund.id, event_type, problem.message)
            return "unconfirmed" if problem.retryable else "provider_error"
        moved = _apply(refund.id, status)
        if moved not in ("no_change", "already_final", "ignored"):
            outcome = moved
    return outcome


def _requeue(refund_id: str) -> bool:
    """Put back in the send queue a refund that is open but was never accepted by Paystack."""
    with transaction() as session:
        moved = session.execute(
            update(Refund)
            .where(
                col(Refund.id) == refund_id,
                col(Refund.status).in_(OPEN_REFUND_STATUSES),
                col(Refund.status) != RefundStatus.QUEUED,
                col(Refund.provider_refund_id).is_(None),
            )
            .values(status=RefundStatus.QUEUED, next_attempt_at=utcnow(), locked_until=None, updated_at=utcnow())
        ).rowcount
    if moved:
        logger.warning("Refund %s was open but never sent to Paystack; queued to be sent", refund_id)
    return moved == 1


def recheck_open(limit: int = 50) -> int:
    """Look again at every refund that has been open longer than RECHECK_AFTER, whatever its state
    (a webhook may have been lost, or a refund may never have been sent). Returns how many moved.

    Sent ones are read back from Paystack; one marked past `queued` without a Paystack id is queued
    again; a queued one whose retry is due is sent now. A refund that did not move is looked at
    again RECHECK_AFTER later.
    """
    now = utcnow()
    with read_only() as reader:
        stale = sales_store.stale_refunds(reader.connection(), now, now - RECHECK_AFTER, limit)
    moved = 0
    for refund in stale:
        refund_id, provider_id = refund.id, refund.provider_refund_id
        if provider_id is None and refund.status != RefundStatus.QUEUED:
            moved += _requeue(refund_id)
            continue
        if provider_id is None:
            moved += _send(refund_id, refund.reference)
            continue
        try:
            result = _apply(refund_id, paystack.fetch_refund(provider_id).status)
        except paystack.PaystackError as problem:
            logger.warning("Could not re-check refund %s: %s", refund_id, problem.message)
            result = "no_change"
        if result in ("processed", "failed", "processing", "needs-attention"):
            moved += 1
        else:
            with transaction() as session:
                session.get(Refund, refund_id).updated_at = utcnow()  # checked now; look again later
    return moved
