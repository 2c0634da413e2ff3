"""The Paystack sandbox as mounted by create_api(), spoken to over real HTTP exactly as Paystack would be:
envelopes, errors, the hosted checkout's Pay/Fail/Abandon, signed webhooks, refunds and the test hooks.

Webhooks go to a small receiver on its own port (`settings.paystack_webhook_url`), standing in for the
app's webhook route.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from eventpalour.api import create_api
from eventpalour.config import settings
from eventpalour.integrations import paystack
from eventpalour.integrations.paystack import SANDBOX_PATH
from eventpalour.integrations.tls import outbound_tls
from eventpalour.models.types import new_id
from eventpalour.sandbox.paystack import calls
from tests.api.support import read_forms
from tests.paystack_support import (
    WebhookReceiver,
    advance_refund,
    recorded_webhooks,
    sandbox_call,
    sandbox_headers,
    serve,
    set_controls,
    settle,
)

CALLBACK = "http://127.0.0.1:9/payments/callback"

# Contract §3 (verify `data`) and §5 (`charge.success` `data`): the keys Paystack sends.
VERIFY_KEYS = {
    "id", "domain", "status", "reference", "receipt_number", "amount", "message", "gateway_response",
    "paid_at", "created_at", "channel", "currency", "ip_address", "metadata", "log", "fees", "fees_split",
    "authorization", "customer", "plan", "split", "order_id", "paidAt", "createdAt", "requested_amount",
    "pos_transaction_data", "source", "fees_breakdown", "connect", "transaction_date", "plan_object",
    "subaccount",
}  # fmt: skip
CHARGE_SUCCESS_KEYS = {
    "id", "domain", "status", "reference", "amount", "message", "gateway_response", "paid_at",
    "created_at", "channel", "currency", "ip_address", "metadata", "fees_breakdown", "log", "fees",
    "fees_split", "authorization", "customer", "plan", "subaccount", "split", "order_id", "paidAt",
    "requested_amount", "pos_transaction_data", "source",
}  # fmt: skip
AUTHORIZATION_KEYS = {
    "authorization_code", "bin", "last4", "exp_month", "exp_year", "channel", "card_type", "bank",
    "country_code", "brand", "reusable", "signature", "account_name",
}  # fmt: skip
CUSTOMER_KEYS = {
    "id", "first_name", "last_name", "email", "customer_code", "phone", "metadata", "risk_action",
    "international_format_phone",
}  # fmt: skip
REFUND_KEYS = {
    "transaction", "integration", "deducted_amount", "channel", "merchant_note", "customer_note", "status",
    "refunded_by", "expected_at", "currency", "domain", "amount", "fully_deducted", "id", "createdAt", "updatedAt",
}  # fmt: skip
REFUND_EVENT_KEYS = {
    "status", "transaction_reference", "refund_reference", "amount", "currency", "processor", "customer",
    "integration", "domain",
}  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    hooks = WebhookReceiver()
    with serve(hooks.app()) as base_url:
        hooks.url = base_url + "/hook"
        yield hooks


@pytest.fixture
def hooks(receiver: WebhookReceiver, api_url: str, monkeypatch: pytest.MonkeyPatch) -> WebhookReceiver:
    """The receiver, emptied, with the sandbox's webhooks pointed at it."""
    receiver.reset()
    monkeypatch.setattr(settings, "paystack_webhook_url", receiver.url)
    return receiver


@pytest.fixture
def sandbox(api_url: str) -> str:
    return api_url + SANDBOX_PATH


