"""Outgoing webhooks (#23 §2): queued with the change they report, signed, delivered by the worker.

`emit` runs inside the business transaction (payment settled, refund processed, ticket transferred
or checked in, event edited): one INSERT … SELECT writes a delivery for every endpoint of the
event's workspace that subscribed to the type, so a change that rolls back tells nobody, and a
workspace without endpoints costs one statement that writes nothing.

`deliver_due` (the worker's loop, like the email outbox) posts each delivery signed with its
endpoint's secret: header `EventPalour-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>">`. Receivers recompute it and refuse a `t` older than REPLAY_WINDOW (`verify_signature`
is the reference). A delivery that gets no 2xx is retried with exponential backoff (`retry_delay`)
until RETRY_FOR after it was queued. Deliveries about one subject (an order, a ticket, an event)
reach an endpoint in the order they were queued: one waits while an older one is still waiting.

Bodies carry ids, codes and amounts, never a person's name or address: they are kept as the delivery
log, which account deletion does not comb through; an integration reads people through /api/v1.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, Row, bindparam, exists, insert, literal, or_, select, update
from sqlmodel import Session

from eventpalour.db import read_only, rows_changed, write_batch
from eventpalour.integrations import webhooks as http_webhooks
from eventpalour.models import (
    WAITING_DELIVERY_STATUSES,
    Event,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)
from eventpalour.models.types import new_id, utcnow

SIGNATURE_HEADER = "EventPalour-Signature"
EVENT_HEADER = "EventPalour-Event"
DELIVERY_HEADER = "EventPalour-Delivery"
REPLAY_WINDOW = 300  # seconds a receiver should accept a signature's timestamp for
RETRY_FOR = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)
CLAIM_SECONDS = 60

_deliveries = WebhookDelivery.__table__
_endpoints = WebhookEndpoint.__table__
_events = Event.__table__
_older = _deliveries.alias("older")
_now = bindparam("now", type_=_deliveries.c.created_at.type)
_WAITING = [status.value for status in WAITING_DELIVERY_STATUSES]


def _subscribing(workspace_id: ColumnElement[str], pattern: ColumnElement[str]) -> tuple[ColumnElement[bool], ...]:
    """An endpoint of the workspace `workspace_id` that is not removed and whose events match `pattern`
    (`subscription_pattern`): the endpoints an `emit` queues a delivery for."""
    return (
        _endpoints.c.workspace_id == workspace_id,
        _endpoints.c.removed_at.is_(None),
        _endpoints.c.events.like(pattern),
    )


def subscribed(workspace_id: ColumnElement[str], event_type: WebhookEventType) -> ColumnElement[bool]:
    """Whether any endpoint would get an `emit` of `event_type` in the workspace `workspace_id`, as a
    column for a read the caller makes anyway: a hot path that emits on every call (a door scan) then
    skips the queueing statement where nobody subscribed, which is almost everywhere."""
    return exists().where(*_subscribing(workspace_id, literal(subscription_pattern(event_type.value))))


# Built once: this runs inside checkout's and settling's transactions.
_QUEUE = insert(_deliveries).from_select(
    ["endpoint_id", "event_type", "subject", "body", "status", "attempts", "next_attempt_at", "created_at"],
    select(
        _endpoints.c.id,
        bindparam("event_type"),
        bindparam("subject"),
        bindparam("body"),
        literal(WebhookDeliveryStatus.PENDING.value),
        literal(0),
        _now,
        _now,
    ).where(
        *_subscribing(
            select(_events.c.workspace_id).where(_events.c.id == bindparam("event_id")).scalar_subquery(),
            bindparam("subscribed"),
        )
    ),
)
_CLAIMABLE = (
    _deliveries.c.status.in_(_WAITING),
    or_(_deliveries.c.locked_until.is_(None), _deliveries.c.locked_until < _now),
)
_DUE = (
    select(
        _deliveries.c.id,
        _deliveries.c.attempts,
        _deliveries.c.event_type,
        _deliveries.c.body,
        _deliveries.c.created_at,
        _endpoints.c.url,
        _endpoints.c.secret,
    )
    .join(_endpoints, _endpoints.c.id == _deliveries.c.endpoint_id)
    .where(
        *_CLAIMABLE,
        _deliveries.c.next_attempt_at <= _now,
        _endpoints.c.removed_at.is_(None),
        # In order per subject: an older delivery about the same thing to the same endpoint goes first.
        ~exists().where(
            _older.c.endpoint_id == _deliveries.c.endpoint_id,
            _older.c.subject == _deliveries.c.subject,
            _older.c.id < _deliveries.c.id,
            _older.c.status.in_(_WAITING),
        ),
    )
    .order_by(_deliveries.c.id)
    .limit(bindparam("limit", type_=Integer))
)
_CLAIM = (
    update(_deliveries)
    .where(
        _deliveries.c.id == bindparam("delivery_id"), _deliveries.c.attempts == bindparam("attempts_read"), *_CLAIMABLE
    )
    .values(
        status=WebhookDeliveryStatus.SENDING.value,
        locked_until=bindparam("lock_until", type_=_deliveries.c.locked_until.type),
    )
)


def subscription_pattern(event_type: str) -> str:
    """What `WebhookEndpoint.events` contains when it subscribes to `event_type`."""
    return f"%,{event_type},%"


def emit(
    executor: Session | Connection,
    event_type: WebhookEventType,
    *,
    event_id: str,
    subject: str,
    data: dict[str, Any],
) -> None:
    """Queue `event_type` about `subject` (e.g. "order:<id>") of the event `event_id` for every endpoint
    of its workspace that subscribed, in the caller's transaction."""
    emit_many(executor, event_type, event_id=event_id, items=[(subject, data)])


