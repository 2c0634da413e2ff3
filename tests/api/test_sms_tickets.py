"""SMS tickets over real HTTP (#23 §3): a paid order with a phone queues a text message that the
outbox delivers to the SMS sandbox (Africa's Talking's contract) and retries when it fails; the
sandbox answers as Africa's Talking does; /api/dev/outbox/sms lists what it received."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.integrations import sms
from eventpalour.models import OutboxEmail, OutboxStatus, Ticket
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform import outbox
from eventpalour.services.tickets import transfers
from tests.api.support import update_rows, with_session
from tests.factories import make_paid_event, make_user

ORDERS = "/api/checkout/orders"
PHONE = "+254712345678"


@pytest.fixture
def sms_sandbox(api_url: str) -> Iterator[httpx.Client]:
    """A client for the SMS sandbox's API and test hooks; its failures are reset around each test."""
    account = sms.sandbox_account()
    client = httpx.Client(base_url=account.base_url, headers={"apiKey": account.api_key}, timeout=30)
    client.delete("/_test/controls")
    yield client
    client.delete("/_test/controls")
    client.close()


def _paid_order(http: httpx.Client, sandbox: httpx.Client, phone: str = "0712 345 678", *, sms_tickets: str = "yes"):
    event, (tier_id,) = make_paid_event([TierInput(name="VIP", price=250000, quantity=10)], sms_tickets=sms_tickets)
    buyer = make_user()
    placed = with_session(http, buyer.token).post(
        ORDERS, json={"eventId": event.id, "quantities": {tier_id: 2}, "phone": phone}
    )
    assert placed.status_code == 201, placed.text
    paid = sandbox.post(f"/_test/transactions/{placed.json()['reference']}/pay", json={"wait_for_webhook": True})
    assert paid.status_code == 200, paid.text
    return buyer, placed.json()["order_id"]


def _texts() -> list[OutboxEmail]:
    with read_only() as session:
        return list(session.exec(select(OutboxEmail).where(OutboxEmail.channel == "sms")).all())


def _codes(order_id: str) -> list[str]:
    with read_only() as session:
        return sorted(session.exec(select(Ticket.short_code).where(Ticket.order_id == order_id)).all())


def _received(sms_sandbox: httpx.Client, to: str = PHONE) -> list[dict]:
    answer = sms_sandbox.get("/_test/messages", params={"to": to})
    assert answer.status_code == 200, answer.text
    return answer.json()["messages"]


def test_paid_order_with_a_phone_is_texted_its_codes_through_the_sandbox(http, sandbox, sms_sandbox):
    buyer, order_id = _paid_order(http, sandbox)
    (queued,) = _texts()
    assert (queued.to_phone, queued.to_email, queued.status) == (PHONE, buyer.summary.email, OutboxStatus.PENDING)

    outbox.deliver_due()

    (received,) = _received(sms_sandbox)
    assert received["status_code"] == 101 and received["message_id"].startswith("ATXid_")
    assert received["message"].startswith("Jazz on the Lawn: your 2 tickets ")
    assert all(code in received["message"] for code in _codes(order_id))
    assert received["message"].endswith("/tickets") and len(received["message"]) <= 160
    (sent,) = _texts()
    assert (sent.status, sent.transport, sent.attempts) == (OutboxStatus.SENT, "sandbox", 1)


def test_a_failed_sms_is_retried_with_backoff_until_the_sandbox_takes_it(http, sandbox, sms_sandbox):
    assert sms_sandbox.put("/_test/controls", json={"fail_next": 1}).json() == {"fail_next": 1}
    _paid_order(http, sandbox)

    outbox.deliver_due()

    (waiting,) = _texts()
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 1)
    assert "500 InternalServerError" in waiting.last_error and waiting.next_attempt_at > utcnow()
    assert [m["status_code"] for m in _received(sms_sandbox)] == [500]
    outbox.deliver_due()
    assert _texts()[0].attempts == 1  # not due yet: the backoff holds it

    update_rows(OutboxEmail, col(OutboxEmail.id) == waiting.id, next_attempt_at=utcnow() - timedelta(seconds=1))
    outbox.deliver_due()

    (sent,) = _texts()
    assert (sent.status, sent.attempts, sent.last_error) == (OutboxStatus.SENT, 2, None)
    assert [m["status_code"] for m in _received(sms_sandbox)] == [101, 500]


def test_order_without_a_phone_or_on_an_event_without_sms_is_not_texted(http, sandbox):
    _paid_order(http, sandbox, phone="")
    _paid_order(http, sandbox, sms_tickets="")
    assert _texts() == []


