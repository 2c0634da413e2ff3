"""Refunds at the sandbox: POST /refund queues one against a paid transaction, GET /refund/:id reads
it, and each step (processing, processed, failed) is recorded with its `refund.*` webhook.

The refundable balance is `amount - refunded_amount` on the transaction, taken by a conditional
UPDATE, so two refunds racing for the last of it cannot both win.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, NamedTuple

from fastapi.responses import JSONResponse
from sqlmodel import Session

from eventpalour.db import transaction
from eventpalour.sandbox.paystack import store, webhooks
from eventpalour.sandbox.paystack.controls import Controls
from eventpalour.sandbox.paystack.shapes import fail, ok, refund_data, refund_event, refund_fetch_data
from eventpalour.sandbox.paystack.store import Refund, Transaction
from eventpalour.sandbox.paystack.transactions import parse_amount

REFUND_STEPS = ("processing", "processed", "failed")
logger = logging.getLogger("eventpalour.sandbox.paystack")


class QueuedRefund(NamedTuple):
    """POST /refund's answer; the refund and its `refund.pending` webhook when one was queued."""

    answer: JSONResponse
    refund_id: int | None = None
    webhook_id: int | None = None


class MovedRefund(NamedTuple):
    """A refund after a step, its transaction, and the `refund.<status>` webhook to deliver."""

    refund: Refund
    transaction: Transaction
    webhook_id: int


def _refund_target(session: Session, raw: object) -> Transaction | None:
    """`transaction` may be the reference or the numeric id (both are accepted by Paystack)."""
    if isinstance(raw, str) and raw:
        found = store.find_transaction(session, reference=raw)
        if found is not None or not raw.isdigit():
            return found
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return store.find_transaction(session, transaction_id=raw)
    return None


def _note(raw: object) -> str | None:
    return str(raw or "")[:500] or None


def create_refund(body: dict[str, Any], controls: Controls) -> QueuedRefund:
    """Queue a refund, checked as Paystack checks it; a refund made while `fail_refunds` is on will fail."""
    if body.get("transaction") in (None, ""):
        return QueuedRefund(fail("Transaction reference or id is required", code="missing_params"))
    with transaction() as session:
        tx = _refund_target(session, body["transaction"])
        if tx is None:
            return QueuedRefund(fail("Transaction not found", 404, code="not_found"))
        if tx.status not in ("success", "reversed"):
            return QueuedRefund(fail("Transaction cannot be refunded because it was not successful"))
        remaining = tx.amount - tx.refunded_amount
        if remaining <= 0:
            return QueuedRefund(
                fail("Transaction has been fully reversed", kind="api_error", code="transaction_reversed")
            )
        amount = remaining if body.get("amount") in (None, "") else parse_amount(body["amount"])
        if isinstance(amount, str):
            return QueuedRefund(fail(amount, code="invalid_amount"))
        if body.get("currency") not in (None, "", tx.currency):
            return QueuedRefund(fail("Currency does not match the transaction's currency"))
        too_much = "Refund amount cannot be more than the unrefunded transaction amount"
        if amount > remaining or not store.reserve_refund_amount(session, tx.id, amount):
            return QueuedRefund(fail(too_much))
        refund = store.add_refund(
            session,
            transaction_reference=tx.reference,
            amount=amount,
            currency=tx.currency,
            will_fail=controls.fail_refunds,
            customer_note=_note(body.get("customer_note")),
            merchant_note=_note(body.get("merchant_note")),
        )
        webhook_id = webhooks.record(session, refund_event(refund, tx), tx.reference, refund.id)
        answer = ok("Refund has been queued for processing", refund_data(refund, tx))
    return QueuedRefund(answer, refund.id, webhook_id)


def advance_refund(refund_id: int, target: str) -> JSONResponse | MovedRefund:
    """Move a refund to `processing`, `processed` or `failed` and record its `refund.*` webhook.

    A refund created while `fail_refunds` was on ends `failed` even when asked to be processed.
    Failing gives the amount back to the refundable balance; once processed refunds cover the
    whole amount, the transaction becomes `reversed`.
    """
    with transaction() as session:
        refund = store.find_refund(session, refund_id)
        if refund is None:
            return fail("Refund not found", 404, code="not_found")
        if target == "processed" and refund.will_fail:
            target = "failed"
        if refund.status in ("processed", "failed") or refund.status == target:
            return fail(f"Refund is already {refund.status}", 409, code="invalid_state")
        if not store.move_refund(session, refund_id, refund.status, target):
            return fail("Refund changed meanwhile; try again", 409, code="invalid_state")
        tx = store.find_transaction(session, reference=refund.transaction_reference)
        assert tx is not None, "a refund is only ever made against a stored transaction"
        if target == "failed":
            store.release_refund_amount(session, tx.id, refund.amount)
        if target == "processed" and store.processed_refund_total(session, tx.reference) >= tx.amount:
            store.mark_reversed(session, tx.id)
        refund = store.find_refund(session, refund_id)
        tx = store.find_transaction(session, transaction_id=tx.id)
        assert refund is not None and tx is not None
        webhook_id = webhooks.record(session, refund_event(refund, tx), tx.reference, refund.id)
    return MovedRefund(refund, tx, webhook_id)


def settle_refund_later(refund_id: int, seconds: float, pending_webhook_id: int | None = None) -> None:
    """Without a tester at hand (development), a refund goes processing → processed by itself, its
    `refund.pending` webhook (when one was queued) sent first."""

    def run() -> None:
        try:
            if pending_webhook_id is not None:
                time.sleep(seconds)  # after POST /refund has answered, as a background task would
                webhooks.deliver_if_enabled(pending_webhook_id)
            for step in ("processing", "processed"):
                time.sleep(seconds)
                moved = advance_refund(refund_id, step)
                if isinstance(moved, JSONResponse):
                    return
                webhooks.deliver_if_enabled(moved.webhook_id)
        except Exception:
            logger.exception("Paystack sandbox could not settle refund %s", refund_id)

    threading.Thread(target=run, name=f"paystack-sandbox-refund-{refund_id}", daemon=True).start()


def fetch_refund(refund_id: int) -> JSONResponse:
    """GET /refund/:id."""
    refund, tx = store.refund_with_transaction(refund_id)
    if refund is None or tx is None:
        return fail("Refund not found", 404, kind="validation_error", code="not_found")
    return ok("Refund retrieved", refund_fetch_data(refund, tx))
