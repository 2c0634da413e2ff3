"""The Paystack webhook (SPEC §5): signature over the raw bytes, every valid delivery recorded,
`charge.success` verified through the API before anything is fulfilled."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from eventpalour.api.deps import address_of
from eventpalour.api.errors import answers
from eventpalour.integrations import paystack
from eventpalour.services import sales

router = APIRouter(prefix="/api/payments", tags=["payments"])
logger = logging.getLogger("eventpalour.payments")


@router.post("/webhook/paystack", responses=answers(400, 401))
async def receive_paystack_webhook(request: Request) -> JSONResponse:
    """Accept a Paystack event: 401 for a bad signature (nothing written), 200 once recorded and acted on,
    503 when Paystack could not confirm it just now (recorded; Paystack retries only a non-2xx answer)."""
    raw = await request.body()
    if not paystack.verify_webhook_signature(raw, request.headers.get("x-paystack-signature")):
        logger.warning(
            "Rejected a Paystack webhook with a bad or missing signature from %s",
            address_of(request.scope) or "unknown",
        )
        return JSONResponse({"error": "Invalid signature."}, status_code=401)
    try:
        payload = json.loads(raw)
    except ValueError:
        return JSONResponse({"error": "The request body is not valid JSON."}, status_code=400)
    outcome = await run_in_threadpool(sales.handle_paystack_webhook, payload, raw.decode("utf-8", "replace"))
    if sales.needs_retry(outcome):
        return JSONResponse(
            {"error": "Paystack could not confirm this event just now; deliver it again later.", "outcome": outcome},
            status_code=503,
        )
    return JSONResponse({"received": True, "outcome": outcome})
