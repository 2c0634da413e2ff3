"""The JSON the Paystack sandbox answers and sends, shaped key for key like Paystack's (contract §1–5).

Pure functions of the stored rows, so the API, the hosted checkout and the test hooks agree.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.responses import JSONResponse

from eventpalour.sandbox.paystack.store import Refund, Transaction

INTEGRATION_ID = 412829
COUNTRY_BY_CURRENCY = {"KES": "KE", "NGN": "NG", "GHS": "GH", "ZAR": "ZA", "USD": "KE"}
GATEWAY_RESPONSES = {
    "success": "Successful",
    "failed": "Declined",
    "abandoned": "The transaction was not completed",
    "reversed": "Successful",
}


def ok(message: str, data: object, status_code: int = 200) -> JSONResponse:
    return JSONResponse({"status": True, "message": message, "data": data}, status_code=status_code)


def fail(
    message: str,
    status_code: int = 400,
    *,
    kind: str | None = "validation_error",
    code: str | None = None,
    next_step: str | None = None,
) -> JSONResponse:
    """Paystack's error envelope; `kind=None` gives the bare `{status, message}` form (401s)."""
    body: dict[str, object] = {"status": False, "message": message}
    if kind is not None:
        body["meta"] = {"nextStep": next_step or "Check the request and try again"}
        body["type"] = kind
        body["code"] = code or "invalid_params"
    return JSONResponse(body, status_code=status_code)


def duplicate_reference() -> JSONResponse:
    """Initialize's 400 for a reference already used, with the extra keys Paystack sends (contract §2)."""
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


def iso(moment: datetime | None) -> str | None:
    """Paystack's timestamp style: `2024-08-22T09:15:02.000Z`."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _digits(text: str, length: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**length


def customer_code_for(email: str) -> str:
    return "CUS_" + hashlib.sha256(email.lower().encode()).hexdigest()[:15]


def _customer(tx: Transaction) -> dict[str, Any]:
    return {
        "id": _digits(tx.email.lower(), 9),
        "first_name": None,
        "last_name": None,
        "email": tx.email,
        "customer_code": tx.customer_code or customer_code_for(tx.email),
        "phone": None,
        "metadata": None,
        "risk_action": "default",
        "international_format_phone": None,
    }


def _authorization(tx: Transaction) -> dict[str, Any]:
    """What the sandbox's test card or M-PESA wallet looks like once used; `{}` before any attempt."""
    if tx.status == "abandoned" or not tx.authorization_code:
        return {}
    country = COUNTRY_BY_CURRENCY.get(tx.currency, "KE")
    if tx.channel == "mobile_money":
        return {
            "authorization_code": tx.authorization_code,
            "bin": "254708",
            "last4": "X073",
            "exp_month": "12",
            "exp_year": "9999",
            "channel": "mobile_money",
            "card_type": "",
            "bank": "M-PESA",
            "country_code": country,
            "brand": "M-PESA",
            "reusable": False,
            "signature": None,
            "account_name": None,
        }
    return {
        "authorization_code": tx.authorization_code,
        "bin": "408408",
        "last4": "4081",
        "exp_month": "12",
        "exp_year": "2030",
        "channel": "card",
        "card_type": "visa ",
        "bank": "TEST BANK",
        "country_code": country,
        "brand": "visa",
        "reusable": tx.status != "failed",
        "signature": "SIG_" + hashlib.sha256(tx.authorization_code.encode()).hexdigest()[:20],
        "account_name": None,
    }


def _log(tx: Transaction) -> dict[str, Any] | None:
    if tx.status not in ("success", "failed", "reversed"):
        return None
    succeeded = tx.status != "failed"
    channel = "M-PESA" if tx.channel == "mobile_money" else "card"
    last = (
        {"type": "success", "message": f"Successfully paid with {channel}", "time": 4}
        if succeeded
        else {"type": "error", "message": "Declined", "time": 4}
    )
    return {
        "start_time": int(tx.created_at.timestamp()),
        "time_spent": 4,
        "attempts": 1,
        "errors": 0 if succeeded else 1,
        "success": succeeded,
        "mobile": False,
        "input": [],
        "history": [{"type": "action", "message": f"Attempted to pay with {channel}", "time": 3}, last],
    }


def _metadata(tx: Transaction) -> object:
    """The metadata as sent; `""` when none was (Paystack's own quirk)."""
    return "" if tx.metadata_json in (None, {}) else tx.metadata_json