def initialize(sandbox: str, **fields: object) -> dict:
    body = {
        "email": "buyer@example.test",
        "amount": 150_000,
        "currency": "KES",
        "reference": f"EVT-{new_id(12)}",
        "callback_url": CALLBACK,
        **fields,
    }
    response = httpx.post(
        f"{sandbox}/transaction/initialize", json=body, headers=sandbox_headers(), verify=outbound_tls()
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def verify(sandbox: str, reference: str) -> httpx.Response:
    return httpx.get(f"{sandbox}/transaction/verify/{reference}", headers=sandbox_headers(), verify=outbound_tls())


def expected_signature(body: bytes) -> str:
    key = paystack.sandbox_account().secret_key
    return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def press(http: httpx.Client, authorization_url: str, action: str, **fields: str) -> httpx.Response:
    """Open the hosted checkout and press one of its buttons, as a browser would."""
    page = http.get(authorization_url)
    assert page.status_code == 200, page.text
    return http.post(authorization_url, data={"action": action, **fields})


# --- authentication ------------------------------------------------------------------------------------

ENDPOINTS = [
    ("POST", "/transaction/initialize"),
    ("GET", "/transaction/verify/EVT-1"),
    ("POST", "/refund"),
    ("GET", "/_test/controls"),
    ("PUT", "/_test/controls"),
    ("POST", "/_test/transactions/EVT-1/pay"),
    ("POST", "/_test/refunds/1/advance"),
    ("GET", "/_test/webhooks"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "No Authorization Header was found"),
        ("Bearer sk_test_wrong", "Invalid key"),
        ("Basic c2s6", "Format is Authorization Bearer [secret key]"),
        ("Bearer", "Format is Authorization Bearer [secret key]"),
    ],
)
def test_every_call_needs_the_secret_key(
    sandbox: str, method: str, path: str, authorization: str | None, message: str
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = httpx.request(method, sandbox + path, headers=headers, json={}, verify=outbound_tls())

    assert response.status_code == 401
    assert response.json() == {"status": False, "message": message}


# --- initialize -----------------------------------------------------------------------------------------


def test_initialize_answers_paystacks_envelope(sandbox: str) -> None:
    response = httpx.post(
        f"{sandbox}/transaction/initialize",
        json={"email": "buyer@example.test", "amount": 150_000, "currency": "KES", "reference": "EVT-env-1"},
        headers=sandbox_headers(),
        verify=outbound_tls(),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] is True and body["message"] == "Authorization URL created"
    assert set(body["data"]) == {"authorization_url", "access_code", "reference"}
    assert body["data"]["reference"] == "EVT-env-1"
    assert body["data"]["authorization_url"] == f"{sandbox}/checkout/{body['data']['access_code']}"


def test_initialize_makes_up_a_reference_when_none_is_sent(sandbox: str) -> None:
    data = initialize(sandbox, reference=None)

    assert re.fullmatch(r"[a-z0-9]{10}", data["reference"])


def test_initialize_takes_a_form_body_and_a_string_amount(sandbox: str) -> None:
    response = httpx.post(
        f"{sandbox}/transaction/initialize",
        data={"email": "buyer@example.test", "amount": "20000", "currency": "NGN", "metadata": '{"order_id": "o9"}'},
        headers=sandbox_headers(),
        verify=outbound_tls(),
    )

    assert response.status_code == 200, response.text
    verified = verify(sandbox, response.json()["data"]["reference"]).json()["data"]
    assert (verified["amount"], verified["currency"], verified["metadata"]) == (20000, "NGN", {"order_id": "o9"})


def test_initialize_defaults_to_the_merchants_currency(sandbox: str) -> None:
    data = initialize(sandbox, currency=None)

    assert verify(sandbox, data["reference"]).json()["data"]["currency"] == "KES"


def test_a_duplicate_reference_gets_paystacks_exact_error(sandbox: str) -> None:
    data = initialize(sandbox)

    response = httpx.post(
        f"{sandbox}/transaction/initialize",
        json={"email": "b@example.test", "amount": 100, "reference": data["reference"]},
        headers=sandbox_headers(),
        verify=outbound_tls(),
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": False,
        "message": "Duplicate Transaction Reference",
        "meta": {"nextStep": "Try and create the Transaction or Charge with a new reference"},
        "type": "validation_error",
        "code": "duplicate_reference",
        "errorCodeMappingNotFound": False,
    }


def test_of_simultaneous_initializes_with_one_reference_exactly_one_is_stored(sandbox: str) -> None:
    """No look-up before the INSERT: the unique reference itself refuses every one but the first."""
    reference = f"EVT-{new_id(12)}"

    def attempt(index: int) -> httpx.Response:
        body = {"email": f"buyer{index}@example.test", "amount": 100 + index, "reference": reference}
        return httpx.post(
            f"{sandbox}/transaction/initialize", json=body, headers=sandbox_headers(), timeout=10, verify=outbound_tls()
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(attempt, range(6)))

    winners = [index for index, answer in enumerate(answers) if answer.status_code == 200]
    assert len(winners) == 1, [answer.text for answer in answers]
    losers = [answer for answer in answers if answer.status_code != 200]
    assert {(answer.status_code, answer.json()["code"]) for answer in losers} == {(400, "duplicate_reference")}
    stored = verify(sandbox, reference).json()["data"]
    assert (stored["customer"]["email"], stored["amount"]) == (f"buyer{winners[0]}@example.test", 100 + winners[0])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"amount": 100}, "Email Address is required"),
        ({"email": "  ", "amount": 100}, "Email is not allowed to be empty"),
        ({"email": "a@b", "amount": 100}, "Invalid Email Address Passed"),
        ({"email": "a@b.test"}, "You must specify a valid amount"),
        ({"email": "a@b.test", "amount": "12.5"}, "Amount must be an integer"),
        ({"email": "a@b.test", "amount": True}, "Amount must be an integer"),
        ({"email": "a@b.test", "amount": 100, "currency": "XOF"}, "Currency not supported by merchant"),
        ({"email": "a@b.test", "amount": 100, "reference": "EVT_1"}, "Invalid character in transaction reference"),
    ],
)
def test_initialize_validation_errors(sandbox: str, body: dict, message: str) -> None:
    response = httpx.post(
        f"{sandbox}/transaction/initialize", json=body, headers=sandbox_headers(), verify=outbound_tls()
    )

    assert response.status_code == 400
    answer = response.json()
    assert answer["status"] is False and answer["message"] == message
    assert answer["type"] == "validation_error" and answer["meta"]["nextStep"]


