"""Text messages over Africa's Talking's HTTP API (#23 §3), or over the same API at the built-in sandbox.

The contract (Africa's Talking's SMS docs and its Python SDK, africastalking/SMS.py): `POST
{base}/version1/messaging` with form fields `username`, `to` (comma-separated E.164 numbers),
`message` and optionally `from` (a sender id or short code); headers `apiKey` and `Accept:
application/json`. A 2xx answer (201) carries `{"SMSMessageData": {"Message": "Sent to 1/1 Total Cost:
KES 0.8000", "Recipients": [{"statusCode": 101, "number": "+254…", "status": "Success", "cost":
"KES 0.8000", "messageId": "ATXid_…"}]}}`; any other status is an error whose body is text (401 "The
supplied authentication is invalid"). A recipient's statusCode 100–102 means accepted (Processed,
Sent, Queued); 401–409 and 500–502 are failures (RiskHold, InvalidSenderId, InvalidPhoneNumber,
UnsupportedNumberType, InsufficientBalance, UserInBlacklist, CouldNotRoute, DoNotDisturbRejection,
InternalServerError, GatewayError, RejectedByGateway).

One blocking try per call, like the email transport: the outbox worker retries with backoff. The
same rules as integrations/paystack.py hold, since in development the sandbox is this very process:
never call it inside `transaction()`, never on the event loop.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import httpx

from eventpalour.config import settings
from eventpalour.integrations.tls import outbound_tls

SANDBOX_PATH = "/api/sandbox/africastalking"
SANDBOX_USERNAME = "sandbox"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
ACCEPTED_CODES = frozenset({100, 101, 102})
# The number or its owner refuses the message: trying again later cannot help.
PERMANENT_CODES = frozenset({403, 404, 406, 409})


class SmsError(Exception):
    """The message was not accepted. `permanent`: retrying cannot help (a bad or blocked number)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmsAccount:
    base_url: str
    username: str
    api_key: str = field(repr=False)
    sender_id: str = ""
    name: str = "africastalking"  # the outbox's `transport` for a message sent through it


@dataclass(frozen=True)
class SmsReceipt:
    message_id: str
    status: str
    cost: str
    transport: str


def _sandbox_key() -> str:
    digest = hmac.new(settings.secret_key.encode(), b"africastalking-sandbox-api-key", hashlib.sha256)
    return "atsk_" + digest.hexdigest()[:48]


def sandbox_account() -> SmsAccount:
    """The sandbox's own key, derived from SECRET_KEY so every worker agrees on it."""
    return SmsAccount(settings.api_url + SANDBOX_PATH, SANDBOX_USERNAME, _sandbox_key(), "EventPalour", "sandbox")


def account() -> SmsAccount:
    """The account to send through now: Africa's Talking's keys, or the sandbox's."""
    if settings.sms_provider == "africastalking":
        return SmsAccount(
            settings.africastalking_base_url,
            settings.africastalking_username,
            settings.africastalking_api_key,
            settings.africastalking_sender_id,
        )
    return sandbox_account()


def send(to: str, message: str) -> SmsReceipt:
    """Send `message` to the one number `to` (E.164). Raises SmsError."""
    sender = account()
    form = {"username": sender.username, "to": to, "message": message}
    if sender.sender_id:
        form["from"] = sender.sender_id
    try:
        answer = httpx.post(
            sender.base_url + "/version1/messaging",
            data=form,
            headers={"apiKey": sender.api_key, "Accept": "application/json"},
            timeout=TIMEOUT,
            follow_redirects=False,
            verify=outbound_tls(),
        )
    except httpx.HTTPError as exc:
        raise SmsError(f"No answer: {type(exc).__name__}: {exc}"[:500]) from exc
    if not 200 <= answer.status_code < 300:
        raise SmsError(f"Africa's Talking answered {answer.status_code}: {answer.text[:300]}")
    return _receipt(answer, to, sender.name)


def _receipt(answer: httpx.Response, to: str, transport: str) -> SmsReceipt:
    """The recipient's outcome in a 2xx answer."""
    try:
        recipients = answer.json()["SMSMessageData"]["Recipients"]
        mine = next(r for r in recipients if r.get("number") == to) if len(recipients) > 1 else recipients[0]
        code = int(mine["statusCode"])
    except (ValueError, KeyError, IndexError, TypeError, StopIteration):
        raise SmsError(f"Unreadable answer from Africa's Talking: {answer.text[:300]}") from None
    status = str(mine.get("status", ""))
    if code not in ACCEPTED_CODES:
        raise SmsError(f"Not sent to {to}: {code} {status}", permanent=code in PERMANENT_CODES)
    return SmsReceipt(str(mine.get("messageId", "")), status, str(mine.get("cost", "")), transport)
