"""A transaction's life at the sandbox: initialize (checked as Paystack checks it), verify, and the
checkout's Pay / Fail / Abandon that settle it once.

Initialize and verify are the hot calls (one each per order the app places and fulfils): each is one
prepared Core statement, run by `calls.controlled` on the same thread hop as the controls read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.db import transaction
from eventpalour.integrations.paystack import estimated_fees, sandbox_base_url
from eventpalour.models.types import new_id, utcnow
from eventpalour.sandbox.paystack import store, webhooks
from eventpalour.sandbox.paystack.calls import invalid_body
from eventpalour.sandbox.paystack.controls import Controls
from eventpalour.sandbox.paystack.shapes import (
    GATEWAY_RESPONSES,
    charge_success_event,
    customer_code_for,
    duplicate_reference,
    fail,
    ok,
    transaction_data,
)
from eventpalour.sandbox.paystack.store import Transaction

REFERENCE_CHARACTERS = re.compile(r"^[A-Za-z0-9.=-]+$")
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AMOUNT_LIMIT = 10_000_000 * 100
DEFAULT_CURRENCY = "KES"
OUTCOMES = {"pay": "success", "fail": "failed", "abandon": "abandoned"}


def parse_amount(raw: object) -> int | str:
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


def initialize_refusal(controls: Controls) -> JSONResponse | None:
    """The simulated outage of `fail_initialize`: a 500, and nothing written."""
    if not controls.fail_initialize:
        return None
    return fail(
        "An error occurred while initializing the transaction. Please try again",
        500,
        kind="api_error",
        code="unknown",
    )


def verify_refusal(controls: Controls) -> JSONResponse | None:
    """The simulated outage of `fail_verify`: verify answers a 500 (as Paystack does when it is in trouble)."""
    if not controls.fail_verify:
        return None
    return fail(
        "An error occurred while verifying the transaction. Please try again",
        500,
        kind="api_error",
        code="unknown",
    )


def initialize(body: dict[str, Any] | None) -> JSONResponse:
    """POST /transaction/initialize: check the fields in Paystack's order, then store an open transaction."""
    if body is None:
        return invalid_body()
    if body.get("email") is None:
        return fail("Email Address is required", code="missing_params", next_step="Provide all required params ")
    email = str(body["email"]).strip()
    if not email:
        return fail("Email is not allowed to be empty")
    if not EMAIL_ADDRESS.match(email):
        return fail("Invalid Email Address Passed")
    amount = parse_amount(body.get("amount"))
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
        store.insert_transaction(
            reference=reference,
            access_code=access_code,
            email=email,
            amount=amount,
            currency=currency,
            callback_url=callback_url,
            metadata=_metadata(body.get("metadata")),
        )
    except IntegrityError:
        # `reference` is unique in the table, so a taken one is refused by the INSERT itself.
        return duplicate_reference()
    data = {
        "authorization_url": f"{sandbox_base_url()}/checkout/{access_code}",
        "access_code": access_code,
        "reference": reference,
    }
    return ok("Authorization URL created", data)


def verify(reference: str) -> JSONResponse:
    """GET /transaction/verify/:reference: the transaction as it stands, or Paystack's 400 for an unknown one."""
    tx = store.transaction_by_reference(reference)
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
) -> tuple[Transaction | None, int | None]:
    """Pay, fail or abandon an open transaction (the checkout's three buttons).

    Returns the transaction as it now stands (None when unknown) and the id of the `charge.success`
    webhook to deliver, if this call is the one that made the payment. Settling twice changes nothing.
    A payment may charge another amount or currency (`charge`), as an underpaid bank transfer does.
    """
    target = OUTCOMES[action]
    with transaction() as session:
        tx = store.find_transaction(session, access_code=access_code, reference=reference)
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
        changed = store.settle_open_transaction(session, tx.id, values)
        tx = store.find_transaction(session, transaction_id=tx.id)
        if not changed or tx is None or target != "success":
            return tx, None
        return tx, webhooks.record(session, charge_success_event(tx), tx.reference)


def return_url(tx: Transaction) -> str | None:
    """`callback_url?trxref=R&reference=R`, as Paystack sends the browser back."""
    if not tx.callback_url:
        return None
    separator = "&" if "?" in tx.callback_url else "?"
    return tx.callback_url + separator + urlencode({"trxref": tx.reference, "reference": tx.reference})


def cancel_url(tx: Transaction) -> str | None:
    """`metadata.cancel_action`: where the checkout's cancel button goes."""
    metadata = tx.metadata_json if isinstance(tx.metadata_json, dict) else {}
    target = metadata.get("cancel_action")
    return target if isinstance(target, str) and target.startswith(("http://", "https://")) else None