def test_a_body_that_is_not_json_is_refused(sandbox: str) -> None:
    response = httpx.post(
        f"{sandbox}/transaction/initialize",
        content=b"{not json",
        headers={**sandbox_headers(), "Content-Type": "application/json"},
        verify=outbound_tls(),
    )

    assert response.status_code == 400
    assert response.json()["status"] is False


# --- verify ---------------------------------------------------------------------------------------------


def test_verify_answers_the_documented_shape(sandbox: str) -> None:
    data = initialize(sandbox, metadata={"order_id": "o1", "cancel_action": "http://127.0.0.1:9/x"})

    response = verify(sandbox, data["reference"])

    assert response.status_code == 200
    body = response.json()
    assert body["status"] is True and body["message"] == "Verification successful"
    verified = body["data"]
    assert set(verified) == VERIFY_KEYS
    assert (verified["status"], verified["amount"], verified["requested_amount"]) == ("abandoned", 150_000, 150_000)
    assert verified["domain"] == "test" and verified["paid_at"] is None and verified["authorization"] == {}
    assert TIMESTAMP.match(verified["created_at"]) and verified["createdAt"] == verified["created_at"]
    assert verified["metadata"] == {"order_id": "o1", "cancel_action": "http://127.0.0.1:9/x"}
    assert set(verified["customer"]) == CUSTOMER_KEYS
    assert verified["customer"]["email"] == "buyer@example.test"


def test_verify_shows_empty_metadata_as_an_empty_string(sandbox: str) -> None:
    data = initialize(sandbox)

    assert verify(sandbox, data["reference"]).json()["data"]["metadata"] == ""


def test_verify_of_an_unknown_reference_is_a_400_with_the_rich_envelope(sandbox: str) -> None:
    response = verify(sandbox, "EVT-never")

    assert response.status_code == 400
    body = response.json()
    assert body["status"] is False and body["message"] == "Transaction reference not found"
    assert body["type"] == "validation_error" and body["code"] == "transaction_not_found"


# --- the hosted checkout --------------------------------------------------------------------------------


def test_the_checkout_page_shows_the_amount_and_three_labelled_buttons(http: httpx.Client, sandbox: str) -> None:
    data = initialize(sandbox, amount=150_050, currency="KES")

    page = http.get(data["authorization_url"])

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert "KES 1,500.50" in html and "buyer@example.test" in html
    for label in ("Pay", "Fail", "Abandon"):
        assert re.search(rf'<button[^>]*name="action"[^>]*value="{label.lower()}"[^>]*>{label}</button>', html)
    assert "<legend>Pay with</legend>" in html and "M-PESA</label>" in html
    [form] = read_forms(html)
    assert form["method"] == "post"


def test_the_checkout_page_offers_m_pesa_only_in_kes(http: httpx.Client, sandbox: str) -> None:
    data = initialize(sandbox, amount=500_000, currency="NGN")

    html = http.get(data["authorization_url"]).text

    assert "NGN 5,000.00" in html
    assert "M-PESA" not in html


def test_an_unknown_checkout_link_is_not_found(http: httpx.Client, sandbox: str) -> None:
    page = http.get(f"{sandbox}/checkout/nosuchcode")

    assert page.status_code == 404
    assert "invalid or has expired" in page.text


