"""The Paystack sandbox (contract §13): Paystack's HTTP API, a hosted checkout page and signed webhooks.

It answers `POST /transaction/initialize`, `GET /transaction/verify/:reference` and `POST /refund`
with Paystack's envelopes, status codes and error messages, behind `Authorization: Bearer <sk_test_…>`
(the key `integrations.paystack.sandbox_account()` derives from SECRET_KEY). The checkout page at
`authorization_url` lets a tester pay, fail or abandon; paying sends a signed `charge.success`
webhook to the app after the browser has been redirected. All state lives in the database, so any
worker can answer any request.

Test hooks under `/_test/` (same Bearer key) flip switches (`fail_initialize`, `fail_verify`,
`hang_seconds`, `webhook_enabled`, `fail_refunds`, `refund_auto_seconds`), settle a transaction without a browser,
move refunds along (emitting `refund.*` webhooks), re-send a webhook and list what was sent.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

import anyio.to_thread
import httpx
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import APIRouter, BackgroundTasks, Form, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.config import SUPPORTED_CURRENCIES, settings
from eventpalour.db import read_connection, read_only, transaction, write_one
from eventpalour.integrations.paystack import (
    SANDBOX_PATH,
    VerifyResult,
    estimated_fees,
    sandbox_account,
    sandbox_base_url,
    webhook_signature,
    webhook_target_url,
)
from eventpalour.models import (
    SandboxPaystackControl,
    SandboxPaystackRefund,
    SandboxPaystackTransaction,
    SandboxPaystackWebhook,
)
from eventpalour.models.types import new_id, utcnow
from eventpalour.sandbox.paystack_checkout_page import checkout_page, finished_page, missing_page
from eventpalour.sandbox.paystack_shapes import (
    GATEWAY_RESPONSES,
    charge_success_event,
    customer_code_for,
    encode,
    fail,
    ok,
    refund_data,
    refund_event,
    refund_fetch_data,
    transaction_data,
)

router = APIRouter(prefix=SANDBOX_PATH, tags=["sandbox"], include_in_schema=False)
logger = logging.getLogger("eventpalour.sandbox.paystack")

REFERENCE_CHARACTERS = re.compile(r"^[A-Za-z0-9.=-]+$")
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AMOUNT_LIMIT = 10_000_000 * 100
DEFAULT_CURRENCY = "KES"
WEBHOOK_TIMEOUT_SECONDS = 5.0
MAX_HANG_SECONDS = 120.0
OUTCOMES = {"pay": "success", "fail": "failed", "abandon": "abandoned"}
REFUND_STEPS = ("processing", "processed", "failed")
SANDBOX_THREADS = 16
T = TypeVar("T")
_threads: RunVar[CapacityLimiter] = RunVar("paystack_sandbox_threads")

# The statements of the hot calls (initialize, verify, and the controls both read first), built once:
# the app calls its own sandbox once per placed and once per fulfilled order, and composing ORM
# queries and objects per call was about half of the sandbox's CPU time.
_controls_table = SandboxPaystackControl.__table__
_transactions_table = SandboxPaystackTransaction.__table__
READ_CONTROLS = core_select(_controls_table.c.name, _controls_table.c.value)
INSERT_TRANSACTION = insert(_transactions_table)
TRANSACTION_BY_REFERENCE = core_select(_transactions_table).where(
    _transactions_table.c.reference == bindparam("reference")
)


async def _off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking sandbox work on threads of its own, never on the app's shared pool.

    The sandbox is served by the app it stands in for: an app request waiting on initialize or
    verify holds one of the app's 40 worker threads meanwhile, so 40 such requests at once would
    leave the sandbox no thread to answer them with, and every call would time out.
    """
    try:
        limiter = _threads.get()
    except LookupError:
        limiter = CapacityLimiter(SANDBOX_THREADS)
        _threads.set(limiter)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=limiter)


async def _deliver_later(webhook_id: int) -> None:
    """A background delivery: it waits for the app's webhook route, so it too runs on sandbox threads."""
    await _off_loop(deliver_if_enabled, webhook_id)


# --- controls ---------------------------------------------------------------------------------------


