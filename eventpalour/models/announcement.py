"""Announcements to an event's ticket holders (#22 §2), and the holders who opted out of them.

An announcement is written once and sent once: `status` moves from scheduled to sent by one
conditional UPDATE (services/tickets/announcements.py), so two workers never send it twice, or from
scheduled to cancelled by the organizer. Its emails go through the outbox, spaced by the event's rate.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class AnnouncementStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    CANCELLED = "cancelled"


class AnnouncementAudience(StrEnum):
    ALL = "all"  # every ticket holder
    TIERS = "tiers"  # holders of the tiers in `tier_ids`
    CHECKED_IN = "checked_in"
    NOT_CHECKED_IN = "not_checked_in"


class Announcement(SQLModel, table=True):
    """A message to some of an event's ticket holders, sent at `send_at` (aware UTC).

    `recipients_count` is how many addresses it was queued to; `last_slot_at` is when its last batch
    of emails is due, where the event's next announcement carries on the event's rate.
    """

    __tablename__ = "announcements"
    __table_args__ = (
        # The worker polls for scheduled announcements whose time has come.
        Index("ix_announcements_status_send_at", "status", "send_at"),
        Index("ix_announcements_event_created", "event_id", "created_at"),
        CheckConstraint("status IN ('scheduled', 'sent', 'cancelled')", name="ck_announcements_status"),
        CheckConstraint(
            "audience IN ('all', 'tiers', 'checked_in', 'not_checked_in')", name="ck_announcements_audience"
        ),
        CheckConstraint("recipients_count >= 0", name="ck_announcements_recipients_count"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    author_id: str = Field(foreign_key="users.id", max_length=16)
    subject: str = Field(max_length=150)
    body: str  # Markdown, as the author wrote it; rendered without raw HTML (platform/markdown_text.py)
    audience: str = Field(max_length=16)
    tier_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default=AnnouncementStatus.SCHEDULED, max_length=16)
    send_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recipients_count: int = Field(default=0)
    last_slot_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnnouncementOptOut(SQLModel, table=True):
    """A holder's address (accounts.email_key form) that gets no more announcements of one event."""

    __tablename__ = "announcement_opt_outs"

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    email_key: str = Field(primary_key=True, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