def transaction_data(tx: Transaction) -> dict[str, Any]:
    """`data` of GET /transaction/verify/:reference (contract §3)."""
    created = iso(tx.created_at)
    paid = iso(tx.paid_at)
    return {
        "id": tx.id,
        "domain": "test",
        "status": tx.status,
        "reference": tx.reference,
        "receipt_number": None,
        "amount": tx.amount,
        "message": None,
        "gateway_response": tx.gateway_response or GATEWAY_RESPONSES.get(tx.status, ""),
        "paid_at": paid,
        "created_at": created,
        "channel": tx.channel or "card",
        "currency": tx.currency,
        "ip_address": "127.0.0.1",
        "metadata": _metadata(tx),
        "log": _log(tx),
        "fees": tx.fees,
        "fees_split": None,
        "authorization": _authorization(tx),
        "customer": _customer(tx),
        "plan": None,
        "split": {},
        "order_id": None,
        "paidAt": paid,
        "createdAt": created,
        "requested_amount": tx.amount if tx.requested_amount is None else tx.requested_amount,
        "pos_transaction_data": None,
        "source": None,
        "fees_breakdown": None,
        "connect": None,
        "transaction_date": created,
        "plan_object": {},
        "subaccount": {},
    }


def charge_success_event(tx: Transaction) -> dict[str, Any]:
    """The `charge.success` webhook (contract §5): the verify data less a few keys, plus `source`."""
    data = transaction_data(tx)
    for key in ("receipt_number", "createdAt", "connect", "transaction_date", "plan_object"):
        data.pop(key)
    data["plan"] = {}
    data["source"] = {"type": "api", "source": "merchant_api", "entry_point": "transaction", "identifier": None}
    return {"event": "charge.success", "data": data}


def refund_data(refund: Refund, tx: Transaction) -> dict[str, Any]:
    """`data` of POST /refund (contract §4)."""
    created = iso(refund.created_at)
    note = f"Refund for transaction {tx.reference}"
    return {
        "transaction": {
            "id": tx.id,
            "domain": "test",
            "reference": tx.reference,
            "amount": tx.amount,
            "paid_at": iso(tx.paid_at),
            "channel": tx.channel or "card",
            "currency": tx.currency,
            "authorization": {"exp_month": None, "exp_year": None, "account_name": None},
            "customer": {"international_format_phone": None},
            "plan": {},
            "subaccount": {"currency": None},
            "split": {},
            "order_id": None,
            "paidAt": iso(tx.paid_at),
            "pos_transaction_data": None,
            "source": None,
            "fees_breakdown": None,
        },
        "integration": INTEGRATION_ID,
        "deducted_amount": 0,
        "channel": None,
        "merchant_note": refund.merchant_note or f"{note} by sandbox@eventpalour.test",
        "customer_note": refund.customer_note or note,
        "status": refund.status,
        "refunded_by": "sandbox@eventpalour.test",
        "expected_at": iso(refund.created_at + timedelta(days=9)),
        "currency": refund.currency,
        "domain": "test",
        "amount": refund.amount,
        "fully_deducted": False,
        "id": refund.id,
        "createdAt": created,
        "updatedAt": iso(refund.updated_at),
    }


def refund_fetch_data(refund: Refund, tx: Transaction) -> dict[str, Any]:
    """`data` of GET /refund/:id (contract §4): a flat `transaction` id and the fetch-only fields."""
    data = refund_data(refund, tx)
    data["transaction"] = tx.id
    data.update(
        {
            "refunded_at": iso(refund.updated_at) if refund.status == "processed" else None,
            "transaction_reference": tx.reference,
            "refund_type": "full" if refund.amount == tx.amount else "partial",
            "transaction_amount": tx.amount,
            "initiated_by": "api",
            "refund_channel": tx.channel or "card",
            "reason": refund.merchant_note,
            "bank_reference": None,
            "session_id": None,
            "collect_account_number": False,
            "customer": {"email": tx.email},
        }
    )
    return data


def refund_event(refund: Refund, tx: Transaction) -> dict[str, Any]:
    """A `refund.*` webhook: Paystack's small summary, quirks kept (contract §4).

    `amount` is a string except in `refund.failed`; `refund_reference` is null until processed.
    """
    settled = refund.status in ("processed", "failed")
    return {
        "event": f"refund.{refund.status}",
        "data": {
            "status": refund.status,
            "transaction_reference": tx.reference,
            "refund_reference": f"{_digits(f'refund-{refund.id}-{tx.reference}', 12):012d}" if settled else None,
            "amount": refund.amount if refund.status == "failed" else str(refund.amount),
            "currency": refund.currency,
            "processor": "sandbox",
            "customer": {"first_name": None, "last_name": None, "email": tx.email},
            "integration": INTEGRATION_ID,
            "domain": "test",
        },
    }


def encode(event: dict[str, Any]) -> str:
    """Compact JSON, as Paystack sends it; these exact bytes are signed."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)