def default_controls() -> dict[str, Any]:
    """Refunds settle by themselves after a few seconds, except in the test suite (hooks move them)."""
    return {
        "fail_initialize": False,
        "fail_verify": False,
        "hang_seconds": 0,
        "webhook_enabled": True,
        "fail_refunds": False,
        "refund_auto_seconds": None if settings.app_env == "test" else 5,
    }


def _control_problem(name: str, value: object) -> str | None:
    if name not in default_controls():
        return f"Unknown control {name!r}."
    if name in ("fail_initialize", "fail_verify", "webhook_enabled", "fail_refunds"):
        return None if isinstance(value, bool) else f"{name} must be true or false."
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if name == "refund_auto_seconds" and value is None:
        return None
    if not is_number or not 0 <= value <= MAX_HANG_SECONDS:
        return f"{name} must be a number of seconds between 0 and {MAX_HANG_SECONDS:g}."
    return None


def read_controls() -> dict[str, Any]:
    with read_connection() as connection:
        rows = connection.execute(READ_CONTROLS).all()
    defaults = default_controls()
    return {**defaults, **{name: value for name, value in rows if name in defaults}}


def _write_controls(changes: dict[str, Any]) -> None:
    with transaction() as session:
        for name, value in changes.items():
            row = session.get(SandboxPaystackControl, name)
            if row is None:
                session.add(SandboxPaystackControl(name=name, value=value))
            else:
                row.value = value


def _reset_controls() -> None:
    with transaction() as session:
        session.execute(SandboxPaystackControl.__table__.delete())


def _hang_seconds(controls: dict[str, Any]) -> float:
    return min(float(controls.get("hang_seconds") or 0), MAX_HANG_SECONDS)


async def _hang(controls: dict[str, Any]) -> None:
    """Simulate a slow Paystack: answer only after `hang_seconds`."""
    if (seconds := _hang_seconds(controls)) > 0:
        await asyncio.sleep(seconds)


def _no_refusal(_controls: dict[str, Any]) -> JSONResponse | None:
    return None


async def _controlled(
    work: Callable[[], JSONResponse],
    refusal: Callable[[dict[str, Any]], JSONResponse | None] = _no_refusal,
) -> JSONResponse:
    """Answer a Paystack call with `work` once the controls have had their say, in one thread hop.

    The controls are read on a sandbox thread and, when they neither hang nor refuse the call, the
    work runs right after on that same thread. A hang is sat out on the event loop (holding no
    thread), and only then do the refusal or the work follow, the work in a second hop.
    """

    def read_controls_then_work() -> tuple[dict[str, Any], JSONResponse | None]:
        controls = read_controls()
        if _hang_seconds(controls) > 0:
            return controls, None
        refused = refusal(controls)
        return controls, refused if refused is not None else work()

    controls, answer = await _off_loop(read_controls_then_work)
    if answer is not None:
        return answer
    await _hang(controls)
    refused = refusal(controls)
    return refused if refused is not None else await _off_loop(work)


# --- request plumbing -------------------------------------------------------------------------------


def _auth_problem(authorization: str | None) -> JSONResponse | None:
    if not authorization:
        return fail("No Authorization Header was found", 401, kind=None)
    scheme, _, key = authorization.strip().partition(" ")
    if scheme != "Bearer" or not key.strip():
        return fail("Format is Authorization Bearer [secret key]", 401, kind=None)
    if not hmac.compare_digest(key.strip().encode(), sandbox_account().secret_key.encode()):
        return fail("Invalid key", 401, kind=None)
    return None


