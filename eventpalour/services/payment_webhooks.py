"""What a verified Paystack webhook does: record it, then act on the events we handle.

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

from sqlalchemy import bindparam, func, insert, select, update

from eventpalour.db import read_connection, write_one
from eventpalour.models import PaymentWebhook
from eventpalour.models.order import UNCONFIRMED_WEBHOOK
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import payments, paystack_refunds
from eventpalour.services.errors import NotFound

logger = logging.getLogger("eventpalour.payments")
_webhooks = PaymentWebhook.__table__
_RECORD = insert(_webhooks)
_SET_OUTCOME = (
    update(_webhooks).where(_webhooks.c.id == bindparam("delivery_id")).values(outcome=bindparam("new_outcome"))
)
REFUND_EVENTS = ("refund.pending", "refund.processing", "refund.processed", "refund.failed", "refund.needs-attention")
RECHECK_AFTER = timedelta(minutes=2)
"""How long an unconfirmed delivery is left to Paystack's own retries before housekeeping asks too."""

_last_try = func.min(func.coalesce(_webhooks.c.rechecked_at, _webhooks.c.received_at))
# Through the partial index ix_payment_webhooks_unconfirmed: only unconfirmed rows are in it.
_UNCONFIRMED_CHARGES = (
    select(_webhooks.c.reference)
    .where(_webhooks.c.outcome == UNCONFIRMED_WEBHOOK, _webhooks.c.event_type == "charge.success")
    .group_by(_webhooks.c.reference)
    .having(_last_try <= bindparam("cutoff", type_=_webhooks.c.received_at.type))
    .order_by(_last_try)
    .limit(bindparam("limit"))
)
_CONFIRMED = (
    update(_webhooks)
    .where(_webhooks.c.reference == bindparam("ref"), _webhooks.c.outcome == UNCONFIRMED_WEBHOOK)
    .values(outcome=bindparam("new_outcome"))
)
_STILL_UNCONFIRMED = (
    update(_webhooks)
    .where(_webhooks.c.reference == bindparam("ref"), _webhooks.c.outcome == UNCONFIRMED_WEBHOOK)
    .values(rechecked_at=bindparam("now", type_=_webhooks.c.rechecked_at.type))
)


def needs_retry(outcome: str) -> bool:
    """Whether Paystack should deliver this webhook again (we could not confirm it with Paystack)."""
    return outcome == UNCONFIRMED_WEBHOOK


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
        # The webhook is only a hint: the order is settled from Paystack's verify answer.
        outcome = _charge_outcome(reference)
    elif event_type in REFUND_EVENTS and reference:
        # Like a charge, a refund webhook is only a hint: its state is read back from Paystack.
        outcome = paystack_refunds.handle_webhook(event_type, data)
    write_one(_SET_OUTCOME, {"delivery_id": delivery_id, "new_outcome": outcome})
    return outcome


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
    with read_connection() as connection:
        references = connection.execute(_UNCONFIRMED_CHARGES, {"cutoff": now - RECHECK_AFTER, "limit": limit}).all()
    confirmed = 0
    for (reference,) in references:
        outcome = _charge_outcome(reference)
        if needs_retry(outcome):
            write_one(_STILL_UNCONFIRMED, {"ref": reference, "now": now})
            logger.warning("Payment %s still unconfirmed: Paystack cannot be asked yet", reference)
            break
        write_one(_CONFIRMED, {"ref": reference, "new_outcome": outcome})
        confirmed += 1
    return confirmed