def test_pay_redirects_to_the_callback_and_sends_a_signed_charge_success(
    http: httpx.Client, sandbox: str, hooks: WebhookReceiver
) -> None:
    data = initialize(sandbox, amount=250_000, currency="NGN", metadata={"order_id": "o1"})
    reference = data["reference"]

    answer = press(http, data["authorization_url"], "pay")

    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "?")
    assert query_of(location) == {"trxref": [reference], "reference": [reference]}

    hook = hooks.wait_for(reference, "charge.success")
    assert hook.headers["content-type"] == "application/json"
    assert hook.headers["x-paystack-signature"] == expected_signature(hook.body)
    assert paystack.verify_webhook_signature(hook.body, hook.headers["x-paystack-signature"])
    event = hook.json()
    assert set(event) == {"event", "data"}
    charge = event["data"]
    assert set(charge) == CHARGE_SUCCESS_KEYS
    assert (charge["status"], charge["reference"], charge["amount"], charge["currency"]) == (
        "success",
        reference,
        250_000,
        "NGN",
    )
    assert charge["fees"] == 13_750
    assert charge["metadata"] == {"order_id": "o1"}
    assert TIMESTAMP.match(charge["paid_at"]) and charge["paidAt"] == charge["paid_at"]
    assert set(charge["authorization"]) == AUTHORIZATION_KEYS
    assert charge["authorization"]["country_code"] == "NG"
    assert charge["customer"]["customer_code"].startswith("CUS_")

    verified = verify(sandbox, reference).json()["data"]
    assert (verified["status"], verified["fees"], verified["paid_at"]) == ("success", 13_750, charge["paid_at"])
    assert verified["gateway_response"] == "Successful"
    assert verified["log"]["success"] is True


def test_the_webhook_goes_out_after_the_browser_is_redirected(
    http: httpx.Client, sandbox: str, hooks: WebhookReceiver
) -> None:
    hooks.delay_seconds = 3  # well above the redirect's own time on a loaded machine
    data = initialize(sandbox)

    http.get(data["authorization_url"])
    started = time.monotonic()
    answer = http.post(data["authorization_url"], data={"action": "pay"})
    elapsed = time.monotonic() - started

    assert answer.status_code == 302
    assert elapsed < 2.0, "the redirect did not wait for the app's slow webhook route"
    hooks.wait_for(data["reference"], "charge.success")


def test_paying_twice_sends_one_webhook_and_the_link_is_spent(
    http: httpx.Client, sandbox: str, hooks: WebhookReceiver
) -> None:
    data = initialize(sandbox)
    press(http, data["authorization_url"], "pay")
    hooks.wait_for(data["reference"], "charge.success")

    again = http.post(data["authorization_url"], data={"action": "pay"})
    page = http.get(data["authorization_url"])
    time.sleep(0.2)

    assert again.status_code == 302 and again.headers["location"].startswith(CALLBACK)
    assert "This payment was successful." in page.text
    assert "Return to the shop" in page.text
    assert len(hooks.for_reference(data["reference"])) == 1


def test_m_pesa_payments_have_their_own_fee(http: httpx.Client, sandbox: str, hooks: WebhookReceiver) -> None:
    data = initialize(sandbox, amount=150_000, currency="KES")

    press(http, data["authorization_url"], "pay", channel="mobile_money")

    verified = verify(sandbox, data["reference"]).json()["data"]
    assert (verified["channel"], verified["fees"]) == ("mobile_money", 2_250)
    assert verified["authorization"]["brand"] == "M-PESA"


def test_fail_redirects_to_the_callback_without_a_webhook(
    http: httpx.Client, sandbox: str, hooks: WebhookReceiver
) -> None:
    data = initialize(sandbox)

    answer = press(http, data["authorization_url"], "fail")
    time.sleep(0.3)

    assert answer.status_code == 302
    assert query_of(answer.headers["location"])["reference"] == [data["reference"]]
    verified = verify(sandbox, data["reference"]).json()["data"]
    assert (verified["status"], verified["paid_at"], verified["gateway_response"]) == ("failed", None, "Declined")
    assert hooks.for_reference(data["reference"]) == []
    assert recorded_webhooks(data["reference"]) == []


def test_abandon_goes_to_cancel_action_and_leaves_the_transaction_open(
    http: httpx.Client, sandbox: str, hooks: WebhookReceiver
) -> None:
    data = initialize(sandbox, metadata={"cancel_action": "http://127.0.0.1:9/events/e1"})

    answer = press(http, data["authorization_url"], "abandon")

    assert answer.status_code == 302
    assert answer.headers["location"] == "http://127.0.0.1:9/events/e1"
    assert verify(sandbox, data["reference"]).json()["data"]["status"] == "abandoned"
    assert http.get(data["authorization_url"]).status_code == 200, "the buyer may come back and pay"


