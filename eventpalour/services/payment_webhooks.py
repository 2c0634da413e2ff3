"""What a verified Paystack webhook does: record it, then act on the events we handle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, update

from eventpalour.db import write_one
from eventpalour.models import PaymentWebhook
from eventpalour.models.types import new_id
from eventpalour.services import payments, refunds
from eventpalour.services.errors import NotFound

_webhooks = PaymentWebhook.__table__
_RECORD = insert(_webhooks)
_SET_OUTCOME = (
    update(_webhooks).where(_webhooks.c.id == bindparam("delivery_id")).values(outcome=bindparam("new_outcome"))
)
REFUND_EVENTS = ("refund.pending", "refund.processing", "refund.processed", "refund.failed", "refund.needs-attention")


def handle(payload: dict[str, Any], body: str) -> str:
    """Record the delivery, act on it, and return a short outcome word (also stored)."""
    event_type = str(payload.get("event") or "")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    reference = str(data.get("reference") or data.get("transaction_reference") or "") or None
    delivery_id = new_id()
    # One autocommit statement each (db.write_one): every paid order of a rush comes through here.
    write_one(
        _RECORD,
        {
            "id": delivery_id,
            "event_type": event_type[:64],
            "reference": reference,
            "signature_valid": True,
            "body": body,
        },
    )
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
    write_one(_SET_OUTCOME, {"delivery_id": delivery_id, "new_outcome": outcome})
    return outcome
