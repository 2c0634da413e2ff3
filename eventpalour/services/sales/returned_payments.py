"""Payments that bought nothing go back in full (SPEC §5: nothing is lost).

Three kinds: a payment that does not match its order (Paystack charged less, more, or in another
currency than the order's total), one that arrived after its hold expired when the seats had
sold meanwhile (or the event was cancelled), and one that arrived after its hold expired when its
discount or access code had run out of uses meanwhile (`CODE_USED_UP`, labelled as such). Either
way the order ends `refunded` at once and says why (`flagged_reason`), its held seats come back,
the buyer is emailed, integrations get `order.refunded`, and a refund of everything Paystack
received is queued for the refund worker, which sends it, retries it and follows it to the end
like any other refund. The order was
never a sale (no `paid_at`, no organizer share), so billing and revenue leave it out; organizers
and finance see it labelled by `refund_label`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection

from eventpalour.db import transaction
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import OrderStatus, Refund, RefundKind
from eventpalour.models.types import utcnow
from eventpalour.services import platform
from eventpalour.services.platform import N_, format_money
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.checkout import release_order
from eventpalour.services.sales.refund_webhooks import emit_order_refunded

logger = logging.getLogger("eventpalour.payments")

# Why the payment went back, on the order (`flagged_reason`) and its refund: the buyer, the organizers
# and finance each read it in their language (kept as sentence and values: platform.kept_message).
# The sums stay as Paystack's and the order's, written once.
MISMATCH_NOTE = N_(
    "Payment mismatch: Paystack charged {received}, the order's total is {expected}. The whole payment is "
    "refunded automatically."
)
CODE_USED_UP_NOTE = N_(
    "Paid after the hold expired and the code {code} was used up. The whole payment is refunded automatically."
)
SOLD_OUT_NOTE = N_("Paid after the hold expired and the tickets sold out. The whole payment is refunded automatically.")


@dataclass(frozen=True)
class PaymentReturn:
    """A payment going back: how much and what the buyer and the organizers are told."""

    order_id: str
    received: str  # e.g. "KES 1,000.00"
    expected: str
    message: str  # why, for the buyer, the organizers and finance alike (also the order's flagged_reason): a Message


def mismatch(verified: VerifyResult, amount: int, currency: str) -> bool:
    """Whether Paystack charged something other than the order's total."""
    return verified.amount != amount or verified.currency != currency


def return_payment(reference: str, verified: VerifyResult, *, kind: RefundKind) -> PaymentReturn | None:
    """Close the order as refunded and queue the refund of all Paystack received, once.

    Returns None when the order was settled already (another caller got here first, or it was
    paid): a re-sent webhook or a second verify changes nothing.
    """
    received = format_money(verified.amount, verified.currency)
    with transaction() as session:
        connection = session.connection()
        order = sales_store.order_to_settle(connection, reference)
        expected = format_money(order.amount, order.currency)
        if kind == RefundKind.PAYMENT_MISMATCH:
            note = platform.message(MISMATCH_NOTE, received=received, expected=expected)
        elif kind == RefundKind.CODE_USED_UP:
            note = platform.message(CODE_USED_UP_NOTE, code=order.discount_code or "")
        else:
            note = platform.message(SOLD_OUT_NOTE)
        if not _close(connection, order.id, note):
            return None
        refund = Refund(
            order_id=order.id,
            event_id=order.event_id,
            workspace_id=order.workspace_id,
            amount=verified.amount,
            currency=verified.currency,
            kind=kind,
            reason=str(note),
        )
        refund.reason_template, refund.reason_values = platform.kept_message(note)
        session.add(refund)
        # The order ends refunded here, once (`_close`): integrations hear it now, not when Paystack
        # completes the refund (that sends the buyer's email only).
        emit_order_refunded(
            connection,
            order_id=order.id,
            reference=reference,
            event_id=order.event_id,
            refund=refund,
            order_status=OrderStatus.REFUNDED.value,
        )
        facts = order.confirmation
        language = platform.language_or_default(facts.language)  # the buyer's; the money stays as Paystack's
        if kind == RefundKind.PAYMENT_MISMATCH:
            message = platform.payment_mismatch_refund_email(
                facts.email, facts.title, reference, received, expected, language
            )
        elif kind == RefundKind.CODE_USED_UP:
            message = platform.code_used_up_refund_email(
                facts.email, reference, received, order.discount_code or "", language
            )
        else:
            message = platform.late_payment_refund_email(facts.email, reference, received, language)
        platform.enqueue(session, message)
    logger.warning("%s (%s: %s received)", note, reference, received)
    return PaymentReturn(order.id, received, expected, note)


def _close(connection: Connection, order_id: str, note: str) -> bool:
    """The order ends `refunded` once: still holding seats (given back here) or not, but not settled."""
    if not release_order(connection, order_id, OrderStatus.REFUNDED):
        if not sales_store.close_unsettled_order(connection, order_id, OrderStatus.REFUNDED.value, utcnow()):
            return False
    sales_store.flag_order(connection, order_id, note)
    return True
