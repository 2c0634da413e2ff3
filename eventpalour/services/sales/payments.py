"""Paying for an order (SPEC §5): start the Paystack transaction, then verify and fulfil exactly once.

Fulfilment is one conditional UPDATE of the order row (`pending/processing → completed`): the
first caller, whether the buyer's return, a webhook or the reconciler, wins; every other caller
sees the order already completed. Provider calls never run inside a database transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import Connection

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, rows_changed, transaction, write_batch
from eventpalour.integrations import paystack
from eventpalour.models import OPEN_ORDER_STATUSES, SETTLED_ORDER_STATUSES, EventStatus, OrderStatus, RefundKind
from eventpalour.models.types import utcnow
from eventpalour.services import finance
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound, PaymentUnavailable
from eventpalour.services.sales import (
    capacity,
    checkout,
    discounts,
    fulfilment,
    orders,
    returned_payments,
)
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.answers import AttendeeAnswers
from eventpalour.services.sales.buyer_places import buyer_place
from eventpalour.services.sales.checkout import CheckoutResult, release_order
from eventpalour.services.sales.fees import organizer_share
from eventpalour.services.sales.store import OrderLine, OrderToSettle

logger = logging.getLogger("eventpalour.payments")


@dataclass(frozen=True)
class PaymentOutcome:
    """What verification concluded: `completed`, `pending`, `failed` or `refunded` (it bought nothing).

    `confirmed` is False when Paystack could not be asked (a timeout, an outage): the status is then
    only what we knew before, and whoever asked should ask again later.
    """

    order_id: str
    status: str
    message: str
    confirmed: bool = True

    @property
    def has_tickets(self) -> bool:
        """The order is paid and its tickets are issued: the return page shows them."""
        return self.status == OrderStatus.COMPLETED

    @property
    def is_waiting(self) -> bool:
        """Nothing is settled yet: whoever asked should ask again in a moment."""
        return self.status == OrderStatus.PENDING


@dataclass(frozen=True)
class PlacedOrder:
    """A booked order and where to send the buyer to pay it (None: a free order, completed at once)."""

    booking: CheckoutResult
    authorization_url: str | None


def place_order(
    *,
    actor: UserSummary | None,
    event_id: str,
    quantities: Mapping[str, int],
    code: str | None = None,
    answers: AttendeeAnswers | None = None,
    phone: str | None = None,
    queue_cookie: str | None = None,
) -> PlacedOrder:
    """The checkout button: hold the seats and create the order, then start a paid order's Paystack
    transaction at once, so a provider outage shows now (and releases the seats) rather than after
    the buyer has read the countdown. While the event's waiting room is active, only a browser the
    queue admitted (`queue_cookie`, its `ep_queue` cookie) may check out: WaitingRoomRequired.
    Raises what `checkout.book_ticket` and `start_payment` raise.
    """
    booking = checkout.book_ticket(
        actor=actor,
        event_id=event_id,
        quantities=quantities,
        code=code,
        answers=answers,
        phone=phone,
        queue_cookie=queue_cookie,
    )
    if booking.status == OrderStatus.COMPLETED:
        return PlacedOrder(booking, None)
    url = _initialize(
        actor,
        order_id=booking.order_id,
        reference=booking.reference,
        amount=booking.amount,
        currency=booking.currency,
        event_short_id=booking.event_short_id,
    )
    # `_initialize` moved the order on to `processing` (the buyer is on the way to Paystack): say so.
    return PlacedOrder(replace(booking, status=OrderStatus.PROCESSING), url)


def start_payment(*, actor: UserSummary | None, order_id: str) -> str:
    """Initialize the Paystack transaction of a pending order; returns the URL to send the buyer to.

    When Paystack is down or slow the order fails at once and its seats are released, so nothing
    stays stuck. Raises NotAuthenticated, NotFound, Conflict, PaymentUnavailable.
    """
    if actor is None:
        raise NotAuthenticated()
    with read_only() as reader:
        order = sales_store.order_to_pay(reader.connection(), order_id or "")
    if order is None or order.buyer_id != actor.id:
        raise NotFound(N_("This order does not exist."))
    # A hold past its time is released here rather than waiting for the housekeeping pass.
    now = utcnow()
    expired = order.expires_at is not None and order.expires_at <= now
    if expired and order.holds_active and order.status in OPEN_ORDER_STATUSES:
        with transaction() as session:
            release_order(session.connection(), order.id, OrderStatus.CANCELLED)
    if not orders.awaits_payment(order.status, order.holds_active, order.expires_at, now):
        raise Conflict(
            N_("This order is no longer waiting for payment. Your hold may have expired; please start again.")
        )
    if order.authorization_url:
        return order.authorization_url
    return _initialize(
        actor,
        order_id=order.id,
        reference=order.reference,
        amount=order.amount,
        currency=order.currency,
        event_short_id=order.confirmation.event_short_id,
    )


def _initialize(
    actor: UserSummary, *, order_id: str, reference: str, amount: int, currency: str, event_short_id: str
) -> str:
    """Start the Paystack transaction of an order that holds its seats; on failure the order fails
    and its seats come back."""
    try:
        started = paystack.initialize_transaction(
            email=actor.email,
            amount=amount,
            currency=currency,
            reference=reference,
            callback_url=settings.app_url + routes.CHECKOUT_RETURN,
            metadata={"order_id": order_id, "cancel_action": settings.app_url + routes.event_url(event_short_id)},
        )
    except paystack.PaystackError as problem:
        logger.warning("Paystack initialize failed for %s: %s", reference, problem.message)
        with transaction() as session:
            release_order(session.connection(), order_id, OrderStatus.FAILED)
        raise PaymentUnavailable(
            N_("We could not reach the payment provider. Your seats were released; please try again.")
        ) from problem
    # One statement, a unit of work by itself: a batch of one is one round trip on PostgreSQL.
    with write_batch() as batch:
        marked = sales_store.mark_processing(
            batch, order_id, authorization_url=started.authorization_url, access_code=started.access_code, now=utcnow()
        )
    if rows_changed(marked) != 1:
        # The order stopped waiting while Paystack answered: the buyer's newer checkout for the event
        # replaced it (services/sales/checkout.py `_replace_open_hold`), or it was cancelled. Its URL is not
        # handed out, so nobody can pay for an order that no longer holds seats.
        raise Conflict(
            N_("This checkout was replaced by a newer one for this event, or it is no longer waiting for payment.")
        )
    return started.authorization_url


def verify_payment(reference: str) -> PaymentOutcome:
    """Ask Paystack for the transaction and settle the order from its answer (safe to repeat)."""
    with read_only() as reader:
        found = sales_store.order_state(reader.connection(), reference or "")
    if found is None:
        raise NotFound(N_("We have no order with this payment reference."))
    if found.status in SETTLED_ORDER_STATUSES:
        return _settled_outcome(found.id, reference)
    try:
        verified = paystack.verify_transaction(reference)
    except paystack.PaystackError as problem:
        logger.warning("Paystack verify failed for %s: %s", reference, problem.message)
        return PaymentOutcome(found.id, "pending", N_("We are still confirming your payment."), confirmed=False)
    return settle(reference, verified)


class _SeatsGone(Exception):
    """Raised inside the settling transaction to roll it back when a payment can get no tickets
    (the hold expired and the seats sold, or its code ran out of uses; or the event was cancelled):
    it is refunded instead, recorded as `kind`."""

    def __init__(self, kind: RefundKind = RefundKind.LATE_PAYMENT) -> None:
        super().__init__(kind)
        self.kind = kind


class _Mismatch(Exception):
    """Raised inside the settling transaction when Paystack charged another amount or currency than
    the order's total: no tickets, and everything received is refunded."""