async def _body(request: Request) -> dict[str, Any] | None:
    """The request fields, from JSON or a form (Paystack takes both); None when unreadable."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _invalid_body() -> JSONResponse:
    return fail("Invalid request body: send a JSON object", code="invalid_params")


def _amount(raw: object) -> int | str:
    """An amount in subunits (an integer, or a string of digits as Paystack's samples send), or the error."""
    if raw is None or raw == "":
        return "You must specify a valid amount"
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return "Amount must be an integer"
    if isinstance(raw, str):
        if not raw.strip().isdigit():
            return "Amount must be an integer"
        raw = int(raw.strip())
    if raw <= 0:
        return "You must specify a valid amount"
    if raw > AMOUNT_LIMIT:
        return "Transaction amount limit exceeded"
    return raw


def _metadata(raw: object) -> object:
    """Metadata as an object when it is one (or stringified JSON of one), else as sent."""
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _return_url(tx: SandboxPaystackTransaction) -> str | None:
    """`callback_url?trxref=R&reference=R`, as Paystack sends the browser back."""
    if not tx.callback_url:
        return None
    separator = "&" if "?" in tx.callback_url else "?"
    return tx.callback_url + separator + urlencode({"trxref": tx.reference, "reference": tx.reference})


def _cancel_url(tx: SandboxPaystackTransaction) -> str | None:
    """`metadata.cancel_action`: where the checkout's cancel button goes."""
    metadata = tx.metadata_json if isinstance(tx.metadata_json, dict) else {}
    target = metadata.get("cancel_action")
    return target if isinstance(target, str) and target.startswith(("http://", "https://")) else None


def _transaction_query(*, access_code: str | None = None, reference: str | None = None) -> Any:
    if reference is not None:
        return select(SandboxPaystackTransaction).where(col(SandboxPaystackTransaction.reference) == reference)
    return select(SandboxPaystackTransaction).where(col(SandboxPaystackTransaction.access_code) == access_code)


def _find_transaction(
    *, access_code: str | None = None, reference: str | None = None
) -> SandboxPaystackTransaction | None:
    with read_only() as session:
        return session.exec(_transaction_query(access_code=access_code, reference=reference)).first()


# --- webhooks ---------------------------------------------------------------------------------------


def _record_webhook(session: Session, event: dict[str, Any], reference: str, refund_id: int | None = None) -> int:
    row = SandboxPaystackWebhook(
        event=event["event"], transaction_reference=reference, refund_id=refund_id, body=encode(event)
    )
    session.add(row)
    session.flush()
    return int(row.id or 0)


def deliver_webhook(webhook_id: int) -> dict[str, Any] | None:
    """POST the stored body, signed, to the app; record the attempt. Returns its outcome."""
    with read_only() as session:
        row = session.get(SandboxPaystackWebhook, webhook_id)
    if row is None:
        return None
    body = row.body.encode()
    headers = {
        "Content-Type": "application/json",
        "x-paystack-signature": webhook_signature(body, sandbox_account().secret_key),
        "User-Agent": "Paystack-Sandbox",
    }
    status_code: int | None = None
    error: str | None = None
    try:
        answer = httpx.post(webhook_target_url(), content=body, headers=headers, timeout=WEBHOOK_TIMEOUT_SECONDS)
        status_code = answer.status_code
        if status_code != 200:
            error = f"HTTP {status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = utcnow()
    with transaction() as session:
        session.execute(
            update(SandboxPaystackWebhook)
            .where(col(SandboxPaystackWebhook.id) == webhook_id)
            .values(
                attempts=col(SandboxPaystackWebhook.attempts) + 1,
                last_status_code=status_code,
                last_error=error,
                last_attempt_at=now,
            )
        )
        if status_code == 200:
            session.execute(
                update(SandboxPaystackWebhook)
                .where(col(SandboxPaystackWebhook.id) == webhook_id, col(SandboxPaystackWebhook.delivered_at).is_(None))
                .values(delivered_at=now)
            )
    return {"id": webhook_id, "event": row.event, "status_code": status_code, "error": error}


def deliver_if_enabled(webhook_id: int) -> dict[str, Any] | None:
    """The automatic delivery: skipped (but kept for a re-send) while `webhook_enabled` is off."""
    try:
        if not read_controls()["webhook_enabled"]:
            return None
        return deliver_webhook(webhook_id)
    except Exception:
        logger.exception("Paystack sandbox webhook %s could not be delivered", webhook_id)
        return None


def _webhook_row(row: SandboxPaystackWebhook) -> dict[str, Any]:
    return {
        "id": row.id,
        "event": row.event,
        "transaction_reference": row.transaction_reference,
        "refund_id": row.refund_id,
        "attempts": row.attempts,
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
        "delivered": row.delivered_at is not None,
        "body": json.loads(row.body),
    }


# --- transactions -----------------------------------------------------------------------------------


def _duplicate_reference() -> JSONResponse:
    return JSONResponse(
        {
            "status": False,
            "message": "Duplicate Transaction Reference",
            "meta": {"nextStep": "Try and create the Transaction or Charge with a new reference"},
            "type": "validation_error",
            "code": "duplicate_reference",
            "errorCodeMappingNotFound": False,
        },
        status_code=400,
    )


def _initialize_refusal(controls: dict[str, Any]) -> JSONResponse | None:
    """The simulated outage of `fail_initialize`: a 500, and nothing written."""
    if not controls["fail_initialize"]:
        return None
    return fail(
        "An error occurred while initializing the transaction. Please try again",
        500,
        kind="api_error",
        code="unknown",
    )


def _verify_refusal(controls: dict[str, Any]) -> JSONResponse | None:
    """The simulated outage of `fail_verify`: verify answers a 500 (as Paystack does when it is in trouble)."""
    if not controls["fail_verify"]:
        return None
    return fail(
        "An error occurred while verifying the transaction. Please try again",
        500,
        kind="api_error",
        code="unknown",
    )


def _initialize(body: dict[str, Any] | None) -> JSONResponse:
    if body is None:
        return _invalid_body()
    if body.get("email") is None:
        return fail("Email Address is required", code="missing_params", next_step="Provide all required params ")
    email = str(body["email"]).strip()
    if not email:
        return fail("Email is not allowed to be empty")
    if not EMAIL_ADDRESS.match(email):
        return fail("Invalid Email Address Passed")
    amount = _amount(body.get("amount"))
    if isinstance(amount, str):
        return fail(amount, code="invalid_amount")
    currency = str(body.get("currency") or DEFAULT_CURRENCY)
    if currency not in SUPPORTED_CURRENCIES:
        return fail("Currency not supported by merchant", code="unsupported_currency")
    reference = str(body.get("reference") or "") or new_id(10)
    if not REFERENCE_CHARACTERS.match(reference):
        return fail("Invalid character in transaction reference", code="invalid_reference")
    if len(reference) > 100:
        return fail("Transaction reference is too long", code="invalid_reference")
    callback_url = str(body.get("callback_url") or "") or None
    if callback_url and not callback_url.startswith(("http://", "https://")):
        return fail("Invalid callback_url", code="invalid_params")
    access_code = new_id(15)
    try:
        _insert_transaction(
            reference=reference,
            access_code=access_code,
            email=email,
            amount=amount,
            currency=currency,
            callback_url=callback_url,
            metadata=body.get("metadata"),
        )
    except IntegrityError:
        # `reference` is unique in the table, so a taken one is refused by the INSERT itself.
        return _duplicate_reference()
    data = {
        "authorization_url": f"{sandbox_base_url()}/checkout/{access_code}",
        "access_code": access_code,
        "reference": reference,
    }
    return ok("Authorization URL created", data)


def _insert_transaction(
    *,
    reference: str,
    access_code: str,
    email: str,
    amount: int,
    currency: str,
    callback_url: str | None,
    metadata: object,
) -> None:
    """Store a new, open transaction in one statement; raises IntegrityError when the reference is taken.

    Every column is named, with the model's defaults, so the row is the one `session.add()` of a
    `SandboxPaystackTransaction` stored (metadata None is JSON `null` there too, not SQL NULL).
    """
    now = utcnow()
    write_one(
        INSERT_TRANSACTION,
        {
            "reference": reference,
            "access_code": access_code,
            "email": email,
            "amount": amount,
            "requested_amount": None,
            "currency": currency,
            "status": "abandoned",
            "channel": None,
            "gateway_response": None,
            "fees": None,
            "paid_at": None,
            "callback_url": callback_url,
            "metadata_json": _metadata(metadata),
            "authorization_code": None,
            "customer_code": None,
            "refunded_amount": 0,
            "created_at": now,
            "updated_at": now,
        },
    )


def _verify(reference: str) -> JSONResponse:
    with read_connection() as connection:
        tx = connection.execute(TRANSACTION_BY_REFERENCE, {"reference": reference}).first()
    if tx is None:
        return fail(
            "Transaction reference not found",
            code="transaction_not_found",
            next_step="Ensure that you're passing the reference of a transaction that exists on this integration",
        )
    return ok("Verification successful", transaction_data(tx))


@dataclass(frozen=True)
class Charge:
    """What a test hook charges instead of what the transaction asked for (None: as asked)."""

    amount: int | None = None
    currency: str | None = None


def settle(
    action: str,
    channel: str = "card",
    *,
    access_code: str | None = None,
    reference: str | None = None,
    charge: Charge = Charge(),
) -> tuple[SandboxPaystackTransaction | None, int | None]:
    """Pay, fail or abandon an open transaction (the checkout's three buttons).

    Returns the transaction as it now stands (None when unknown) and the id of the `charge.success`
    webhook to deliver, if this call is the one that made the payment. Settling twice changes nothing.
    A payment may charge another amount or currency (`charge`), as an underpaid bank transfer does.
    """
    target = OUTCOMES[action]
    with transaction() as session:
        tx = session.exec(_transaction_query(access_code=access_code, reference=reference)).first()
        if tx is None or target == "abandoned" or tx.status != "abandoned":
            return tx, None
        now = utcnow()
        channel = "mobile_money" if channel == "mobile_money" and tx.currency == "KES" else "card"
        values: dict[str, Any] = {
            "status": target,
            "channel": channel,
            "gateway_response": GATEWAY_RESPONSES[target],
            "authorization_code": "AUTH_" + new_id(10),
            "customer_code": customer_code_for(tx.email),
            "updated_at": now,
        }
        if target == "success":
            amount, currency = charge.amount or tx.amount, charge.currency or tx.currency
            if (amount, currency) != (tx.amount, tx.currency):
                values.update(amount=amount, currency=currency, requested_amount=tx.amount)
            values.update(paid_at=now, fees=estimated_fees(amount, currency, channel))
        changed = session.execute(
            update(SandboxPaystackTransaction)
            .where(col(SandboxPaystackTransaction.id) == tx.id, col(SandboxPaystackTransaction.status) == "abandoned")
            .values(**values)
        ).rowcount
        session.refresh(tx)
        if changed != 1 or target != "success":
            return tx, None
        return tx, _record_webhook(session, charge_success_event(tx), tx.reference)


def paid_at_checkout(*, reference: str, email: str, amount: int, currency: str, order_id: str) -> VerifyResult:
    """A transaction whose buyer has pressed Pay on its checkout page, as verify then reports it.

    For the demo data: `make seed` runs before any server could show the page. The `charge.success`
    webhook this records is not delivered; the caller settles the order with the answer instead.
    """
    _insert_transaction(
        reference=reference,
        access_code=new_id(15),
        email=email,
        amount=amount,
        currency=currency,
        callback_url=None,
        metadata={"order_id": order_id},
    )
    tx, _webhook = settle("pay", reference=reference)
    return VerifyResult(
        status=tx.status,
        amount=tx.amount,
        currency=tx.currency,
        fees=tx.fees,
        paid_at=tx.paid_at,
        reference=tx.reference,
        raw=transaction_data(tx),
    )


# --- refunds ----------------------------------------------------------------------------------------


def _refund_target(session: Session, raw: object) -> SandboxPaystackTransaction | None:
    """`transaction` may be the reference or the numeric id (both are accepted by Paystack)."""
    if isinstance(raw, str) and raw:
        found = session.exec(
            select(SandboxPaystackTransaction).where(col(SandboxPaystackTransaction.reference) == raw)
        ).first()
        if found is not None or not raw.isdigit():
            return found
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return session.get(SandboxPaystackTransaction, raw)
    return None


def _create_refund(body: dict[str, Any], controls: dict[str, Any]) -> tuple[JSONResponse, int | None, int | None]:
    """Queue a refund; returns the answer, the refund id and the `refund.pending` webhook id."""
    if body.get("transaction") in (None, ""):
        return fail("Transaction reference or id is required", code="missing_params"), None, None
    with transaction() as session:
        tx = _refund_target(session, body["transaction"])
        if tx is None:
            return fail("Transaction not found", 404, code="not_found"), None, None
        if tx.status not in ("success", "reversed"):
            return fail("Transaction cannot be refunded because it was not successful"), None, None
        remaining = tx.amount - tx.refunded_amount
        if remaining <= 0:
            reversed_ = fail("Transaction has been fully reversed", kind="api_error", code="transaction_reversed")
            return reversed_, None, None
        amount = remaining if body.get("amount") in (None, "") else _amount(body["amount"])
        if isinstance(amount, str):
            return fail(amount, code="invalid_amount"), None, None
        if body.get("currency") not in (None, "", tx.currency):
            return fail("Currency does not match the transaction's currency"), None, None
        if amount > remaining:
            return fail("Refund amount cannot be more than the unrefunded transaction amount"), None, None
        taken = session.execute(
            update(SandboxPaystackTransaction)
            .where(
                col(SandboxPaystackTransaction.id) == tx.id,
                col(SandboxPaystackTransaction.refunded_amount) + amount <= col(SandboxPaystackTransaction.amount),
            )
            .values(refunded_amount=col(SandboxPaystackTransaction.refunded_amount) + amount, updated_at=utcnow())
        ).rowcount
        if taken != 1:
            return fail("Refund amount cannot be more than the unrefunded transaction amount"), None, None
        refund = SandboxPaystackRefund(
            transaction_reference=tx.reference,
            amount=amount,
            currency=tx.currency,
            will_fail=bool(controls["fail_refunds"]),
            customer_note=str(body.get("customer_note") or "")[:500] or None,
            merchant_note=str(body.get("merchant_note") or "")[:500] or None,
        )
        session.add(refund)
        session.flush()
        webhook_id = _record_webhook(session, refund_event(refund, tx), tx.reference, refund.id)
        answer = ok("Refund has been queued for processing", refund_data(refund, tx))
    return answer, refund.id, webhook_id


def advance_refund(
    refund_id: int, target: str
) -> JSONResponse | tuple[SandboxPaystackRefund, SandboxPaystackTransaction, int]:
    """Move a refund to `processing`, `processed` or `failed` and record its `refund.*` webhook.

    A refund created while `fail_refunds` was on ends `failed` even when asked to be processed.
    Failing gives the amount back to the refundable balance; once processed refunds cover the
    whole amount, the transaction becomes `reversed`.
    """
    with transaction() as session:
        refund = session.get(SandboxPaystackRefund, refund_id)
        if refund is None:
            return fail("Refund not found", 404, code="not_found")
        if target == "processed" and refund.will_fail:
            target = "failed"
        if refund.status in ("processed", "failed") or refund.status == target:
            return fail(f"Refund is already {refund.status}", 409, code="invalid_state")
        now = utcnow()
        moved = session.execute(
            update(SandboxPaystackRefund)
            .where(col(SandboxPaystackRefund.id) == refund_id, col(SandboxPaystackRefund.status) == refund.status)
            .values(status=target, updated_at=now)
        ).rowcount
        if moved != 1:
            return fail("Refund changed meanwhile; try again", 409, code="invalid_state")
        tx = session.exec(
            select(SandboxPaystackTransaction).where(
                col(SandboxPaystackTransaction.reference) == refund.transaction_reference
            )
        ).one()
        if target == "failed":
            session.execute(
                update(SandboxPaystackTransaction)
                .where(col(SandboxPaystackTransaction.id) == tx.id)
                .values(refunded_amount=col(SandboxPaystackTransaction.refunded_amount) - refund.amount, updated_at=now)
            )
        if target == "processed":
            processed = session.exec(
                select(func.coalesce(func.sum(SandboxPaystackRefund.amount), 0)).where(
                    col(SandboxPaystackRefund.transaction_reference) == tx.reference,
                    col(SandboxPaystackRefund.status) == "processed",
                )
            ).one()
            if processed >= tx.amount:
                session.execute(
                    update(SandboxPaystackTransaction)
                    .where(col(SandboxPaystackTransaction.id) == tx.id)
                    .values(status="reversed", updated_at=now)
                )
        session.refresh(refund)
        session.refresh(tx)
        webhook_id = _record_webhook(session, refund_event(refund, tx), tx.reference, refund.id)
    return refund, tx, webhook_id


def _settle_refund_later(refund_id: int, seconds: float) -> None:
    """Without a tester at hand (development), a refund goes processing → processed by itself."""

    def run() -> None:
        try:
            for step in ("processing", "processed"):
                time.sleep(seconds)
                result = advance_refund(refund_id, step)
                if isinstance(result, JSONResponse):
                    return
                deliver_if_enabled(result[2])
        except Exception:
            logger.exception("Paystack sandbox could not settle refund %s", refund_id)

    threading.Thread(target=run, name=f"paystack-sandbox-refund-{refund_id}", daemon=True).start()


# --- Paystack's API ---------------------------------------------------------------------------------


@router.post("/transaction/initialize")
async def initialize_transaction(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    if problem := _auth_problem(authorization):
        return problem
    body = await _body(request)
    return await _controlled(functools.partial(_initialize, body), _initialize_refusal)


@router.get("/transaction/verify/{reference}")
async def verify_transaction(reference: str, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    if problem := _auth_problem(authorization):
        return problem
    return await _controlled(functools.partial(_verify, reference), _verify_refusal)


@router.post("/refund")
async def create_refund(
    request: Request, background: BackgroundTasks, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    if problem := _auth_problem(authorization):
        return problem
    body = await _body(request)
    controls = await _off_loop(read_controls)
    await _hang(controls)
    if body is None:
        return _invalid_body()
    answer, refund_id, webhook_id = await _off_loop(_create_refund, body, controls)
    if webhook_id is not None:
        background.add_task(_deliver_later, webhook_id)
    if refund_id is not None and controls["refund_auto_seconds"] is not None:
        _settle_refund_later(refund_id, float(controls["refund_auto_seconds"]))
    return answer


def _fetch_refund(refund_id: int) -> JSONResponse:
    with read_only() as session:
        refund = session.get(SandboxPaystackRefund, refund_id)
        tx = (
            session.exec(
                select(SandboxPaystackTransaction).where(
                    SandboxPaystackTransaction.reference == refund.transaction_reference
                )
            ).first()
            if refund
            else None
        )
    if refund is None or tx is None:
        return fail("Refund not found", 404, kind="validation_error", code="not_found")
    return ok("Refund retrieved", refund_fetch_data(refund, tx))


@router.get("/refund/{refund_id}")
async def fetch_refund(refund_id: int, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    if problem := _auth_problem(authorization):
        return problem
    return await _controlled(functools.partial(_fetch_refund, refund_id))


# --- the hosted checkout ----------------------------------------------------------------------------


@router.get("/checkout/{access_code}")
def read_checkout(access_code: str) -> HTMLResponse:
    tx = _find_transaction(access_code=access_code)
    if tx is None:
        return missing_page()
    if tx.status != "abandoned":
        return finished_page(tx, _return_url(tx))
    return checkout_page(tx)


@router.post("/checkout/{access_code}")
def submit_checkout(
    access_code: str,
    background: BackgroundTasks,
    action: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "card",
) -> Response:
    """Pay, fail or abandon, then send the browser back; the webhook goes out after this answer."""
    if action not in OUTCOMES:
        return read_checkout(access_code)
    tx, webhook_id = settle(action, channel, access_code=access_code)
    if tx is None:
        return missing_page()
    if webhook_id is not None:
        background.add_task(_deliver_later, webhook_id)
    target = _return_url(tx)
    if action == "abandon" and tx.status == "abandoned":
        target = _cancel_url(tx) or target
    if target is None:
        return finished_page(tx, None)
    return RedirectResponse(target, status_code=302)


# --- test hooks -------------------------------------------------------------------------------------


@router.get("/_test/controls")
def read_test_controls(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    return _auth_problem(authorization) or ok("Controls", read_controls())


@router.put("/_test/controls")
async def update_test_controls(request: Request, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Change some switches, e.g. `{"hang_seconds": 3}`; the others keep their values."""
    if problem := _auth_problem(authorization):
        return problem
    changes = await _body(request)
    if changes is None:
        return _invalid_body()
    for name, value in changes.items():
        if message := _control_problem(name, value):
            return fail(message)
    await _off_loop(_write_controls, changes)
    return ok("Controls updated", await _off_loop(read_controls))


@router.delete("/_test/controls")
def reset_test_controls(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    if problem := _auth_problem(authorization):
        return problem
    _reset_controls()
    return ok("Controls reset", read_controls())


@router.post("/_test/transactions/{reference}/resend-webhook")
def resend_webhook(reference: str, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Deliver the transaction's latest webhook again, now, whatever `webhook_enabled` says."""
    if problem := _auth_problem(authorization):
        return problem
    with read_only() as session:
        latest = session.exec(
            select(SandboxPaystackWebhook.id)
            .where(col(SandboxPaystackWebhook.transaction_reference) == reference)
            .order_by(col(SandboxPaystackWebhook.id).desc())
        ).first()
    if latest is None:
        return fail("No webhook was sent for this transaction", 404, code="not_found")
    return ok("Webhook sent", deliver_webhook(latest))


async def _hook_options(request: Request) -> dict[str, Any]:
    body = await _body(request)
    return body or {}


@router.post("/_test/transactions/{reference}/{action}")
async def settle_transaction(
    reference: str, action: str, request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Press a checkout button without a browser: `pay`, `fail` or `abandon`.

    Body (optional): `{"channel": "card"|"mobile_money", "wait_for_webhook": false}`, and for `pay`
    `"amount"` (subunits) and/or `"currency"` to charge something other than what was asked. As on
    the page, the `charge.success` webhook goes out after the answer unless `wait_for_webhook` is
    true, in which case the answer carries the delivery's outcome.
    """
    if problem := _auth_problem(authorization):
        return problem
    if action not in OUTCOMES:
        return fail("Action must be pay, fail or abandon", 404, code="not_found")
    options = await _hook_options(request)
    channel = str(options.get("channel") or "card")
    charge = _charge(options)
    if isinstance(charge, JSONResponse):
        return charge
    tx, webhook_id = await _off_loop(functools.partial(settle, action, channel, reference=reference, charge=charge))
    if tx is None:
        return fail("Transaction reference not found", code="transaction_not_found")
    if webhook_id is None and tx.status != OUTCOMES[action]:
        return fail(f"Transaction is already {tx.status}", 409, code="invalid_state")
    return await _answer_with_webhook("Transaction updated", transaction_data(tx), webhook_id, options)


def _charge(options: dict[str, Any]) -> Charge | JSONResponse:
    """The settle hook's `amount` and `currency`, checked like initialize checks them."""
    amount = None if options.get("amount") is None else _amount(options["amount"])
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
        delivery = await _off_loop(deliver_if_enabled, webhook_id)
    elif webhook_id is not None:
        background.add_task(_deliver_later, webhook_id)
    return JSONResponse({"status": True, "message": message, "data": data, "webhook": delivery}, background=background)


@router.post("/_test/refunds/{refund_id}/advance")
async def advance_test_refund(
    refund_id: int, request: Request, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Body `{"status": "processing"|"processed"|"failed", "wait_for_webhook": false}`; emits `refund.<status>`."""
    if problem := _auth_problem(authorization):
        return problem
    options = await _hook_options(request)
    target = options.get("status")
    if target not in REFUND_STEPS:
        return fail("status must be processing, processed or failed")
    result = await _off_loop(advance_refund, refund_id, target)
    if isinstance(result, JSONResponse):
        return result
    refund, tx, webhook_id = result
    return await _answer_with_webhook("Refund updated", refund_data(refund, tx), webhook_id, options)


@router.get("/_test/webhooks")
def list_test_webhooks(
    reference: str | None = None, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    """Every webhook the sandbox recorded (oldest first), optionally for one transaction."""
    if problem := _auth_problem(authorization):
        return problem
    with read_only() as session:
        query = select(SandboxPaystackWebhook).order_by(col(SandboxPaystackWebhook.id))
        if reference is not None:
            query = query.where(col(SandboxPaystackWebhook.transaction_reference) == reference)
        rows = session.exec(query).all()
    return ok("Webhooks", [_webhook_row(row) for row in rows])
