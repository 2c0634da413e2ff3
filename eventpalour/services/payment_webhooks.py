"""What a verified Paystack webhook does: record it, then act on the events we handle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import col

from eventpalour.db import transaction
from eventpalour.models import PaymentWebhook
from eventpalour.services import payments, refunds
from eventpalour.services.errors import NotFound

REFUND_EVENTS = ("refund.pending", "refund.processing", "refund.processed", "refund.failed", "refund.needs-attention")


def handle(payload: dict[str, Any], body: str) -> str:
    """Record the delivery, act on it, and return a short outcome word (also stored)."""
    event_type = str(payload.get("event") or "")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    reference = str(data.get("reference") or data.get("transaction_reference") or "") or None
    with transaction() as session:
        delivery = PaymentWebhook(event_type=event_type[:64], reference=reference, signature_valid=True, body=body)
        session.add(delivery)
        delivery_id = delivery.id
    outcome = "ignored"
    if event_type == "charge.success" and reference:
        try:
            # The webhook is only a hint: the order is settled from Paystack's verify answer.
            outcome = payments.verify_payment(reference).status
        except NotFound:
            outcome = "unknown_reference"
    elif event_type in REFUND_EVENTS and reference:
        # Like a charge, a refund webhook is only a hint: its state is read back from Paystack.
        outcome = refunds.handle_webhook(event_type, data)
    with transaction() as session:
        session.execute(
            update(PaymentWebhook).where(col(PaymentWebhook.id) == delivery_id).values(outcome=outcome),
            execution_options={"synchronize_session": False},
        )
    return outcome
