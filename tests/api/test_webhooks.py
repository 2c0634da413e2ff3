"""Outgoing webhooks against a real receiver on a loopback port (#23 §2): an order paid and its
ticket checked in through /api/v1 arrive signed and in order; a failing endpoint is retried with
backoff, keeps the order of its order's events, is given up after a day, and can be resent."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Ticket, WebhookDelivery
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import webhooks
from eventpalour.services.sales import checkout
from eventpalour.services.workspaces import api_tokens, webhook_endpoints
from tests.api.support import update_rows
from tests.factories import make_event, make_organizer, make_user, make_workspace
from tests.webhook_receiver import webhook_receiver

EVENTS = ["order.paid", "ticket.checked_in", "event.updated"]


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def shop(api_url: str, receiver):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Free", price=0, quantity=20)])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    hook = webhook_endpoints.register_webhook(
        actor=owner.summary, workspace_id=workspace.id, url=receiver.url, events=EVENTS
    )
    door = api_tokens.create_api_token(
        actor=owner.summary, workspace_id=workspace.id, name="Door", scopes=["checkins:write"]
    )
    return owner, workspace, event, tier_id, hook, door.secret


def _book(event, tier_id: str):
    return checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})


def _code_of(order_id: str) -> str:
    with read_only() as session:
        return session.exec(select(Ticket.short_code).where(Ticket.order_id == order_id)).one()


def _check_in(http: httpx.Client, event, secret: str, code: str) -> None:
    answer = http.post(
        f"/api/v1/events/{event.id}/check-ins", json={"code": code}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200 and answer.json()["admitted"], answer.text


def _deliver_all() -> None:
    while webhooks.deliver_due_webhooks():
        pass


def _rows() -> list[WebhookDelivery]:
    with read_only() as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all())


def _make_due() -> None:
    update_rows(WebhookDelivery, WebhookDelivery.status == "pending", next_attempt_at=utcnow() - timedelta(seconds=1))


def test_deliveries_arrive_signed_and_in_order(http: httpx.Client, shop, receiver):
    _, _, event, tier_id, hook, door = shop
    booked = _book(event, tier_id)
    _check_in(http, event, door, _code_of(booked.order_id))
    _deliver_all()
    assert receiver.types() == ["order.paid", "ticket.checked_in"]
    for got in receiver.received:
        header = got.headers[webhooks.SIGNATURE_HEADER]
        assert webhooks.verify_signature(hook.secret, header, got.body, now=int(time.time()))
        assert not webhooks.verify_signature("whsec_wrong", header, got.body, now=int(time.time()))
        assert got.headers["Content-Type"] == "application/json"
    paid, checked_in = (json.loads(r.body) for r in receiver.received)
    assert paid["data"]["order_id"] == checked_in["data"]["order_id"] == booked.order_id
    assert checked_in["data"]["short_code"] == _code_of(booked.order_id)
    assert [(r.status, r.attempts, r.response_status) for r in _rows()] == [("delivered", 1, 200)] * 2


def test_a_failing_endpoint_is_retried_with_backoff_and_keeps_each_orders_order(http: httpx.Client, shop, receiver):
    _, _, event, tier_id, _, door = shop
    first = _book(event, tier_id)
    _check_in(http, event, door, _code_of(first.order_id))
    receiver.answers = [500]  # the endpoint fails the first delivery it sees: the first order's paid
    webhooks.deliver_due_webhooks()
    assert receiver.types() == ["order.paid"]
    paid, checked_in = _rows()
    assert (paid.status, paid.attempts, paid.response_status) == ("pending", 1, 500)
    assert paid.last_error == "The endpoint answered 500."
    assert timedelta(seconds=25) < paid.next_attempt_at - utcnow() <= timedelta(seconds=30)
    assert (checked_in.status, checked_in.attempts) == ("pending", 0)  # waits behind its order's paid

    second = _book(event, tier_id)  # another order is not held up by the first one's trouble
    webhooks.deliver_due_webhooks()
    assert receiver.types() == ["order.paid", "order.paid"]
    assert json.loads(receiver.received[-1].body)["data"]["order_id"] == second.order_id

    _make_due()
    _deliver_all()
    assert receiver.types() == ["order.paid", "order.paid", "order.paid", "ticket.checked_in"]
    assert [json.loads(r.body)["data"]["order_id"] for r in receiver.received[2:]] == [first.order_id] * 2
    assert all(r.status == "delivered" for r in _rows())


def test_after_a_day_of_failures_it_is_given_up_and_can_be_resent(shop, receiver):
    owner, workspace, event, tier_id, hook, _ = shop
    _book(event, tier_id)
    (paid,) = _rows()
    update_rows(
        WebhookDelivery,
        WebhookDelivery.id == paid.id,
        created_at=utcnow() - timedelta(hours=23, minutes=59, seconds=45),
    )
    receiver.answers = [503]
    webhooks.deliver_due_webhooks()
    (given_up,) = _rows()
    assert (given_up.status, given_up.attempts) == ("failed", 1)
    log = webhook_endpoints.webhook_deliveries(
        actor=owner.summary, workspace_id=workspace.id, endpoint_id=hook.endpoint.id
    )
    assert (log[0].status_label, log[0].can_resend) == ("Gave up after 1 try", True)

    again = webhook_endpoints.resend_delivery(actor=owner.summary, workspace_id=workspace.id, delivery_id=paid.id)
    assert again.id > paid.id and again.status_label == "Queued"
    _deliver_all()
    assert [r.answered for r in receiver.received] == [503, 200]
    assert receiver.received[0].body == receiver.received[1].body  # the same event, sent again
    assert [r.status for r in _rows()] == ["failed", "delivered"]


def test_a_removed_endpoint_gets_nothing_more(shop, receiver):
    owner, workspace, event, tier_id, hook, _ = shop
    _book(event, tier_id)
    webhook_endpoints.remove_webhook(actor=owner.summary, workspace_id=workspace.id, endpoint_id=hook.endpoint.id)
    _book(event, tier_id)
    _deliver_all()
    assert receiver.received == [] and len(_rows()) == 1  # queued before removal, never sent after it
