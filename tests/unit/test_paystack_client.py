"""The Paystack client (integrations/paystack.py) against the Paystack sandbox over real loopback HTTP,
plus the parts that need no server: fees, webhook signatures, retries and the choice of account."""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from eventpalour.config import settings
from eventpalour.integrations import paystack
from eventpalour.integrations.paystack import PaystackError
from eventpalour.models.types import new_id
from eventpalour.sandbox import paystack as paystack_sandbox
from tests.paystack_support import serve, set_controls, settle


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """The sandbox alone, served on a free port; `settings.api_url` points at it so the client finds it."""
    app = FastAPI()
    app.include_router(paystack_sandbox.router)
    with serve(app) as base_url:
        patch = pytest.MonkeyPatch()
        patch.setattr(settings, "api_url", base_url)
        patch.setattr(settings, "paystack_webhook_url", base_url + "/nowhere")
        yield base_url
        patch.undo()


@pytest.fixture
def sandbox(sandbox_url: str) -> str:
    return sandbox_url + paystack.SANDBOX_PATH


def initialize(**overrides: object) -> paystack.InitializeResult:
    fields: dict = {
        "email": "buyer@example.test",
        "amount": 150_000,
        "currency": "KES",
        "reference": f"EVT-{new_id(12)}",
        "callback_url": "http://127.0.0.1:9/callback",
        "metadata": {"order_id": "o1"},
    }
    return paystack.initialize_transaction(**{**fields, **overrides})


# --- the account -------------------------------------------------------------------------------------


def test_without_a_secret_key_the_client_uses_the_sandbox_with_test_keys(sandbox: str) -> None:
    current = paystack.account()

    assert settings.paystack_sandbox
    assert current.base_url == sandbox
    assert current.secret_key.startswith("sk_test_") and len(current.secret_key) == 48
    assert paystack.public_key().startswith("pk_test_")
    assert current.public_key != current.secret_key


def test_the_sandbox_keys_are_derived_from_the_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = paystack.sandbox_account().secret_key
    monkeypatch.setattr(settings, "secret_key", "another-secret-key-that-is-long-enough-000")

    assert paystack.sandbox_account().secret_key != before


def test_with_a_secret_key_the_client_uses_the_configured_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "paystack_secret_key", "sk_live_abc")
    monkeypatch.setattr(settings, "paystack_public_key", "pk_live_abc")

    current = paystack.account()

    assert not settings.paystack_sandbox
    assert (current.base_url, current.secret_key, current.public_key) == (
        "https://api.paystack.co",
        "sk_live_abc",
        "pk_live_abc",
    )


# --- initialize and verify ---------------------------------------------------------------------------


def test_initialize_returns_the_hosted_checkout_for_the_reference(sandbox: str) -> None:
    result = initialize(reference="EVT-abc.123=x")

    assert result.reference == "EVT-abc.123=x"
    assert result.authorization_url == f"{sandbox}/checkout/{result.access_code}"
    assert len(result.access_code) >= 10


def test_a_fresh_transaction_verifies_as_abandoned(sandbox: str) -> None:
    result = initialize(amount=250_000, currency="NGN")

    verified = paystack.verify_transaction(result.reference)

    assert (verified.status, verified.amount, verified.currency) == ("abandoned", 250_000, "NGN")
    assert verified.fees is None and verified.paid_at is None
    assert verified.reference == result.reference
    assert verified.raw["metadata"] == {"order_id": "o1"}
    assert verified.raw["customer"]["email"] == "buyer@example.test"


def test_a_paid_transaction_verifies_as_success_with_fees_and_time(sandbox: str) -> None:
    result = initialize(amount=150_000, currency="KES")
    before = datetime.now(UTC)
    settle(result.reference, "pay")

    verified = paystack.verify_transaction(result.reference)

    assert verified.status == "success"
    assert verified.fees == 4_350  # 2.9% of KES 1,500.00
    assert verified.paid_at is not None and verified.paid_at.tzinfo is not None
    assert before.replace(microsecond=0) <= verified.paid_at <= datetime.now(UTC)
    assert verified.raw["authorization"]["authorization_code"].startswith("AUTH_")


def test_a_failed_transaction_verifies_as_failed(sandbox: str) -> None:
    result = initialize()
    settle(result.reference, "fail")

    verified = paystack.verify_transaction(result.reference)

    assert verified.status == "failed"
    assert verified.paid_at is None and verified.fees is None


