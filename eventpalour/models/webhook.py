"""Outgoing webhooks (#23 §2): a workspace's endpoints and every delivery queued for them.

A delivery is queued in the same transaction as the change it reports (platform/webhooks.py) and
sent by the worker, signed with its endpoint's secret, retried with backoff for a day.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Integer
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class WebhookEventType(StrEnum):
    ORDER_PAID = "order.paid"
    ORDER_REFUNDED = "order.refunded"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CHECKED_IN = "ticket.checked_in"
    EVENT_UPDATED = "event.updated"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try or its next retry
    SENDING = "sending"  # claimed by a worker (until `locked_until`)
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # retried for a day without a 2xx: given up


WAITING_DELIVERY_STATUSES = (WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.SENDING)


class WebhookEndpoint(SQLModel, table=True):
    """A URL a workspace wants told of some event types. `events` is ",order.paid,ticket.checked_in,"
    (commas around each), so the queueing statement picks subscribers with one LIKE, on either database.
    `secret` signs every delivery; it is kept as is, since signing needs it (it is shown once)."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_workspace_id", "workspace_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    created_by: str = Field(foreign_key="users.id", max_length=16)
    url: str = Field(max_length=500)
    events: str = Field(max_length=255)
    secret: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint. The id is a growing number: deliveries about one `subject` (an
    order, a ticket, an event) go to an endpoint in id order, each after the one before is done."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_subject", "endpoint_id", "subject", "id"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", max_length=16, ondelete="CASCADE")
    event_type: str = Field(max_length=32)
    subject: str = Field(max_length=40)
    body: str
    status: str = Field(default=WebhookDeliveryStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