def test_abandon_without_cancel_action_goes_to_the_callback(http: httpx.Client, sandbox: str) -> None:
    data = initialize(sandbox)

    answer = press(http, data["authorization_url"], "abandon")

    assert answer.status_code == 302
    assert query_of(answer.headers["location"])["trxref"] == [data["reference"]]


def test_a_callback_with_a_query_keeps_it(http: httpx.Client, sandbox: str) -> None:
    data = initialize(sandbox, callback_url=CALLBACK + "?order=o1")

    answer = press(http, data["authorization_url"], "fail")

    assert query_of(answer.headers["location"]) == {
        "order": ["o1"],
        "trxref": [data["reference"]],
        "reference": [data["reference"]],
    }


def test_without_a_callback_the_checkout_says_how_it_ended(http: httpx.Client, sandbox: str) -> None:
    data = initialize(sandbox, callback_url=None)

    answer = press(http, data["authorization_url"], "pay")

    assert answer.status_code == 200
    assert "This payment was successful." in answer.text


def test_an_unknown_choice_shows_the_page_again(http: httpx.Client, sandbox: str) -> None:
    data = initialize(sandbox)

    answer = http.post(data["authorization_url"], data={"action": "steal"})

    assert answer.status_code == 200
    assert verify(sandbox, data["reference"]).json()["data"]["status"] == "abandoned"


# --- webhook delivery: switches, records, re-sends ------------------------------------------------------


def test_deliveries_are_recorded_and_a_failed_one_can_be_resent(sandbox: str, hooks: WebhookReceiver) -> None:
    hooks.status_code = 500
    data = initialize(sandbox)
    settle(data["reference"], "pay", wait_for_webhook=True)

    [first] = recorded_webhooks(data["reference"])
    hooks.status_code = 200
    resent = sandbox_call("POST", f"/_test/transactions/{data['reference']}/resend-webhook")
    [after] = recorded_webhooks(data["reference"])

    assert (first["event"], first["attempts"], first["last_status_code"], first["delivered"]) == (
        "charge.success",
        1,
        500,
        False,
    )
    assert first["last_error"] == "HTTP 500"
    assert resent.status_code == 200 and resent.json()["data"]["status_code"] == 200
    assert (after["attempts"], after["delivered"]) == (2, True)
    bodies = [hook.body for hook in hooks.for_reference(data["reference"])]
    assert len(bodies) == 2 and bodies[0] == bodies[1], "a re-send carries the very same signed bytes"


def test_with_webhooks_off_nothing_is_sent_until_a_resend(sandbox: str, hooks: WebhookReceiver) -> None:
    set_controls(webhook_enabled=False)
    data = initialize(sandbox)

    answer = settle(data["reference"], "pay", wait_for_webhook=True)
    time.sleep(0.2)

    assert answer["webhook"] is None
    assert hooks.for_reference(data["reference"]) == []
    assert recorded_webhooks(data["reference"])[0]["attempts"] == 0
    sandbox_call("POST", f"/_test/transactions/{data['reference']}/resend-webhook")
    hooks.wait_for(data["reference"], "charge.success")


def test_an_unreachable_app_is_recorded_as_an_error(
    sandbox: str, hooks: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "paystack_webhook_url", "http://127.0.0.1:9/hook")
    data = initialize(sandbox)

    answer = settle(data["reference"], "pay", wait_for_webhook=True)

    assert answer["webhook"]["status_code"] is None
    assert "ConnectError" in answer["webhook"]["error"]


def test_resend_without_any_webhook_is_not_found(sandbox: str) -> None:
    data = initialize(sandbox)

    response = sandbox_call("POST", f"/_test/transactions/{data['reference']}/resend-webhook")

    assert response.status_code == 404


# --- the settle hook ------------------------------------------------------------------------------------


def test_the_pay_hook_has_the_effect_of_the_pay_button(sandbox: str, hooks: WebhookReceiver) -> None:
    data = initialize(sandbox, amount=100_000, currency="ZAR")

    answer = settle(data["reference"], "pay", wait_for_webhook=True)

    assert answer["data"]["status"] == "success" and answer["data"]["fees"] == 3_000
    assert answer["webhook"]["status_code"] == 200
    assert hooks.for_reference(data["reference"], "charge.success")