def test_initialize_refuses_a_reference_twice(sandbox: str) -> None:
    first = initialize()

    with pytest.raises(PaystackError) as caught:
        initialize(reference=first.reference)

    error = caught.value
    assert (error.message, error.status_code, error.code, error.retryable) == (
        "Duplicate Transaction Reference",
        400,
        "duplicate_reference",
        False,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": ""}, "Email is not allowed to be empty"),
        ({"email": "not-an-email"}, "Invalid Email Address Passed"),
        ({"amount": 0}, "You must specify a valid amount"),
        ({"amount": -5}, "You must specify a valid amount"),
        ({"amount": 100.5}, "Amount must be an integer"),
        ({"amount": 10_000_000 * 100 + 1}, "Transaction amount limit exceeded"),
        ({"currency": "EUR"}, "Currency not supported by merchant"),
        ({"currency": "kes"}, "Currency not supported by merchant"),
        ({"reference": "EVT 1"}, "Invalid character in transaction reference"),
        ({"reference": "EVT/1"}, "Invalid character in transaction reference"),
    ],
)
def test_initialize_errors_carry_paystacks_message(sandbox: str, overrides: dict, message: str) -> None:
    with pytest.raises(PaystackError) as caught:
        initialize(**overrides)

    assert caught.value.message == message
    assert caught.value.status_code == 400
    assert not caught.value.retryable


def test_verify_of_an_unknown_reference_fails_with_400(sandbox: str) -> None:
    with pytest.raises(PaystackError) as caught:
        paystack.verify_transaction("EVT-unknown")

    assert (caught.value.message, caught.value.status_code, caught.value.retryable) == (
        "Transaction reference not found",
        400,
        False,
    )


def test_a_wrong_secret_key_is_refused_and_not_retryable(sandbox: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "paystack_secret_key", "sk_test_wrong")
    monkeypatch.setattr(settings, "paystack_base_url", sandbox)

    with pytest.raises(PaystackError) as caught:
        paystack.verify_transaction("EVT-any")

    assert (caught.value.message, caught.value.status_code, caught.value.retryable) == ("Invalid key", 401, False)
    assert "sk_test_wrong" not in str(caught.value)


# --- refunds ---------------------------------------------------------------------------------------


def paid_transaction(amount: int = 150_000, currency: str = "KES") -> str:
    result = initialize(amount=amount, currency=currency)
    settle(result.reference, "pay")
    return result.reference


def test_a_full_refund_is_queued_as_pending(sandbox: str) -> None:
    reference = paid_transaction(150_000)

    refund = paystack.create_refund(reference=reference)

    assert (refund.status, refund.amount) == ("pending", 150_000)
    assert refund.id > 0
    assert refund.raw["transaction"]["reference"] == reference
    assert refund.raw["currency"] == "KES"


def test_partial_refunds_up_to_the_amount_then_fully_reversed(sandbox: str) -> None:
    reference = paid_transaction(150_000)

    first = paystack.create_refund(reference=reference, amount=50_000)
    with pytest.raises(PaystackError) as too_much:
        paystack.create_refund(reference=reference, amount=100_001)
    second = paystack.create_refund(reference=reference, amount=100_000)
    with pytest.raises(PaystackError) as nothing_left:
        paystack.create_refund(reference=reference, amount=1)

    assert (first.amount, second.amount) == (50_000, 100_000)
    assert first.id != second.id
    assert too_much.value.status_code == 400
    assert (nothing_left.value.message, nothing_left.value.status_code, nothing_left.value.code) == (
        "Transaction has been fully reversed",
        400,
        "transaction_reversed",
    )


@pytest.mark.parametrize("action", ["fail", "abandon"])
def test_an_unpaid_transaction_cannot_be_refunded(sandbox: str, action: str) -> None:
    result = initialize()
    settle(result.reference, action)

    with pytest.raises(PaystackError) as caught:
        paystack.create_refund(reference=result.reference)

    assert caught.value.status_code == 400


def test_refunding_an_unknown_transaction_is_not_found(sandbox: str) -> None:
    with pytest.raises(PaystackError) as caught:
        paystack.create_refund(reference="EVT-nobody")

    assert (caught.value.status_code, caught.value.message) == (404, "Transaction not found")


def test_a_zero_refund_amount_is_refused(sandbox: str) -> None:
    reference = paid_transaction()

    with pytest.raises(PaystackError) as caught:
        paystack.create_refund(reference=reference, amount=0)

    assert caught.value.message == "You must specify a valid amount"