def emit_many(
    executor: Session | Connection,
    event_type: WebhookEventType,
    *,
    event_id: str,
    items: Sequence[tuple[str, dict[str, Any]]],
) -> None:
    """`emit` for several (subject, data) of one event in one executemany (a door device's uploaded
    offline check-ins: thousands at once)."""
    if not items:
        return
    now = utcnow()
    rows = [
        {
            "event_type": event_type.value,
            "subject": subject,
            "body": json.dumps(
                {"id": new_id(), "type": event_type.value, "created_at": now.isoformat(), "data": data},
                separators=(",", ":"),
                default=str,
            ),
            "now": now,
            "event_id": event_id,
            "subscribed": subscription_pattern(event_type.value),
        }
        for subject, data in items
    ]
    executor.execute(_QUEUE, rows[0] if len(rows) == 1 else rows)


def sign(secret: str, timestamp: int, body: str) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" under `secret`."""
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: str) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: str, *, now: int, tolerance: int = REPLAY_WINDOW) -> bool:
    """What a receiver does: the header's `v1` matches, and its `t` is within `tolerance` seconds of `now`."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), sign(secret, timestamp, body))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 1 min, 2 min, … doubling, at most 2 h."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def retry_schedule() -> list[timedelta]:
    """When each try happens, counted from the queueing, until RETRY_FOR is over (for the docs and tests)."""
    moments, elapsed, attempts = [timedelta(0)], timedelta(0), 1
    while elapsed + retry_delay(attempts) <= RETRY_FOR:
        elapsed += retry_delay(attempts)
        moments.append(elapsed)
        attempts += 1
    return moments


def _due(limit: int) -> list[Row[Any]]:
    with read_only() as reader:
        return list(reader.connection().execute(_DUE, {"now": utcnow(), "limit": limit}).all())


def _claim(due: Row[Any]) -> bool:
    now = utcnow()
    claim = {
        "delivery_id": due.id,
        "attempts_read": due.attempts,
        "now": now,
        "lock_until": now + timedelta(seconds=CLAIM_SECONDS),
    }
    with write_batch() as batch:
        claimed = batch.execute(_CLAIM, claim)
    return rows_changed(claimed) == 1


def _finish(claimed: Row[Any], result: http_webhooks.PostResult) -> None:
    attempts, now = claimed.attempts + 1, utcnow()
    values: dict[str, Any] = {"attempts": attempts, "locked_until": None, "response_status": result.status_code}
    if result.delivered:
        values |= {"status": WebhookDeliveryStatus.DELIVERED.value, "delivered_at": now, "last_error": None}
    else:
        retry_at = now + retry_delay(attempts)
        given_up = retry_at > claimed.created_at + RETRY_FOR
        status = WebhookDeliveryStatus.FAILED if given_up else WebhookDeliveryStatus.PENDING
        values |= {"status": status.value, "next_attempt_at": retry_at, "last_error": result.error[:500]}
    with write_batch() as batch:
        batch.execute(update(_deliveries).where(_deliveries.c.id == claimed.id).values(**values))


def deliver_due_webhooks(limit: int = 20) -> int:
    """Post up to `limit` due deliveries; returns how many the endpoints took. Safe in many workers."""
    delivered = 0
    for row in _due(limit):
        if not _claim(row):
            continue
        headers = {
            SIGNATURE_HEADER: signature_header(row.secret, int(time.time()), row.body),
            EVENT_HEADER: row.event_type,
            DELIVERY_HEADER: str(row.id),
        }
        result = http_webhooks.post(row.url, row.body, headers)
        _finish(row, result)
        delivered += result.delivered
    return delivered


def queue_again(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    """A new delivery of the same body to the same endpoint ("Resend"), in the caller's transaction;
    it goes after whatever is already queued about its subject."""
    again = WebhookDelivery(
        endpoint_id=delivery.endpoint_id,
        event_type=delivery.event_type,
        subject=delivery.subject,
        body=delivery.body,
    )
    session.add(again)
    session.flush()
    return again


def delivery_is_waiting(status: str) -> bool:
    return status in _WAITING