def test_deliveries_that_wait_on_a_verify_never_hold_the_threads_it_needs(sandbox: str, hooks: WebhookReceiver) -> None:
    """Twice as many payments at once as the sandbox has call threads, each webhook verified before the
    receiver answers (as the app's route does): every delivery is answered 200. A delivery stuck behind
    the verify it waits for times out instead (no status code), and its verify answers 503."""
    hooks.verify_first = True
    references = [initialize(sandbox)["reference"] for _ in range(2 * calls.SANDBOX_THREADS)]
    with ThreadPoolExecutor(max_workers=len(references)) as pool:
        answers = list(pool.map(lambda reference: settle(reference, "pay", wait_for_webhook=True), references))

    assert [answer["webhook"]["status_code"] for answer in answers] == [200] * len(references)


def test_the_pay_hook_can_charge_another_amount_or_currency(sandbox: str, hooks: WebhookReceiver) -> None:
    """A buyer who pays less (or more, or in another currency) than was asked: `amount` and
    `currency` say what was charged, `requested_amount` what the transaction was initialized for."""
    data = initialize(sandbox, amount=150_000, currency="KES")

    answer = settle(data["reference"], "pay", amount=100_000, currency="USD", wait_for_webhook=True)
    verified = verify(sandbox, data["reference"]).json()["data"]
    event = hooks.for_reference(data["reference"], "charge.success")[-1].json()["data"]

    assert (answer["data"]["amount"], answer["data"]["currency"], answer["data"]["requested_amount"]) == (
        100_000,
        "USD",
        150_000,
    )
    assert (verified["amount"], verified["currency"], verified["requested_amount"]) == (100_000, "USD", 150_000)
    assert (event["amount"], event["currency"], event["requested_amount"]) == (100_000, "USD", 150_000)
    assert verified["fees"] == 3_800  # USD pricing, on what was charged
    assert refund(sandbox, transaction=data["reference"]).json()["data"]["amount"] == 100_000


@pytest.mark.parametrize(
    "options",
    [{"amount": 0}, {"amount": "lots"}, {"amount": True}, {"currency": "EUR"}, {"currency": 5}],
)
def test_the_pay_hook_refuses_a_nonsense_charge(sandbox: str, options: dict) -> None:
    data = initialize(sandbox)

    answer = sandbox_call("POST", f"/_test/transactions/{data['reference']}/pay", json=options)

    assert answer.status_code == 400 and answer.json()["status"] is False
    assert verify(sandbox, data["reference"]).json()["data"]["status"] == "abandoned"


def test_the_pay_hook_refuses_a_settled_transaction(sandbox: str) -> None:
    data = initialize(sandbox)
    settle(data["reference"], "fail")

    again = sandbox_call("POST", f"/_test/transactions/{data['reference']}/pay", json={})
    unknown = sandbox_call("POST", "/_test/transactions/EVT-none/pay")
    nonsense = sandbox_call("POST", f"/_test/transactions/{data['reference']}/explode")

    assert again.status_code == 409 and again.json()["message"] == "Transaction is already failed"
    assert unknown.status_code == 400
    assert nonsense.status_code == 404


# --- refunds --------------------------------------------------------------------------------------------


def paid(sandbox: str, amount: int = 150_000, currency: str = "KES") -> str:
    reference = initialize(sandbox, amount=amount, currency=currency)["reference"]
    settle(reference, "pay", wait_for_webhook=True)
    return reference


def refund(sandbox: str, **body: object) -> httpx.Response:
    return httpx.post(f"{sandbox}/refund", json=body, headers=sandbox_headers(), verify=outbound_tls())


def test_a_refund_is_queued_with_the_documented_shape_and_a_pending_webhook(
    sandbox: str, hooks: WebhookReceiver
) -> None:
    reference = paid(sandbox)

    response = refund(sandbox, transaction=reference, amount=50_000, merchant_note="Cancelled by organizer")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] is True and body["message"] == "Refund has been queued for processing"
    data = body["data"]
    assert set(data) == REFUND_KEYS
    assert (data["status"], data["amount"], data["currency"]) == ("pending", 50_000, "KES")
    assert data["transaction"]["reference"] == reference
    assert data["merchant_note"] == "Cancelled by organizer"
    hook = hooks.wait_for(reference, "refund.pending")
    assert hook.headers["x-paystack-signature"] == expected_signature(hook.body)
    event = hook.json()["data"]
    assert set(event) == REFUND_EVENT_KEYS
    assert (event["status"], event["amount"], event["refund_reference"]) == ("pending", "50000", None)


