"""A check-in or a paid order is queued for the workspace's webhook endpoints that take it, and only
then: the door's read and the order's confirmation facts say whether any endpoint does, so where none
does (almost everywhere) the hot paths send no queueing statement at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import WebhookDelivery
from eventpalour.services.tickets import scanning, ticket_tokens
from eventpalour.services.workspaces import webhook_endpoints
from tests.factories import add_member, make_user
from tests.sql_watch import statements_sent
from tests.ticket_support import Venue, issue, make_venue


@pytest.fixture
def venue() -> Venue:
    return make_venue()


@contextmanager
def _queueing() -> Iterator[list[str]]:
    """The statements inside the block that touch the webhook queue."""
    with statements_sent() as ran:
        queueing: list[str] = []
        yield queueing
    queueing.extend(statement for statement in ran if "webhook_deliveries" in statement)


def _queued(event_type: str) -> list[str]:
    """The endpoints a delivery of `event_type` was queued for."""
    with read_only() as session:
        return list(session.exec(select(WebhookDelivery.endpoint_id).where(WebhookDelivery.event_type == event_type)))


def _register(venue: Venue, *events: str) -> str:
    made = webhook_endpoints.register_webhook(
        actor=venue.owner.summary, workspace_id=venue.workspace_id, url="https://hooks.example.com/in", events=events
    )
    return made.endpoint.id


def _remove(venue: Venue, endpoint_id: str) -> None:
    owner = venue.owner.summary
    webhook_endpoints.remove_webhook(actor=owner, workspace_id=venue.workspace_id, endpoint_id=endpoint_id)


def _queues_only_for_takers(venue: Venue, event_type: str, act: Callable[[], None]) -> None:
    """`act` queues nothing without an endpoint, with one for other events only, or with a removed
    one; with one taking `event_type` it queues one delivery, for that endpoint alone."""
    with _queueing() as ran:
        act()
    assert ran == []
    _register(venue, "event.updated")
    taker = _register(venue, event_type)
    with _queueing() as ran:
        act()
    assert len(ran) == 1
    assert _queued(event_type) == [taker]
    _remove(venue, taker)
    with _queueing() as ran:
        act()
    assert ran == [] and _queued(event_type) == [taker]


def test_a_check_in_is_queued_only_where_an_endpoint_takes_check_ins(venue):
    staff = make_user()
    add_member(venue.workspace_id, staff, "member")

    tickets = iter(issue(venue, count=3))  # issued before: only the scans are watched

    def scan() -> None:
        ticket = next(tickets)
        token = ticket_tokens.sign(ticket.id, ticket.event_id, ticket.secret_version)
        outcome = scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=token)
        assert outcome.result == "ok"

    _queues_only_for_takers(venue, "ticket.checked_in", scan)


def test_a_completed_order_is_queued_only_where_an_endpoint_takes_paid_orders(venue):
    _queues_only_for_takers(venue, "order.paid", lambda: issue(venue))
