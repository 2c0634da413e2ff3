"""Paystack over HTTP: initialize, verify, refund, and webhook signatures (contract §1–5, §7).

A thin blocking httpx client, so services and the outbox worker call it like any other function.
The same code talks to Paystack (PAYSTACK_SECRET_KEY set) or to the built-in sandbox, which is
reached over HTTP exactly like Paystack. Only verify (an idempotent GET) is retried; a POST is
tried once. Two rules for callers, because in development the sandbox is served by this very
process:
- never call it inside `transaction()`: a call can take seconds, and on SQLite the sandbox needs
  the write lock that transaction holds;
- from async code (Reflex handlers, async routes) go through `asyncio.to_thread`/`run_in_threadpool`:
  a blocking call on the event loop would wait for the sandbox that loop is meant to serve.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

import httpx

from eventpalour.config import settings
from eventpalour.integrations.tls import outbound_tls

SANDBOX_PATH = "/api/sandbox/paystack"
WEBHOOK_PATH = "/api/payments/webhook/paystack"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
RETRY_DELAYS = (0.2, 0.6)
"""Pauses before the 2nd and 3rd attempt of a GET that met a connection error or a 5xx."""

logger = logging.getLogger("eventpalour.paystack")


class PaystackError(Exception):
    """Paystack refused the call or could not be reached.

    `status_code` is the HTTP status (None when no answer came back); `retryable` says whether the
    same call may succeed later (timeouts, connection errors, 5xx, 429); `code` is Paystack's
    machine-readable error code when it sent one (e.g. `duplicate_reference`).
    """

    def __init__(self, message: str, status_code: int | None = None, retryable: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.retryable = retryable
        self.code = code


@dataclass(frozen=True)
class PaystackAccount:
    base_url: str
    secret_key: str = field(repr=False)
    public_key: str = ""


@dataclass(frozen=True)
class InitializeResult:
    authorization_url: str
    access_code: str
    reference: str


@dataclass(frozen=True)
class VerifyResult:
    """`status` is the transaction's (`success`, `failed`, `abandoned`, `reversed`, …); money in subunits."""

    status: str
    amount: int
    currency: str
    fees: int | None
    paid_at: datetime | None
    reference: str
    raw: dict[str, Any]


@dataclass(frozen=True)
class RefundResult:
    """A refund as Paystack accepted it; `status` starts `pending` and later arrives by webhook."""

    id: int
    status: str
    amount: int
    raw: dict[str, Any]


def sandbox_base_url() -> str:
    return settings.api_url + SANDBOX_PATH


def webhook_target_url() -> str:
    """Where the sandbox delivers webhooks (real Paystack uses the URL set on its dashboard)."""
    return settings.paystack_webhook_url or settings.api_url + WEBHOOK_PATH


def _sandbox_key(kind: str) -> str:
    digest = hmac.new(settings.secret_key.encode(), f"paystack-sandbox-{kind}".encode(), hashlib.sha256)
    return f"{kind}_test_{digest.hexdigest()[:40]}"


def sandbox_account() -> PaystackAccount:
    """The sandbox's own test keys, derived from SECRET_KEY so every worker agrees on them."""
    return PaystackAccount(sandbox_base_url(), _sandbox_key("sk"), _sandbox_key("pk"))


def account() -> PaystackAccount:
    """The account to use now: the configured keys, or the sandbox's."""
    if not settings.paystack_sandbox:
        return PaystackAccount(settings.paystack_base_url, settings.paystack_secret_key, settings.paystack_public_key)
    return sandbox_account()


def public_key() -> str:
    """The key the browser may see (Paystack Popup); never the secret one."""
    return account().public_key


# --- fees (contract §7) ---------------------------------------------------------------------------


def estimated_fees(amount: int, currency: str, channel: str = "card") -> int:
    """Paystack's local fee for a charge of `amount` subunits, as it reports it in `data.fees`.

    NGN: 1.5% + NGN 100 (the NGN 100 waived under NGN 2,500), capped at NGN 2,000. KES: 2.9% for
    cards, 1.5% for M-PESA (`mobile_money`). GHS 1.95%. ZAR 2.9% + R1. USD 3.8% (Kenyan merchant).
    Rounded half up to the subunit.
    """
    value = Decimal(amount)
    if currency == "NGN":
        fee = value * Decimal("0.015") + (10_000 if amount >= 250_000 else 0)
        fee = min(fee, Decimal(200_000))
    elif currency == "KES":
        fee = value * (Decimal("0.015") if channel == "mobile_money" else Decimal("0.029"))
    elif currency == "GHS":
        fee = value * Decimal("0.0195")
    elif currency == "ZAR":
        fee = value * Decimal("0.029") + 100
    elif currency == "USD":
        fee = value * Decimal("0.038")
    else:
        raise ValueError(f"No Paystack pricing known for {currency}.")
    return int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- webhook signatures (contract §5) -------------------------------------------------------------


def webhook_signature(raw_body: bytes, secret_key: str | None = None) -> str:
    """Lowercase hex HMAC-SHA512 of the exact request bytes, keyed with the secret key."""
    key = secret_key if secret_key is not None else account().secret_key
    return hmac.new(key.encode(), raw_body, hashlib.sha512).hexdigest()