def test_a_refund_may_name_the_transaction_by_its_id(sandbox: str) -> None:
    reference = paid(sandbox)
    transaction_id = verify(sandbox, reference).json()["data"]["id"]

    by_number = refund(sandbox, transaction=transaction_id, amount=1_000)
    by_string = refund(sandbox, transaction=str(transaction_id), amount=1_000)

    assert by_number.status_code == 200 and by_string.status_code == 200
    assert by_number.json()["data"]["transaction"]["reference"] == reference


def test_a_refund_goes_through_processing_to_processed_and_the_payment_is_reversed(
    sandbox: str, hooks: WebhookReceiver
) -> None:
    reference = paid(sandbox, 150_000)
    refund_id = refund(sandbox, transaction=reference).json()["data"]["id"]
    # The queued refund's webhook goes out on its own after the answer, as Paystack's do: wait for it,
    # so the next step's webhook cannot overtake it on a busy machine.
    hooks.wait_for(reference, "refund.pending")

    processing = advance_refund(refund_id, "processing", wait_for_webhook=True)
    processed = advance_refund(refund_id, "processed", wait_for_webhook=True)
    again = advance_refund(refund_id, "failed")

    assert processing.json()["data"]["status"] == "processing"
    assert processed.json()["data"]["status"] == "processed"
    assert processed.json()["webhook"]["status_code"] == 200
    assert again.status_code == 409
    events = [hook.json() for hook in hooks.for_reference(reference) if hook.json()["event"].startswith("refund.")]
    assert [event["event"] for event in events] == ["refund.pending", "refund.processing", "refund.processed"]
    assert events[1]["data"]["refund_reference"] is None
    assert re.fullmatch(r"\d{12}", events[2]["data"]["refund_reference"])
    assert events[2]["data"]["amount"] == "150000"
    assert verify(sandbox, reference).json()["data"]["status"] == "reversed"
    fully = refund(sandbox, transaction=reference)
    assert fully.status_code == 400
    assert fully.json()["message"] == "Transaction has been fully reversed"
    assert (fully.json()["type"], fully.json()["code"]) == ("api_error", "transaction_reversed")


def test_a_partial_refund_leaves_the_payment_successful(sandbox: str) -> None:
    reference = paid(sandbox, 150_000)
    refund_id = refund(sandbox, transaction=reference, amount=50_000).json()["data"]["id"]

    advance_refund(refund_id, "processed", wait_for_webhook=True)

    assert verify(sandbox, reference).json()["data"]["status"] == "success"
    assert refund(sandbox, transaction=reference, amount=100_001).status_code == 400
    assert refund(sandbox, transaction=reference, amount=100_000).status_code == 200


def test_with_fail_refunds_a_refund_ends_failed_and_the_money_is_refundable_again(
    sandbox: str, hooks: WebhookReceiver
) -> None:
    reference = paid(sandbox, 150_000)
    set_controls(fail_refunds=True)
    refund_id = refund(sandbox, transaction=reference).json()["data"]["id"]

    answer = advance_refund(refund_id, "processed", wait_for_webhook=True)

    assert answer.json()["data"]["status"] == "failed"
    failed = hooks.wait_for(reference, "refund.failed").json()["data"]
    assert failed["amount"] == 150_000, "Paystack's refund.failed carries a number, the others a string"
    assert verify(sandbox, reference).json()["data"]["status"] == "success"
    set_controls(fail_refunds=False)
    assert refund(sandbox, transaction=reference).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "Transaction reference or id is required"),
        ({"transaction": "EVT-none"}, 404, "Transaction not found"),
        ({"transaction": 999_999_999}, 404, "Transaction not found"),
    ],
)
def test_refund_errors(sandbox: str, body: dict, status: int, message: str) -> None:
    response = refund(sandbox, **body)

    assert response.status_code == status
    assert response.json()["message"] == message


def test_a_refund_in_another_currency_is_refused(sandbox: str) -> None:
    reference = paid(sandbox, currency="KES")

    assert refund(sandbox, transaction=reference, currency="NGN").status_code == 400


def test_refunds_settle_by_themselves_when_asked_to(sandbox: str, hooks: WebhookReceiver) -> None:
    set_controls(refund_auto_seconds=0.05)
    reference = paid(sandbox)

    refund(sandbox, transaction=reference)

    hooks.wait_for(reference, "refund.processed")
    assert [h.json()["event"] for h in hooks.for_reference(reference) if h.json()["event"] != "charge.success"] == [
        "refund.pending",
        "refund.processing",
        "refund.processed",
    ]


