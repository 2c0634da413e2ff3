"""Which changes send which webhook (#23 §2), delivered to a real receiver where it matters:

- `event.updated` goes out for every status change (published, hidden, postponed, cancelled, and
  completed by the worker, once however many workers run it), not only for edits;
- `order.refunded` goes out exactly once for every path that ends an order refunded: a payment
  returned because it did not match its order or came after the seats sold (the order closes
  refunded at once; Paystack completing that refund later sends nothing more), and an organizer's
  refund that Paystack processes.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Order, Refund, Ticket, WebhookDelivery
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import webhooks
from eventpalour.services.platform.errors import Conflict
from eventpalour.services.sales import checkout, payments, paystack_refunds, refunds
from eventpalour.services.workspaces import webhook_endpoints
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.webhook_receiver import webhook_receiver


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


def _deliveries(event_type: str) -> list[dict]:
    with read_only() as session:
        rows = session.exec(
            select(WebhookDelivery).where(WebhookDelivery.event_type == event_type).order_by(WebhookDelivery.id)
        ).all()
    return [json.loads(row.body)["data"] for row in rows]


def test_every_status_change_of_an_event_sends_event_updated_in_order(api_url: str, receiver):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, tiers=[TierInput(name="Free", price=0, quantity=50)])
    hook = webhook_endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url=receiver.url, events=["event.updated"]
    )
    webhook_endpoints.register_webhook(  # another type only: hears none of it
        actor=owner.summary, workspace_id=workspace.id, url="https://crm.example.com/h", events=["order.paid"]
    )
    later = event.start_at + timedelta(days=14)
    lifecycle.change_status(actor=owner.summary, event_id=event.id, action="publish")
    lifecycle.change_status(actor=owner.summary, event_id=event.id, action="hide")
    lifecycle.change_status(
        actor=owner.summary, event_id=event.id, action="postpone", new_start=later, new_end=later + timedelta(hours=3)
    )
    lifecycle.change_status(actor=owner.summary, event_id=event.id, action="publish")
    lifecycle.change_status(actor=owner.summary, event_id=event.id, action="cancel")

    while webhooks.deliver_due_webhooks():
        pass
    assert receiver.types() == ["event.updated"] * 5
    bodies = [json.loads(got.body)["data"] for got in receiver.received]
    assert [(b["change"], b["status"]) for b in bodies] == [
        ("published", "active"),
        ("hidden", "inactive"),
        ("postponed", "postponed"),
        ("published", "active"),
        ("cancelled", "cancelled"),
    ]
    assert bodies[2]["start_at"] == later.isoformat() and {b["event_id"] for b in bodies} == {event.id}
    for got in receiver.received:
        header = got.headers[webhooks.SIGNATURE_HEADER]
        assert webhooks.verify_signature(hook.secret, header, got.body, now=int(time.time()))


def test_a_refused_status_change_sends_nothing(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id)  # a draft: only publishing applies
    webhook_endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://crm.example.com/h", events=["event.updated"]
    )
    with pytest.raises(Conflict, match="cannot be hidden"):
        lifecycle.change_status(actor=owner.summary, event_id=event.id, action="hide")
    assert _deliveries("event.updated") == []


def test_the_worker_completing_a_past_event_sends_event_updated_once(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True)
    webhook_endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://crm.example.com/h", events=["event.updated"]
    )
    before = len(_deliveries("event.updated"))
    with transaction() as session:
        row = session.get(Event, event.id)
        row.start_at, row.end_at = utcnow() - timedelta(hours=10), utcnow() - timedelta(hours=7)
    assert lifecycle.complete_finished_events() == 1
    assert lifecycle.complete_finished_events() == 0  # a second worker's pass: nothing more
    sent = _deliveries("event.updated")[before:]
    assert [(b["change"], b["status"], b["event_id"]) for b in sent] == [("completed", "completed", event.id)]


@pytest.fixture
def paid(api_url: str):
    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner, workspace.id, publish=True, pricing="paid", tiers=[TierInput(name="VIP", price=250000, quantity=3)]
    )
    webhook_endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://crm.example.com/h", events=["order.refunded"]
    )
    return owner, event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _order(event, tier_id: str, n: int = 2):
    buyer = make_user()
    booked = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: n})
    payments.start_payment(actor=buyer.summary, order_id=booked.order_id)
    return booked


def _process_refunds_at_paystack(sandbox: httpx.Client, order_id: str) -> None:
    assert paystack_refunds.submit_due() == 1
    with read_only() as session:
        refund = session.exec(select(Refund).where(Refund.order_id == order_id)).one()
    advanced = sandbox.post(
        f"/_test/refunds/{refund.provider_refund_id}/advance", json={"status": "processed", "wait_for_webhook": True}
    )
    assert advanced.status_code == 200, advanced.text
    with read_only() as session:
        assert session.get(Refund, refund.id).status == "processed"


def test_a_payment_that_does_not_match_its_order_sends_order_refunded_once(sandbox, paid):
    _, event, tier_id = paid
    booked = _order(event, tier_id)  # KES 5,000.00
    sandbox.post(f"/_test/transactions/{booked.reference}/pay", json={"amount": 100000, "wait_for_webhook": True})
    with read_only() as session:
        assert session.get(Order, booked.order_id).status == "refunded"
    [sent] = _deliveries("order.refunded")
    assert (sent["order_id"], sent["reference"], sent["kind"], sent["order_status"]) == (
        booked.order_id,
        booked.reference,
        "payment_mismatch",
        "refunded",
    )
    assert (sent["refund_amount"], sent["currency"], sent["ticket_ids"]) == (100000, "KES", [])

    # Paystack re-sends its webhook, the buyer comes back, Paystack completes the refund: nothing more.
    sandbox.post(f"/_test/transactions/{booked.reference}/resend-webhook")
    payments.verify_payment(booked.reference)
    _process_refunds_at_paystack(sandbox, booked.order_id)
    assert len(_deliveries("order.refunded")) == 1


def test_a_payment_after_the_seats_sold_sends_order_refunded_once(sandbox, paid):
    _, event, tier_id = paid
    late = _order(event, tier_id)
    with transaction() as session:
        session.get(Order, late.order_id).expires_at = utcnow() - timedelta(seconds=1)
    assert checkout.expire_holds() == 1
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 3})
    sandbox.post(f"/_test/transactions/{late.reference}/pay", json={"wait_for_webhook": True})
    [sent] = _deliveries("order.refunded")
    assert (sent["order_id"], sent["kind"], sent["refund_amount"]) == (late.order_id, "late_payment", 500000)
    _process_refunds_at_paystack(sandbox, late.order_id)
    assert len(_deliveries("order.refunded")) == 1


def test_an_organizers_refund_sends_order_refunded_when_paystack_processes_it_once(sandbox, paid):
    owner, event, tier_id = paid
    booked = _order(event, tier_id)
    sandbox.post(f"/_test/transactions/{booked.reference}/pay", json={"wait_for_webhook": True})
    with read_only() as session:
        ticket_ids = list(session.exec(select(Ticket.id).where(Ticket.order_id == booked.order_id)).all())
    refunds.process_refund(
        actor=owner.summary, order_id=booked.order_id, amount=None, ticket_ids=ticket_ids, reason="Ill"
    )
    assert _deliveries("order.refunded") == []  # asked for, not done yet
    _process_refunds_at_paystack(sandbox, booked.order_id)
    [sent] = _deliveries("order.refunded")
    assert (sent["order_id"], sent["kind"], sent["order_status"], len(sent["ticket_ids"])) == (
        booked.order_id,
        "manual",
        "refunded",
        2,
    )
    sandbox.post(f"/_test/transactions/{booked.reference}/resend-webhook")  # a late duplicate changes nothing
    assert len(_deliveries("order.refunded")) == 1