def settle(reference: str, verified: paystack.VerifyResult) -> PaymentOutcome:
    """Apply a verified transaction to its order: fulfil once, fail it, or give the money back."""
    try:
        return _settle(reference, verified)
    except _SeatsGone as gone:
        return _give_back(reference, verified, gone.kind)
    except _Mismatch:
        return _give_back(reference, verified, RefundKind.PAYMENT_MISMATCH)


def _settle(reference: str, verified: paystack.VerifyResult) -> PaymentOutcome:
    # Prepared Core statements (services/sales/store.py): every paid order of a rush runs this.
    with transaction() as session:
        connection = session.connection()
        order = sales_store.order_to_settle(connection, reference)
        if order.status in SETTLED_ORDER_STATUSES:
            return PaymentOutcome(order.id, order.status, N_("This order is already settled."))
        if verified.status in ("failed", "reversed"):
            release_order(connection, order.id, OrderStatus.FAILED)
            logger.info("payment failed %s (%s)", reference, verified.status)
            return PaymentOutcome(order.id, "failed", N_("The payment did not go through. You were not charged."))
        if verified.status != "success":
            return PaymentOutcome(order.id, "pending", N_("We are still confirming your payment."))
        if returned_payments.mismatch(verified, order.amount, order.currency):
            raise _Mismatch()
        if order.event_status == EventStatus.CANCELLED:
            # Paid for an event that was cancelled meanwhile: the money goes straight back.
            raise _SeatsGone()
        provider_fee = (
            verified.fees if verified.fees is not None else paystack.estimated_fees(order.amount, order.currency)
        )
        place = buyer_place(verified.raw)
        claim = sales_store.Claim(
            order_id=order.id,
            paid_at=verified.paid_at or utcnow(),
            provider_fee=provider_fee,
            organizer_share=organizer_share(order.amount, order.platform_fee, provider_fee),
            now=utcnow(),
            payment_channel=payment_channel(verified),
            buyer_country=place.country,
            buyer_city=place.city,
        )
        # The claim itself tells whether the seats were still held at that instant: an expiry that
        # committed after `order` was read has given them back, and they must then be taken afresh.
        held = sales_store.claim_order(connection, claim, held=True)
        if not held and not sales_store.claim_order(connection, claim, held=False):
            return PaymentOutcome(order.id, "completed", N_("This order is already settled."))
        items = sales_store.order_lines(connection, order.id)
        fulfilment.issue_tickets(connection, order_to_issue(order, items), confirmation=order.confirmation)
        finance.record_sale(connection, settled_sale(order, items, claim))
        # Seats last: the tier row stays locked from this UPDATE until COMMIT, and every buyer of the
        # tier waits on it. No seats left for a late payment rolls all of the above back.
        short = _take_seats(connection, items, held=held, code_id=order.discount_code_id)
        if short is not None:
            raise _SeatsGone(short)
    logger.info("order paid %s amount=%d %s fee=%d", reference, order.amount, order.currency, provider_fee)
    return PaymentOutcome(order.id, "completed", N_("Payment received. Your tickets are ready."))


