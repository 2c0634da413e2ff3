"""Outgoing webhooks (#23 §2): signatures a receiver can check (and a replayed one it refuses), the
backoff schedule over a day, which URLs may receive, and who gets which event, queued with the change."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import AuditLogEntry, WebhookDelivery, WebhookEventType
from eventpalour.services.events import lifecycle
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import webhooks
from eventpalour.services.platform.errors import Conflict, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.workspaces import webhook_endpoints as endpoints
from tests.factories import add_member, event_input, make_event, make_organizer, make_user, make_workspace

SECRET = "whsec_test"


def test_a_signature_verifies_and_a_changed_body_old_timestamp_or_other_secret_do_not():
    body, now = '{"type":"order.paid"}', int(time.time())
    header = webhooks.signature_header(SECRET, now, body)
    assert header.startswith(f"t={now},v1=") and len(header.split("v1=")[1]) == 64
    assert webhooks.verify_signature(SECRET, header, body, now=now + 10)
    assert not webhooks.verify_signature(SECRET, header, body + " ", now=now)
    assert not webhooks.verify_signature("whsec_other", header, body, now=now)
    assert not webhooks.verify_signature(SECRET, header, body, now=now + webhooks.REPLAY_WINDOW + 1)  # a replay
    assert not webhooks.verify_signature(SECRET, "t=soon,v1=00", body, now=now)


def test_retries_back_off_exponentially_for_a_day():
    assert [webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert webhooks.retry_delay(30) == timedelta(hours=2)  # capped
    schedule = webhooks.retry_schedule()
    assert schedule[0] == timedelta(0) and schedule[1] == timedelta(seconds=30)
    assert timedelta(hours=22) < schedule[-1] <= timedelta(hours=24)
    assert all(later > earlier for earlier, later in zip(schedule, schedule[1:], strict=False))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://crm.example.com/hooks", True),
        ("http://localhost:8123/hooks", True),
        ("http://127.0.0.1:9000/x", True),
        ("http://crm.example.com/hooks", False),
        ("ftp://crm.example.com/hooks", False),
        ("https:///nohost", False),
        ("", False),
    ],
)
def test_which_urls_may_receive(url, allowed):
    assert (endpoints.webhook_url_refusal(url) is None) == allowed


def test_production_takes_https_only(monkeypatch):
    monkeypatch.setattr(settings, "app_env", "production")
    assert endpoints.webhook_url_refusal("http://localhost:8123/hooks") is not None
    assert endpoints.webhook_url_refusal("https://crm.example.com/hooks") is None


@pytest.fixture
def shop():
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Free", price=0, quantity=20)])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    return owner, workspace, event, tier_id


def _deliveries() -> list[WebhookDelivery]:
    with read_only() as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all())


def test_registering_shows_the_secret_once_and_names_each_bad_field(shop):
    owner, workspace, _, _ = shop
    with pytest.raises(ValidationFailed) as caught:
        endpoints.register_webhook(
            actor=owner.summary, workspace_id=workspace.id, url="http://crm.example.com", events=[]
        )
    assert {d.path[0] for d in caught.value.details} == {"url", "events"}
    made = endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://crm.example.com/h", events=["order.paid"]
    )
    assert made.secret.startswith("whsec_") and made.endpoint.events == ("order.paid",)
    (listed,) = endpoints.list_webhooks(actor=owner.summary, workspace_id=workspace.id)
    assert not hasattr(listed, "secret") and listed.can_remove
    with read_only() as session:
        assert session.exec(select(AuditLogEntry).where(AuditLogEntry.action == "webhook.create")).one()
    moderator = make_user()
    add_member(workspace.id, moderator, "moderator")
    with pytest.raises(PermissionDenied):
        endpoints.list_webhooks(actor=moderator.summary, workspace_id=workspace.id)


def test_only_subscribed_live_endpoints_of_the_events_workspace_are_queued(shop):
    owner, workspace, event, tier_id = shop
    paid = endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://a.example.com/h", events=["order.paid"]
    )
    edits = endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://b.example.com/h", events=["event.updated"]
    )
    removed = endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://c.example.com/h", events=["order.paid"]
    )
    endpoints.remove_webhook(actor=owner.summary, workspace_id=workspace.id, endpoint_id=removed.endpoint.id)
    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Other Society")
    endpoints.register_webhook(
        actor=other_owner.summary, workspace_id=other.id, url="https://d.example.com/h", events=["order.paid"]
    )

    booked = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 2})
    (delivery,) = _deliveries()
    body = json.loads(delivery.body)
    assert (delivery.endpoint_id, delivery.event_type, delivery.subject) == (
        paid.endpoint.id,
        "order.paid",
        f"order:{booked.order_id}",
    )
    assert body["type"] == "order.paid" and body["data"]["reference"] == booked.reference
    assert len(body["data"]["ticket_ids"]) == 2

    lifecycle.update_event(actor=owner.summary, event_id=event.id, data=event_input(title="Jazz on the Roof"))
    last = _deliveries()[-1]
    assert (last.endpoint_id, last.event_type) == (edits.endpoint.id, "event.updated")
    assert json.loads(last.body)["data"]["title"] == "Jazz on the Roof"


def test_a_change_that_rolls_back_tells_nobody(shop):
    owner, workspace, event, _ = shop
    endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://a.example.com/h", events=["event.updated"]
    )
    with pytest.raises(RuntimeError), transaction() as session:
        webhooks.emit(session, WebhookEventType.EVENT_UPDATED, event_id=event.id, subject=f"event:{event.id}", data={})
        assert session.exec(select(WebhookDelivery)).all()  # queued inside the transaction...
        raise RuntimeError("the change fails")
    assert _deliveries() == []  # ...and gone with it


def test_resend_waits_until_the_delivery_is_done(shop):
    owner, workspace, event, _ = shop
    endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url="https://a.example.com/h", events=["event.updated"]
    )
    lifecycle.update_event(actor=owner.summary, event_id=event.id, data=event_input(title="Jazz Again"))
    (queued,) = _deliveries()
    with pytest.raises(Conflict, match="still being tried"):
        endpoints.resend_delivery(actor=owner.summary, workspace_id=workspace.id, delivery_id=queued.id)


def test_a_paid_order_its_transfer_and_its_refund_are_queued_about_that_order():
    from eventpalour.integrations.paystack import VerifyResult
    from eventpalour.models import Refund
    from eventpalour.services.sales import payments, paystack_refunds, refunds
    from eventpalour.services.tickets import transfers
    from tests.factories import approve_kyc

    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner, workspace.id, publish=True, pricing="paid", tiers=[TierInput(name="Regular", price=250000, quantity=9)]
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    endpoints.register_webhook(
        actor=owner.summary,
        workspace_id=workspace.id,
        url="https://crm.example.com/h",
        events=["order.paid", "order.refunded", "ticket.transferred"],
    )
    buyer, friend = make_user(), make_user(full_name="Brian Otieno")
    booked = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 2})
    assert _deliveries() == []  # held, not paid: nothing yet
    payments.settle(booked.reference, VerifyResult("success", booked.amount, "KES", 9000, None, booked.reference, {}))
    paid = json.loads(_deliveries()[-1].body)["data"]
    first, second = paid["ticket_ids"]
    moved = transfers.transfer_ticket(actor=buyer.summary, ticket_id=first, recipient_email=friend.email)
    refunds.process_refund(
        actor=owner.summary, order_id=booked.order_id, amount=None, ticket_ids=[second], reason="Ill"
    )
    with read_only() as session:
        refund_id = session.exec(select(Refund.id).where(Refund.order_id == booked.order_id)).one()
    paystack_refunds._apply(refund_id, "processed")

    queued = _deliveries()
    assert [d.event_type for d in queued] == ["order.paid", "ticket.transferred", "order.refunded"]
    assert {d.subject for d in queued} == {f"order:{booked.order_id}"}
    transferred, refunded = (json.loads(d.body)["data"] for d in queued[1:])
    assert (transferred["ticket_id"], transferred["previous_ticket_id"]) == (moved.new_ticket_id, first)
    assert not {"holder_name", "holder_email"} & set(transferred)  # people are read through /api/v1
    assert (refunded["order_id"], refunded["ticket_ids"], refunded["currency"]) == (booked.order_id, [second], "KES")
