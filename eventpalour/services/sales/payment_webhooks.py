"""What a verified Paystack webhook does: act on the events we handle, and record it with what it did.

A webhook is only a hint, confirmed with Paystack before anything changes. When Paystack cannot be
asked (a timeout, an outage) the delivery is recorded `unconfirmed` and the route answers 503, so
Paystack delivers it again later; housekeeping (`recheck_unconfirmed`) asks Paystack about those
deliveries too, for the retries that never come (Paystack stops after 72 hours, or the hold ran out
meanwhile and reconciliation no longer looks at the order).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from eventpalour.db import read_only, write_batch
from eventpalour.models.order import UNCONFIRMED_WEBHOOK
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.platform import NotFound
from eventpalour.services.sales import payments, paystack_refunds
from eventpalour.services.sales import store as sales_store

logger = logging.getLogger("eventpalour.payments")
REFUND_EVENTS = ("refund.pending", "refund.processing", "refund.processed", "refund.failed", "refund.needs-attention")
RECHECK_AFTER = timedelta(minutes=2)
"""How long an unconfirmed delivery is left to Paystack's own retries before housekeeping asks too."""


def needs_retry(outcome: str) -> bool:
    """Whether Paystack should deliver this webhook again (we could not confirm it with Paystack)."""
    return outcome == UNCONFIRMED_WEBHOOK


def handle(payload: dict[str, Any], body: str) -> str:
    """Act on the delivery, record it with its outcome, and return a short outcome word (stored)."""
    event_type = str(payload.get("event") or "")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    reference = str(data.get("reference") or data.get("transaction_reference") or "") or None
    delivery = sales_store.WebhookDelivery(
        id=new_id(), event_type=event_type[:64], reference=reference, body=body, received_at=utcnow()
    )
    outcome: str | None = None  # stays None when acting on it failed (the route answers 500: Paystack retries)
    try:
        outcome = _act(event_type, reference, data)
    finally:
        # Recorded once, with its outcome and the moment it came: one batch of one statement (one
        # round trip on PostgreSQL) per delivery, where recording first and the outcome after took two.
        with write_batch() as batch:
            sales_store.record_webhook(batch, delivery, outcome)
    return outcome


def _act(event_type: str, reference: str | None, data: dict[str, Any]) -> str:
    if event_type == "charge.success" and reference:
        # The webhook is only a hint: the order is settled from Paystack's verify answer.
        return _charge_outcome(reference)
    if event_type in REFUND_EVENTS and reference:
        # Like a charge, a refund webhook is only a hint: its state is read back from Paystack.
        return paystack_refunds.handle_webhook(event_type, data)
    return "ignored"


def _charge_outcome(reference: str) -> str:
    try:
        verified = payments.verify_payment(reference)
    except NotFound:
        return "unknown_reference"
    return verified.status if verified.confirmed else UNCONFIRMED_WEBHOOK


def recheck_unconfirmed(limit: int = 20) -> int:
    """Verify the payments whose `charge.success` Paystack could not confirm when it arrived, each
    once RECHECK_AFTER has passed since it came or was last tried; returns how many were confirmed.

    The longest-waiting reference goes first. While Paystack still cannot answer, the pass stops at
    the first failure (the rest wait for the next pass rather than each waiting out a timeout), and
    that reference goes to the back of the line.
    """
    now = utcnow()
    with read_only() as reader:
        references = sales_store.unconfirmed_charges(reader.connection(), now - RECHECK_AFTER, limit)
    confirmed = 0
    for reference in references:
        outcome = _charge_outcome(reference)
        if needs_retry(outcome):
            with write_batch() as batch:
                sales_store.note_recheck(batch, reference, now)
            logger.warning("Payment %s still unconfirmed: Paystack cannot be asked yet", reference)
            break
        with write_batch() as batch:
            sales_store.confirm_webhooks(batch, reference, outcome)
        confirmed += 1
    return confirmed
