"""The sandbox's test hooks under `/_test/` (same Bearer key as the API), and the demo seed's payment.

Tests flip the switches of `controls`, press the checkout's buttons without a browser, move refunds
along (each step emitting its `refund.*` webhook), re-send a webhook and list what was sent.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, Request
from fastapi.responses import JSONResponse

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models.types import new_id
from eventpalour.sandbox.paystack import store, webhooks
from eventpalour.sandbox.paystack.calls import auth_problem, invalid_body, off_loop, read_body
from eventpalour.sandbox.paystack.controls import control_problem, read_controls
from eventpalour.sandbox.paystack.refunds import REFUND_STEPS, advance_refund
from eventpalour.sandbox.paystack.shapes import fail, ok, refund_data, transaction_data
from eventpalour.sandbox.paystack.transactions import OUTCOMES, Charge, parse_amount, settle

router = APIRouter(prefix="/_test")


@router.get("/controls")
def read_test_controls(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    return auth_problem(authorization) or ok("Controls", read_controls().as_json())


@router.put("/controls")
async def update_test_controls(request: Request, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Change some switches, e.g. `{"hang_seconds": 3}`; the others keep their values."""
    if problem := auth_problem(authorization):
        return problem
    changes = await read_body(request)
    if changes is None:
        return invalid_body()
    for name, value in changes.items():
        if message := control_problem(name, value):
            return fail(message)
    await off_loop(store.write_controls, changes)
    return ok("Controls updated", (await off_loop(read_controls)).as_json())


@router.delete("/controls")
def reset_test_controls(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    if problem := auth_problem(authorization):
        return problem
    store.reset_controls()
    return ok("Controls reset", read_controls().as_json())


@router.post("/transactions/{reference}/resend-webhook")
def resend_webhook(reference: str, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Deliver the transaction's latest webhook again, now, whatever `webhook_enabled` says."""
    if problem := auth_problem(authorization):
        return problem
    latest = store.latest_webhook_id(reference)
    if latest is None:
        return fail("No webhook was sent for this transaction", 404, code="not_found")
    return ok("Webhook sent", webhooks.deliver_webhook(latest))


async def _hook_options(request: Request) -> dict[str, Any]:
    return await read_body(request) or {}


@router.post("/transactions/{reference}/{action}")
async def settle_transaction(
    reference: str, action: str, request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Press a checkout button without a browser: `pay`, `fail` or `abandon`.

    Body (optional): `{"channel": "card"|"mobile_money", "wait_for_webhook": false}`, and for `pay`
    `"amount"` (subunits) and/or `"currency"` to charge something other than what was asked. As on
    the page, the `charge.success` webhook goes out after the answer unless `wait_for_webhook` is
    true, in which case the answer carries the delivery's outcome.
    """
    if problem := auth_problem(authorization):
        return problem
    if action not in OUTCOMES:
        return fail("Action must be pay, fail or abandon", 404, code="not_found")
    options = await _hook_options(request)
    channel = str(options.get("channel") or "card")
    charge = _charge(options)
    if isinstance(charge, JSONResponse):
        return charge
    tx, webhook_id = await off_loop(functools.partial(settle, action, channel, reference=reference, charge=charge))
    if tx is None:
        return fail("Transaction reference not found", code="transaction_not_found")
    if webhook_id is None and tx.status != OUTCOMES[action]:
        return fail(f"Transaction is already {tx.status}", 409, code="invalid_state")
    return await _answer_with_webhook("Transaction updated", transaction_data(tx), webhook_id, options)


def _charge(options: dict[str, Any]) -> Charge | JSONResponse:
    """The settle hook's `amount` and `currency`, checked like initialize checks them."""
    amount = None if options.get("amount") is None else parse_amount(options["amount"])
    if isinstance(amount, str):
        return fail(amount, code="invalid_amount")
    currency = options.get("currency")
    if currency is not None and currency not in SUPPORTED_CURRENCIES:
        return fail("Currency not supported by merchant", code="unsupported_currency")
    return Charge(amount=amount, currency=currency)


async def _answer_with_webhook(
    message: str, data: dict[str, Any], webhook_id: int | None, options: dict[str, Any]
) -> JSONResponse:
    """A test hook's answer; its webhook goes out after it, or before it with `wait_for_webhook`."""
    delivery = None
    background = BackgroundTasks()
    if webhook_id is not None and options.get("wait_for_webhook"):
        delivery = await webhooks.deliver_now(webhook_id)
    elif webhook_id is not None:
        background.add_task(webhooks.deliver_later, webhook_id)
    return JSONResponse({"status": True, "message": message, "data": data, "webhook": delivery}, background=background)


@router.post("/refunds/{refund_id}/advance")
async def advance_test_refund(
    refund_id: int, request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Body `{"status": "processing"|"processed"|"failed", "wait_for_webhook": false}`; emits `refund.<status>`."""
    if problem := auth_problem(authorization):
        return problem
    options = await _hook_options(request)
    target = options.get("status")
    if target not in REFUND_STEPS:
        return fail("status must be processing, processed or failed")
    moved = await off_loop(advance_refund, refund_id, target)
    if isinstance(moved, JSONResponse):
        return moved
    return await _answer_with_webhook(
        "Refund updated", refund_data(moved.refund, moved.transaction), moved.webhook_id, options
    )


@router.get("/webhooks")
def list_test_webhooks(
    reference: str | None = None, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Every webhook the sandbox recorded (oldest first), optionally for one transaction."""
    if problem := auth_problem(authorization):
        return problem
    return ok("Webhooks", [webhooks.webhook_json(webhook) for webhook in store.list_webhooks(reference)])


def paid_at_checkout(*, reference: str, email: str, amount: int, currency: str, order_id: str) -> VerifyResult:
    """A transaction whose buyer has pressed Pay on its checkout page, as verify then reports it.

    For the demo data: `make seed` runs before any server could show the page. The `charge.success`
    webhook this records is not delivered; the caller settles the order with the answer instead.
    """
    store.insert_transaction(
        reference=reference,
        access_code=new_id(15),
        email=email,
        amount=amount,
        currency=currency,
        callback_url=None,
        metadata={"order_id": order_id},
    )
    tx, _webhook = settle("pay", reference=reference)
    if tx is None:
        raise RuntimeError(f"The sandbox lost transaction {reference} it has just stored.")
    return VerifyResult(
        status=tx.status,
        amount=tx.amount,
        currency=tx.currency,
        fees=tx.fees,
        paid_at=tx.paid_at,
        reference=tx.reference,
        raw=transaction_data(tx),
    )