# --- outages ---------------------------------------------------------------------------------------


def test_fail_initialize_gives_a_retryable_server_error(sandbox: str) -> None:
    set_controls(fail_initialize=True)

    with pytest.raises(PaystackError) as caught:
        initialize()

    assert caught.value.status_code == 500
    assert caught.value.retryable


@pytest.mark.parametrize("call", ["initialize", "verify", "refund"])
def test_a_hanging_paystack_times_out_quickly_as_retryable(
    sandbox: str, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    reference = paid_transaction()
    set_controls(hang_seconds=1.5)
    monkeypatch.setattr(paystack, "TIMEOUT", httpx.Timeout(0.3))
    calls = {
        "initialize": lambda: initialize(),
        "verify": lambda: paystack.verify_transaction(reference),
        "refund": lambda: paystack.create_refund(reference=reference),
    }

    started = time.monotonic()
    with pytest.raises(PaystackError) as caught:
        calls[call]()
    elapsed = time.monotonic() - started

    assert caught.value.retryable
    assert caught.value.status_code is None
    assert "in time" in caught.value.message
    assert elapsed < 1.2, "a read timeout is not retried: one wait only"


def unused_loopback_url() -> str:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_an_unreachable_paystack_is_retryable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "paystack_secret_key", "sk_test_x")
    monkeypatch.setattr(settings, "paystack_base_url", unused_loopback_url())
    monkeypatch.setattr(paystack, "RETRY_DELAYS", (0.01, 0.01))

    with pytest.raises(PaystackError) as caught:
        paystack.verify_transaction("EVT-1")

    assert caught.value.retryable and caught.value.status_code is None
    assert "Could not reach Paystack" in caught.value.message


# --- retries (a scripted transport counts the attempts) -----------------------------------------------


