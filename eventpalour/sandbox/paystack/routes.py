"""The sandbox's router: Paystack's API endpoints and the hosted checkout page, plus the test hooks
of `test_controls`, all under `SANDBOX_PATH`.

Handlers only check the key, read the request and hand over to `transactions` and `refunds`;
blocking work runs on the sandbox's own threads (`calls.off_loop`).
"""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from eventpalour.integrations.paystack import SANDBOX_PATH
from eventpalour.sandbox.paystack import refunds, store, test_controls, transactions, webhooks
from eventpalour.sandbox.paystack.calls import auth_problem, controlled, invalid_body, off_loop, read_body
from eventpalour.sandbox.paystack.checkout_page import checkout_page, finished_page, missing_page
from eventpalour.sandbox.paystack.controls import hang, read_controls

router = APIRouter(prefix=SANDBOX_PATH, tags=["sandbox"], include_in_schema=False)


# --- Paystack's API ---------------------------------------------------------------------------------


@router.post("/transaction/initialize")
async def initialize_transaction(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    if problem := auth_problem(authorization):
        return problem
    body = await read_body(request)
    return await controlled(functools.partial(transactions.initialize, body), transactions.initialize_refusal)


@router.get("/transaction/verify/{reference}")
async def verify_transaction(reference: str, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    if problem := auth_problem(authorization):
        return problem
    return await controlled(functools.partial(transactions.verify, reference), transactions.verify_refusal)


@router.post("/refund")
async def create_refund(
    request: Request, background: BackgroundTasks, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    if problem := auth_problem(authorization):
        return problem
    body = await read_body(request)
    controls = await off_loop(read_controls)
    await hang(controls)
    if body is None:
        return invalid_body()
    queued = await off_loop(refunds.create_refund, body, controls)
    if queued.refund_id is not None and controls.refund_auto_seconds is not None:
        # One thread sends pending, processing and processed in that order: a background task for
        # pending could lose the race to the settling thread under load.
        refunds.settle_refund_later(queued.refund_id, float(controls.refund_auto_seconds), queued.webhook_id)
    elif queued.webhook_id is not None:
        background.add_task(webhooks.deliver_later, queued.webhook_id)
    return queued.answer


@router.get("/refund/{refund_id}")
async def fetch_refund(refund_id: int, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    if problem := auth_problem(authorization):
        return problem
    return await controlled(functools.partial(refunds.fetch_refund, refund_id))


# --- the hosted checkout ----------------------------------------------------------------------------


@router.get("/checkout/{access_code}")
def read_checkout(access_code: str) -> HTMLResponse:
    tx = store.transaction_by_access_code(access_code)
    if tx is None:
        return missing_page()
    if tx.status != "abandoned":
        return finished_page(tx, transactions.return_url(tx))
    return checkout_page(tx)


@router.post("/checkout/{access_code}")
def submit_checkout(
    access_code: str,
    background: BackgroundTasks,
    action: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "card",
) -> Response:
    """Pay, fail or abandon, then send the browser back; the webhook goes out after this answer."""
    if action not in transactions.OUTCOMES:
        return read_checkout(access_code)
    tx, webhook_id = transactions.settle(action, channel, access_code=access_code)
    if tx is None:
        return missing_page()
    if webhook_id is not None:
        background.add_task(webhooks.deliver_later, webhook_id)
    target = transactions.return_url(tx)
    if action == "abandon" and tx.status == "abandoned":
        target = transactions.cancel_url(tx) or target
    if target is None:
        return finished_page(tx, None)
    return RedirectResponse(target, status_code=302)


router.include_router(test_controls.router)