def payment_channel(verified: paystack.VerifyResult) -> str:
    """How the buyer paid, as Paystack's verify reports it (`card`, `mobile_money`, `bank`, `ussd`,
    `bank_transfer`, `qr`, …), kept short and lowercase; "" when it says nothing."""
    return str(verified.raw.get("channel") or "").strip().lower()[:20]


def settled_sale(order: OrderToSettle, items: Sequence[OrderLine], claim: sales_store.Claim) -> finance.SettledSale:
    """The sale the analytics rollups count, from the order being settled and what its claim wrote."""
    by_tier: dict[str, int] = {}
    for item in items:
        by_tier[item.tier_id] = by_tier.get(item.tier_id, 0) + item.quantity
    return finance.SettledSale(
        order_id=order.id,
        buyer_id=order.buyer_id,
        event_id=order.event_id,
        workspace_id=order.workspace_id,
        currency=order.currency,
        channel=claim.payment_channel,
        country=claim.buyer_country,
        city=claim.buyer_city,
        paid_at=claim.paid_at,
        amount=order.amount,
        platform_fee=order.platform_fee,
        provider_fee=claim.provider_fee,
        organizer_share=claim.organizer_share,
        discount=order.discount_amount,
        tickets_by_tier=by_tier,
    )


def order_to_issue(order: OrderToSettle, items: tuple[OrderLine, ...]) -> fulfilment.OrderToIssue:
    """The order to issue, from the order being settled and its lines."""
    return fulfilment.OrderToIssue(
        id=order.id,
        reference=order.reference,
        buyer_id=order.buyer_id,
        event_id=order.event_id,
        amount=order.amount,
        currency=order.currency,
        lines=items,
        subtotal=order.subtotal,
        platform_fee=order.platform_fee,
        discount_code=order.discount_code or "",
        discount=order.discount_amount,
        buyer_phone=order.buyer_phone,
    )