def verify_webhook_signature(raw_body: bytes, signature: str | None) -> bool:
    """Whether `x-paystack-signature` matches the raw body, compared in constant time."""
    if not signature:
        return False
    expected = webhook_signature(raw_body).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


# --- HTTP -----------------------------------------------------------------------------------------

_http: httpx.Client | None = None
_http_lock = threading.Lock()


def _client() -> httpx.Client:
    """One pooled client per process (thread-safe); timeouts are passed per request."""
    global _http
    if _http is None:
        with _http_lock:
            if _http is None:
                _http = httpx.Client(
                    headers={"Accept": "application/json", "User-Agent": "EventPalour"}, verify=outbound_tls()
                )
    return _http


def _error_from(response: httpx.Response) -> PaystackError:
    try:
        body = response.json()
    except ValueError:
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    status = response.status_code
    return PaystackError(
        str(message or f"Paystack answered HTTP {status}."),
        status,
        retryable=status >= 500 or status == 429,
        code=str(code or ""),
    )


def _send(method: str, path: str, payload: dict[str, Any] | None) -> httpx.Response:
    """One attempt; transport problems become a retryable PaystackError (no key in any message)."""
    current = account()
    try:
        return _client().request(
            method,
            current.base_url + path,
            json=payload,
            headers={"Authorization": f"Bearer {current.secret_key}"},
            timeout=TIMEOUT,
        )
    except httpx.TimeoutException as exc:
        raise PaystackError(f"Paystack did not answer in time ({type(exc).__name__}).", retryable=True) from exc
    except httpx.TransportError as exc:
        raise PaystackError(f"Could not reach Paystack ({type(exc).__name__}).", retryable=True) from exc


def _worth_retrying(exc: PaystackError) -> bool:
    """A 5xx or a connection problem; a slow answer is not worth waiting for a second time."""
    if exc.status_code is not None:
        return exc.status_code >= 500
    return not isinstance(exc.__cause__, httpx.ReadTimeout | httpx.WriteTimeout)


def _send_with_retries(method: str, path: str, payload: dict[str, Any] | None) -> httpx.Response:
    delays = RETRY_DELAYS if method == "GET" else ()
    attempt = 0
    while True:
        try:
            response = _send(method, path, payload)
            if response.status_code < 500:
                return response
            raise _error_from(response)
        except PaystackError as exc:
            if attempt >= len(delays) or not _worth_retrying(exc):
                raise
            logger.warning("Paystack %s %s failed (%s); retrying", method, path, exc.message)
            time.sleep(delays[attempt])
            attempt += 1


def _call(method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send a call and return its `data`, or raise PaystackError."""
    response = _send_with_retries(method, path, payload)
    if not response.is_success:
        raise _error_from(response)
    try:
        body = response.json()
    except ValueError as exc:
        raise PaystackError("Paystack answered with something that is not JSON.", response.status_code) from exc
    if not isinstance(body, dict) or body.get("status") is not True or not isinstance(body.get("data"), dict):
        message = body.get("message") if isinstance(body, dict) else None
        raise PaystackError(str(message or "Paystack refused the request."), response.status_code)
    return body["data"]


def _timestamp(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --- the three calls ------------------------------------------------------------------------------


def initialize_transaction(
    *,
    email: str,
    amount: int,
    currency: str,
    reference: str,
    callback_url: str,
    metadata: dict[str, Any] | None = None,
) -> InitializeResult:
    """Start a transaction of `amount` subunits; send the buyer to `authorization_url` (single use)."""
    payload = {
        "email": email,
        "amount": amount,
        "currency": currency,
        "reference": reference,
        "callback_url": callback_url,
        "metadata": metadata or {},
    }
    data = _call("POST", "/transaction/initialize", payload)
    return InitializeResult(
        authorization_url=str(data["authorization_url"]),
        access_code=str(data["access_code"]),
        reference=str(data.get("reference") or reference),
    )


def verify_transaction(reference: str) -> VerifyResult:
    """The transaction's current state. Fulfil only on `success` with the expected amount and currency."""
    data = _call("GET", f"/transaction/verify/{quote(reference, safe='')}")
    fees = data.get("fees")
    return VerifyResult(
        status=str(data.get("status") or ""),
        amount=int(data.get("amount") or 0),
        currency=str(data.get("currency") or ""),
        fees=int(fees) if fees is not None else None,
        paid_at=_timestamp(data.get("paid_at") or data.get("paidAt")),
        reference=str(data.get("reference") or reference),
        raw=data,
    )


def create_refund(*, reference: str, amount: int | None = None, note: str = "") -> RefundResult:
    """Refund `amount` subunits of a paid transaction (all of what is left when None)."""
    payload: dict[str, Any] = {"transaction": reference}
    if amount is not None:
        payload["amount"] = amount
    if note:
        payload["merchant_note"] = note[:500]
    data = _call("POST", "/refund", payload)
    return RefundResult(
        id=int(data["id"]),
        status=str(data.get("status") or "pending"),
        amount=int(data.get("amount") or 0),
        raw=data,
    )


def fetch_refund(refund_id: int) -> RefundResult:
    """The refund as Paystack has it now (GET /refund/:id), to confirm what a webhook claims."""
    data = _call("GET", f"/refund/{int(refund_id)}")
    return RefundResult(
        id=int(data["id"]),
        status=str(data.get("status") or "pending"),
        amount=int(data.get("amount") or 0),
        raw=data,
    )
