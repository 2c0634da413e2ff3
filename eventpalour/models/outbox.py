"""Queued emails and text messages (SMS). Written in the same transaction as the change they report;
sent by the worker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxEmail(SQLModel, table=True):
    """One email to one address, or (`channel` sms) one text message to `to_phone` (E.164) for the
    account at `to_email`, e.g. "Jazz on the Lawn: ticket ABCD2345 …" to +254712345678 for
    amina@example.com. `attachments` holds `{filename, content_type, data_b64}` items (emails only).

    A row is claimed by setting `locked_until`, so several workers never send it twice; a worker
    that dies mid-send leaves the lock to expire and the row is retried.
    """

    __tablename__ = "outbox"
    # The worker polls every second and after every batch: it must read only what is waiting
    # (pending/sending), not every email ever sent (a full scan that grows with each order).
    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    to_email: str = Field(index=True, max_length=320)
    subject: str = Field(max_length=255)
    text_body: str
    html_body: str | None = None
    kind: str = Field(max_length=48, index=True)
    # Keyed by the account's address either way, so erasing an account (forget_recipient) finds its
    # text messages too.
    channel: str = Field(default=OutboxChannel.EMAIL, max_length=8, sa_column_kwargs={"server_default": "email"})
    to_phone: str | None = Field(default=None, max_length=16)
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    # Extra message headers, e.g. List-Unsubscribe on announcements (RFC 2369 / RFC 8058).
    headers: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    transport: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