def _take_seats(
    connection: Connection, items: Sequence[OrderLine], *, held: bool, code_id: str | None
) -> RefundKind | None:
    """Held seats (and the code's held use) become sold; a payment that outlived its hold needs
    seats, and a use of its code, that are still free. None when taken, else why not: the seats
    sold (`LATE_PAYMENT`) or the code ran out (`CODE_USED_UP`)."""
    if held:
        for item in items:
            capacity.sell_held(connection, item.tier_id, item.quantity)
        if code_id is not None:
            discounts.sell_held(connection, code_id)
        return None
    if not all(capacity.sell_now(connection, item.tier_id, item.quantity) for item in items):
        return RefundKind.LATE_PAYMENT
    if code_id is not None and not discounts.sell_now(connection, code_id):
        return RefundKind.CODE_USED_UP
    return None


def _give_back(reference: str, verified: paystack.VerifyResult, kind: RefundKind) -> PaymentOutcome:
    """A payment that bought nothing: the order ends refunded and all Paystack received goes back."""
    returned = returned_payments.return_payment(reference, verified, kind=kind)
    if returned is None:
        with read_only() as reader:
            found = sales_store.order_state(reader.connection(), reference)
        return _settled_outcome(found.id, reference)
    return PaymentOutcome(returned.order_id, "refunded", returned.message)


def _settled_outcome(order_id: str, reference: str) -> PaymentOutcome:
    with read_only() as reader:
        connection = reader.connection()
        if sales_store.order_state(connection, reference).status == OrderStatus.REFUNDED:
            # A payment that bought nothing says why (services/sales/returned_payments.py); a rare path.
            why = sales_store.flagged_reason(connection, order_id)
            return PaymentOutcome(order_id, "refunded", why or N_("This payment was refunded."))
    return PaymentOutcome(order_id, "completed", N_("Payment received. Your tickets are ready."))


RECONCILE_AFTER = timedelta(minutes=2)
"""How long a paying order stays quiet before reconciliation asks Paystack about it: a buyer still
on the payment page, or a webhook a few seconds away, needs no verify call."""


def reconcile_pending(limit: int = 50, *, quiet_for: timedelta = RECONCILE_AFTER) -> int:
    """Verify payments whose buyer never came back and whose webhook never came. Returns how many settled.

    Orders quiet for `quiet_for`, the longest quiet first. Each is claimed before its verify call by
    moving its `updated_at` to now, so workers running this at the same time ask about different
    orders, and an order Paystack still calls unpaid goes to the back of the line instead of
    keeping the orders behind it waiting until its hold runs out.
    """
    now = utcnow()
    cutoff = now - quiet_for
    with read_only() as reader:
        quiet = sales_store.quiet_payments(reader.connection(), cutoff, limit)
    settled = 0
    for order in quiet:
        with write_batch() as batch:
            claimed = sales_store.claim_quiet_payment(batch, order.id, cutoff, now)
        if rows_changed(claimed) != 1:
            continue  # another worker claimed it, or it settled meanwhile
        settled += verify_payment(order.reference).status != "pending"
    return settled
