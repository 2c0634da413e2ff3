"""The sandbox's outgoing webhooks: recorded with the change that causes them, signed and POSTed
to the app afterwards, and kept so a test can read them or have one sent again.

Recording inside the caller's transaction means a webhook exists exactly when its change does;
delivering after the answer means the browser is back on the shop first, as with Paystack.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from sqlmodel import Session

from eventpalour.integrations.paystack import sandbox_account, webhook_signature, webhook_target_url
from eventpalour.integrations.tls import outbound_tls
from eventpalour.sandbox.paystack import store
from eventpalour.sandbox.paystack.calls import off_loop_delivering
from eventpalour.sandbox.paystack.controls import read_controls
from eventpalour.sandbox.paystack.shapes import encode

WEBHOOK_TIMEOUT_SECONDS = 5.0
logger = logging.getLogger("eventpalour.sandbox.paystack")


def record(session: Session, event: dict[str, Any], reference: str, refund_id: int | None = None) -> int:
    """Keep `event` as the exact bytes that will be signed; returns the webhook's id."""
    return store.record_webhook(
        session, event=event["event"], reference=reference, refund_id=refund_id, body=encode(event)
    )


def deliver_webhook(webhook_id: int) -> dict[str, Any] | None:
    """POST the stored body, signed, to the app; record the attempt. Returns its outcome."""
    webhook = store.find_webhook(webhook_id)
    if webhook is None:
        return None
    body = webhook.body.encode()
    headers = {
        "Content-Type": "application/json",
        "x-paystack-signature": webhook_signature(body, sandbox_account().secret_key),
        "User-Agent": "Paystack-Sandbox",
    }
    status_code: int | None = None
    error: str | None = None
    try:
        answer = httpx.post(
            webhook_target_url(),
            content=body,
            headers=headers,
            timeout=WEBHOOK_TIMEOUT_SECONDS,
            verify=outbound_tls(),
        )
        status_code = answer.status_code
        if status_code != 200:
            error = f"HTTP {status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    store.note_delivery(webhook_id, status_code=status_code, error=error)
    return {"id": webhook_id, "event": webhook.event, "status_code": status_code, "error": error}


def deliver_if_enabled(webhook_id: int) -> dict[str, Any] | None:
    """The automatic delivery: skipped (but kept for a re-send) while `webhook_enabled` is off."""
    try:
        if not read_controls().webhook_enabled:
            return None
        return deliver_webhook(webhook_id)
    except Exception:
        logger.exception("Paystack sandbox webhook %s could not be delivered", webhook_id)
        return None


async def deliver_now(webhook_id: int) -> dict[str, Any] | None:
    """The automatic delivery, awaited: it waits for the app's webhook route, on the delivery threads."""
    return await off_loop_delivering(deliver_if_enabled, webhook_id)


async def deliver_later(webhook_id: int) -> None:
    """A background delivery (a task run after the answer)."""
    await deliver_now(webhook_id)


def webhook_json(webhook: store.Webhook) -> dict[str, Any]:
    """A recorded webhook as the `/_test/webhooks` hook lists it, its body decoded."""
    return {
        "id": webhook.id,
        "event": webhook.event,
        "transaction_reference": webhook.transaction_reference,
        "refund_id": webhook.refund_id,
        "attempts": webhook.attempts,
        "last_status_code": webhook.last_status_code,
        "last_error": webhook.last_error,
        "delivered": webhook.delivered_at is not None,
        "body": json.loads(webhook.body),
    }
