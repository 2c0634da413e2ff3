"""The SMS sandbox's router: Africa's Talking's `POST /version1/messaging` and the test hooks.

Answers as Africa's Talking does: 401 text for a wrong `apiKey` or `username`, 400 text for a missing
field, else 201 with `SMSMessageData` and one entry per recipient (101 Success, 403
InvalidPhoneNumber for a number that is not E.164, 500 InternalServerError while a test asked for
failures).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import asdict
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from eventpalour.integrations.sms import SANDBOX_PATH, sandbox_account
from eventpalour.sandbox.africastalking import store

router = APIRouter(prefix=SANDBOX_PATH, tags=["sandbox"], include_in_schema=False)

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# What one message costs, by the number's country code (the sandbox's own figures).
COSTS = (("+254", "KES 0.8000"), ("+234", "NGN 2.2000"), ("+233", "GHS 0.1500"), ("+27", "ZAR 0.2500"))
DEFAULT_COST = "USD 0.0500"
MAX_FAILURES = 100


def _auth_problem(api_key: str | None, username: str | None = None) -> Response | None:
    """Africa's Talking's 401 for a missing or wrong key (or a username the key is not for)."""
    account = sandbox_account()
    key_ok = api_key is not None and hmac.compare_digest(api_key.encode(), account.api_key.encode())
    if not key_ok or (username is not None and username != account.username):
        return PlainTextResponse("The supplied authentication is invalid", status_code=401)
    return None


def _cost(number: str) -> str:
    return next((cost for prefix, cost in COSTS if number.startswith(prefix)), DEFAULT_COST)


def _deliver(username: str, sender: str, message: str, number: str) -> dict[str, object]:
    """One recipient's outcome, recorded."""
    if not E164.match(number):
        code, status, cost = 403, "InvalidPhoneNumber", "0"
    elif store.take_failure():
        code, status, cost = 500, "InternalServerError", "0"
    else:
        code, status, cost = 101, "Success", _cost(number)
    message_id = store.record(
        username=username, to=number, sender=sender, message=message, status=status, status_code=code, cost=cost
    )
    return {"statusCode": code, "number": number, "status": status, "cost": cost, "messageId": message_id}


def _summary(recipients: list[dict[str, object]]) -> str:
    sent = [r for r in recipients if r["statusCode"] == 101]
    if not sent:
        return f"Sent to 0/{len(recipients)} Total Cost: 0"
    currency = str(sent[0]["cost"]).split(" ")[0]
    total = sum(float(str(r["cost"]).split(" ")[1]) for r in sent)
    return f"Sent to {len(sent)}/{len(recipients)} Total Cost: {currency} {total:.4f}"


@router.post("/version1/messaging")
async def send_messages(request: Request, apikey: Annotated[str | None, Header(alias="apiKey")] = None) -> Response:
    form = await request.form()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    for name in ("username", "to", "message"):
        if not fields.get(name, "").strip():
            return PlainTextResponse(f"Request is missing required form field '{name}'", status_code=400)
    if problem := _auth_problem(apikey, fields["username"]):
        return problem
    numbers = [n.strip() for n in fields["to"].split(",") if n.strip()]
    sender = fields.get("from", "")

    def deliver_all() -> list[dict[str, object]]:
        return [_deliver(fields["username"], sender, fields["message"], number) for number in numbers]

    recipients = await anyio.to_thread.run_sync(deliver_all)
    return JSONResponse({"SMSMessageData": {"Message": _summary(recipients), "Recipients": recipients}}, 201)


@router.get("/_test/messages")
def list_test_messages(to: str | None = None, apikey: Annotated[str | None, Header(alias="apiKey")] = None) -> Response:
    """What the sandbox received, newest first, optionally to one number."""
    if problem := _auth_problem(apikey):
        return problem
    return JSONResponse({"messages": [asdict(m) for m in store.received_messages(to=to)]})


@router.put("/_test/controls")
async def update_test_controls(
    request: Request, apikey: Annotated[str | None, Header(alias="apiKey")] = None
) -> Response:
    """`{"fail_next": n}`: the next n recipients fail with 500 InternalServerError."""
    if problem := _auth_problem(apikey):
        return problem
    try:
        body = await request.json()
    except ValueError:
        body = None
    count = body.get("fail_next") if isinstance(body, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_FAILURES:
        return JSONResponse({"error": f"fail_next must be a whole number from 0 to {MAX_FAILURES}."}, 400)
    await anyio.to_thread.run_sync(store.set_failures, count)
    return JSONResponse({"fail_next": count})


@router.delete("/_test/controls")
def reset_test_controls(apikey: Annotated[str | None, Header(alias="apiKey")] = None) -> Response:
    if problem := _auth_problem(apikey):
        return problem
    store.set_failures(0)
    return JSONResponse({"fail_next": 0})