def scripted(monkeypatch: pytest.MonkeyPatch, answers: list[httpx.Response | Exception]) -> list[httpx.Request]:
    """Make the client's transport answer from `answers` in turn; returns the requests it saw."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(paystack, "_http", httpx.Client(transport=httpx.MockTransport(handle)))
    monkeypatch.setattr(paystack, "RETRY_DELAYS", (0.01, 0.01))
    monkeypatch.setattr(settings, "paystack_secret_key", "sk_test_scripted")
    monkeypatch.setattr(settings, "paystack_base_url", "https://paystack.invalid")
    return seen


VERIFIED = {
    "status": True,
    "message": "Verification successful",
    "data": {
        "status": "success",
        "reference": "EVT-1",
        "amount": 40333,
        "currency": "NGN",
        "fees": 10283,
        "paid_at": "2024-08-22T09:15:02.000Z",
    },
}


def test_verify_is_retried_after_5xx_and_connection_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = scripted(
        monkeypatch,
        [
            httpx.Response(503, json={"status": False, "message": "Down"}),
            httpx.ConnectError("refused"),
            httpx.Response(200, json=VERIFIED),
        ],
    )

    verified = paystack.verify_transaction("EVT-1")

    assert len(seen) == 3
    assert all(request.method == "GET" for request in seen)
    assert seen[0].headers["authorization"] == "Bearer sk_test_scripted"
    assert (verified.status, verified.amount, verified.fees) == ("success", 40333, 10283)
    assert verified.paid_at == datetime(2024, 8, 22, 9, 15, 2, tzinfo=UTC)


def test_verify_gives_up_after_three_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = scripted(monkeypatch, [httpx.Response(502, text="<html>Bad gateway</html>")])

    with pytest.raises(PaystackError) as caught:
        paystack.verify_transaction("EVT-1")

    assert len(seen) == 3
    assert (caught.value.status_code, caught.value.retryable) == (502, True)


def test_a_post_is_never_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = scripted(monkeypatch, [httpx.Response(503, json={"status": False, "message": "Down"})])

    with pytest.raises(PaystackError) as caught:
        paystack.create_refund(reference="EVT-1")

    assert len(seen) == 1
    assert caught.value.retryable and caught.value.message == "Down"


def test_a_4xx_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = scripted(monkeypatch, [httpx.Response(400, json={"status": False, "message": "Nope"})])

    with pytest.raises(PaystackError):
        paystack.verify_transaction("EVT-1")

    assert len(seen) == 1


def test_a_200_with_status_false_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted(monkeypatch, [httpx.Response(200, json={"status": False, "message": "Strange"})])

    with pytest.raises(PaystackError) as caught:
        paystack.verify_transaction("EVT-1")

    assert (caught.value.message, caught.value.status_code) == ("Strange", 200)


def test_the_secret_key_never_reaches_the_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    scripted(monkeypatch, [httpx.ConnectError("refused")])
    caplog.set_level(logging.DEBUG)

    with pytest.raises(PaystackError) as caught:
        paystack.verify_transaction("EVT-1")

    assert "retrying" in caplog.text
    assert "sk_test_scripted" not in caplog.text
    assert "sk_test_scripted" not in str(caught.value)


# --- fees (contract §7) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "channel", "fees"),
    [
        (150_000, "KES", "card", 4_350),  # KES 1,500.00 × 2.9%
        (150_000, "KES", "mobile_money", 2_250),  # M-PESA 1.5%
        (333, "KES", "card", 10),  # 9.657 rounds up
        (249_999, "NGN", "card", 3_750),  # under NGN 2,500: 1.5%, the NGN 100 waived
        (250_000, "NGN", "card", 13_750),  # from NGN 2,500: 1.5% + NGN 100
        (12_666_600, "NGN", "card", 199_999),
        (12_666_700, "NGN", "card", 200_000),  # capped at NGN 2,000
        (100_000_000, "NGN", "card", 200_000),
        (100_000, "GHS", "card", 1_950),  # 1.95%
        (100_000, "ZAR", "card", 3_000),  # 2.9% + R1
        (100_000, "USD", "card", 3_800),  # 3.8%
        (100_000, "USD", "mobile_money", 3_800),  # the channel matters only in KES
    ],
)
def test_estimated_fees_follow_paystack_pricing(amount: int, currency: str, channel: str, fees: int) -> None:
    assert paystack.estimated_fees(amount, currency, channel) == fees


def test_fees_of_an_unknown_currency_are_refused() -> None:
    with pytest.raises(ValueError):
        paystack.estimated_fees(100, "EUR")


@pytest.mark.parametrize(
    ("amount", "currency", "fees"),
    [
        (150_000, "KES", 4_350),
        (250_000, "NGN", 13_750),
        (100_000, "GHS", 1_950),
        (100_000, "ZAR", 3_000),
        (100_000, "USD", 3_800),
    ],
)
def test_verify_reports_the_fees_of_each_currency(sandbox: str, amount: int, currency: str, fees: int) -> None:
    reference = paid_transaction(amount, currency)

    verified = paystack.verify_transaction(reference)

    assert (verified.amount, verified.currency, verified.fees) == (amount, currency, fees)


# --- webhook signatures (contract §5) -----------------------------------------------------------------

BODY = b'{"event":"charge.success","data":{"reference":"EVT-1","amount":150000}}'


def expected_signature(body: bytes, key: str) -> str:
    return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


def test_a_good_signature_is_accepted() -> None:
    signature = expected_signature(BODY, paystack.account().secret_key)

    assert paystack.webhook_signature(BODY) == signature
    assert paystack.verify_webhook_signature(BODY, signature)
    assert paystack.verify_webhook_signature(BODY, signature.upper())


@pytest.mark.parametrize("signature", [None, "", "abc", "0" * 128, "é" * 128])
def test_a_missing_or_bad_signature_is_refused(signature: str | None) -> None:
    assert not paystack.verify_webhook_signature(BODY, signature)


def test_an_altered_body_is_refused() -> None:
    signature = expected_signature(BODY, paystack.account().secret_key)

    assert not paystack.verify_webhook_signature(BODY.replace(b"150000", b"150001"), signature)
    assert not paystack.verify_webhook_signature(BODY + b" ", signature)


def test_a_signature_made_with_another_key_is_refused() -> None:
    assert not paystack.verify_webhook_signature(BODY, expected_signature(BODY, "sk_test_someone_else"))


def test_with_real_keys_the_configured_secret_signs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "paystack_secret_key", "sk_live_real")

    assert paystack.verify_webhook_signature(BODY, expected_signature(BODY, "sk_live_real"))
    assert not paystack.verify_webhook_signature(BODY, expected_signature(BODY, paystack.sandbox_account().secret_key))


def test_the_secret_key_is_not_in_the_accounts_repr() -> None:
    assert paystack.sandbox_account().secret_key not in repr(paystack.sandbox_account())