def test_advancing_needs_a_known_refund_and_a_known_status(sandbox: str) -> None:
    reference = paid(sandbox)
    refund_id = refund(sandbox, transaction=reference).json()["data"]["id"]

    assert advance_refund(999_999, "processed").status_code == 404
    assert advance_refund(refund_id, "needs-attention").status_code == 400


# --- controls -------------------------------------------------------------------------------------------


def test_controls_start_at_their_defaults_and_can_be_reset(sandbox: str) -> None:
    defaults = sandbox_call("GET", "/_test/controls").json()["data"]
    changed = set_controls(hang_seconds=0.5, fail_refunds=True)
    reset = sandbox_call("DELETE", "/_test/controls").json()["data"]

    assert defaults == {
        "fail_initialize": False,
        "fail_verify": False,
        "hang_seconds": 0,
        "webhook_enabled": True,
        "fail_refunds": False,
        "refund_auto_seconds": None,
    }
    assert (changed["hang_seconds"], changed["fail_refunds"], changed["webhook_enabled"]) == (0.5, True, True)
    assert reset == defaults


@pytest.mark.parametrize(
    "body",
    [
        {"explode": True},
        {"fail_initialize": "yes"},
        {"fail_verify": 1},
        {"hang_seconds": -1},
        {"hang_seconds": 1000},
        {"hang_seconds": True},
    ],
)
def test_bad_controls_are_refused(sandbox: str, body: dict) -> None:
    assert sandbox_call("PUT", "/_test/controls", json=body).status_code == 400


def test_hang_seconds_delays_paystacks_answers(sandbox: str) -> None:
    data = initialize(sandbox)
    set_controls(hang_seconds=0.5)

    started = time.monotonic()
    response = verify(sandbox, data["reference"])

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.5


def test_hang_seconds_delays_initialize_and_then_it_goes_through(sandbox: str) -> None:
    set_controls(hang_seconds=0.5)

    started = time.monotonic()
    data = initialize(sandbox)

    assert time.monotonic() - started >= 0.5
    set_controls(hang_seconds=0)
    assert verify(sandbox, data["reference"]).status_code == 200


def test_fail_verify_answers_a_server_error_until_switched_off(sandbox: str) -> None:
    data = initialize(sandbox)
    set_controls(fail_verify=True)

    refused = verify(sandbox, data["reference"])

    assert refused.status_code == 500
    assert refused.json()["status"] is False and refused.json()["type"] == "api_error"
    set_controls(fail_verify=False)
    assert verify(sandbox, data["reference"]).json()["data"]["status"] == "abandoned"


@pytest.mark.parametrize("hang_seconds", [0, 0.3])
def test_fail_initialize_answers_a_server_error_and_stores_nothing(sandbox: str, hang_seconds: float) -> None:
    set_controls(fail_initialize=True, hang_seconds=hang_seconds)
    reference = f"EVT-{new_id(12)}"

    started = time.monotonic()
    response = httpx.post(
        f"{sandbox}/transaction/initialize",
        json={"email": "a@b.test", "amount": 100, "reference": reference},
        headers=sandbox_headers(),
        verify=outbound_tls(),
    )

    assert response.status_code == 500
    assert response.json()["status"] is False and response.json()["type"] == "api_error"
    assert time.monotonic() - started >= hang_seconds
    set_controls(fail_initialize=False, hang_seconds=0)
    assert verify(sandbox, reference).json()["code"] == "transaction_not_found"


# --- several workers ------------------------------------------------------------------------------------


def test_any_worker_can_carry_on_a_transaction(http: httpx.Client, sandbox: str, api_url: str) -> None:
    """All state is in the database: a second server of the same app sees what the first one did."""
    data = initialize(sandbox)
    with serve(create_api()) as other:
        other_sandbox = other + SANDBOX_PATH
        page = httpx.get(f"{other_sandbox}/checkout/{data['access_code']}", verify=outbound_tls())
        paid_there = httpx.post(
            f"{other_sandbox}/checkout/{data['access_code']}", data={"action": "pay"}, verify=outbound_tls()
        )

    assert page.status_code == 200 and "KES 1,500.00" in page.text
    assert paid_there.status_code == 302
    assert verify(sandbox, data["reference"]).json()["data"]["status"] == "success"


def test_the_sandbox_is_not_rate_limited(sandbox: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")

    answers = [
        httpx.post(
            f"{sandbox}/transaction/initialize",
            json={"email": "a@b.test", "amount": 100},
            headers=sandbox_headers(),
            verify=outbound_tls(),
        )
        for _ in range(4)
    ]

    assert [answer.status_code for answer in answers] == [200] * 4