def test_unreadable_phone_is_400_on_the_phone_field_and_holds_nothing(http, sandbox):
    event, (tier_id,) = make_paid_event([TierInput(name="VIP", price=250000, quantity=10)], sms_tickets="yes")
    refused = with_session(http, make_user().token).post(
        ORDERS, json={"eventId": event.id, "quantities": {tier_id: 1}, "phone": "0712"}
    )
    assert refused.status_code == 400
    assert [d["path"] for d in refused.json()["details"]] == [["phone"]]
    assert "0712 345 678" in refused.json()["error"]


def test_transfer_texts_the_new_holder_at_the_phone_they_gave(http, sandbox, sms_sandbox):
    giver, order_id = _paid_order(http, sandbox, phone="0722 000 111")
    taker, _ = _paid_order(http, sandbox)  # the recipient gave +254712345678 on an order of their own
    outbox.deliver_due()
    ticket_id = _ticket_of(order_id)

    moved = transfers.transfer_ticket(actor=giver.summary, ticket_id=ticket_id, recipient_email=taker.summary.email)
    outbox.deliver_due()

    latest = _received(sms_sandbox)[0]
    assert latest["message"] == (
        f"Jazz on the Lawn: {giver.summary.display_name} sent you a ticket, code {moved.new_short_code}. "
        f"{http.base_url}/tickets"
    )


def test_sandbox_answers_as_africastalking_does(sms_sandbox):
    account = sms.sandbox_account()
    form = {"username": account.username, "to": f"{PHONE},0712345678", "message": "Hello", "from": "EventPalour"}
    answer = sms_sandbox.post("/version1/messaging", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 201
    data = answer.json()["SMSMessageData"]
    assert data["Message"] == "Sent to 1/2 Total Cost: KES 0.8000"
    assert [(r["number"], r["statusCode"], r["status"]) for r in data["Recipients"]] == [
        (PHONE, 101, "Success"),
        ("0712345678", 403, "InvalidPhoneNumber"),
    ]
    wrong_key = httpx.post(account.base_url + "/version1/messaging", data=form, headers={"apiKey": "nope"})
    assert (wrong_key.status_code, wrong_key.text) == (401, "The supplied authentication is invalid")
    missing = sms_sandbox.post("/version1/messaging", data={"username": account.username, "to": PHONE})
    assert (missing.status_code, missing.text) == (400, "Request is missing required form field 'message'")


def test_a_number_the_provider_refuses_is_not_retried(api_url, sms_sandbox):
    with pytest.raises(sms.SmsError) as refused:
        sms.send("+2547", "Hello")
    assert refused.value.permanent and "403 InvalidPhoneNumber" in str(refused.value)
    assert sms.send(PHONE, "Hello").transport == "sandbox"


def test_dev_outbox_lists_the_sandbox_messages(http, sandbox, sms_sandbox):
    _paid_order(http, sandbox)
    outbox.deliver_due()
    listed = http.get("/api/dev/outbox/sms")
    assert listed.status_code == 200
    assert [(m["to"], m["status"]) for m in listed.json()] == [(PHONE, "Success")]
    queued = http.get("/api/dev/outbox").json()
    assert any(item["channel"] == "sms" and item["to_phone"] == PHONE for item in queued)


def _ticket_of(order_id: str) -> str:
    with read_only() as session:
        return session.exec(select(Ticket.id).where(Ticket.order_id == order_id)).first()


def test_dev_outbox_sms_answers_only_this_machine(http, sms_sandbox):
    assert (
        sms_sandbox.post(
            "/version1/messaging", data={"username": "sandbox", "to": PHONE, "message": "Reset code 123456"}
        ).status_code
        == 201
    )
    proxied = http.get("/api/dev/outbox/sms", headers={"X-Forwarded-For": "203.0.113.7"})
    assert proxied.status_code == 403 and "123456" not in proxied.text
    assert [m["message"] for m in http.get("/api/dev/outbox/sms").json()] == ["Reset code 123456"]


def test_outbox_gives_up_at_once_on_a_number_the_provider_refuses(api_url, sms_sandbox):
    with transaction() as session:
        queued = outbox.enqueue_sms(
            session, outbox.SmsMessage("ann@example.test", "+2547", "SMS: test", "Hello", "order_sms")
        )
    assert outbox.deliver_due() == 0
    with read_only() as session:
        row = session.get(OutboxEmail, queued)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "403 InvalidPhoneNumber" in row.last_error
