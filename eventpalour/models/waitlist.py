"""Waitlists of sold-out ticket tiers (#19 §4): who waits for seats, and the offer each one got."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class WaitlistStatus(StrEnum):
    WAITING = "waiting"  # in line
    OFFERED = "offered"  # seats were held for them once (`order_id`): claimed or expired is the order's
    LEFT = "left"  # they left the line before any offer


class WaitlistEntry(SQLModel, table=True):
    """One person waiting for `quantity` seats of a sold-out tier, in line by `created_at`.

    An offer is an ordinary pending order (`order_id`) made for them with the seats held in the
    tier's `held` counter, expiring after the event's `waitlist_offer_minutes`: the one capacity
    rule (`TierSeats`) counts offered seats as it counts any hold, so nobody else can buy them.
    Paying that order is claiming the offer; its hold running out (or being cancelled) is the offer
    expiring. A person waits at most once per tier at a time (`uq_waitlist_entries_waiting`).
    """

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index(
            "uq_waitlist_entries_waiting",
            "tier_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_waitlist_entries_tier_status_created", "tier_id", "status", "created_at"),
        Index("ix_waitlist_entries_event_created", "event_id", "created_at"),
        CheckConstraint("quantity > 0", name="ck_waitlist_entries_quantity"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    tier_id: str = Field(foreign_key="ticket_tiers.id", max_length=16, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", max_length=16)
    quantity: int
    status: str = Field(default=WaitlistStatus.WAITING, max_length=16)
    order_id: str | None = Field(default=None, foreign_key="orders.id", max_length=16)
    offered_quantity: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
