"""Events, their categories, partners and ticket tiers (SPEC §4)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class EventType(StrEnum):
    PHYSICAL = "physical"
    ONLINE = "online"
    HYBRID = "hybrid"


class EventPricing(StrEnum):
    FREE = "free"
    PAID = "paid"


class FeeMode(StrEnum):
    ABSORB = "absorb"
    PASS_ON = "pass_on"


class MeetingPlatform(StrEnum):
    GOOGLE_MEET = "google-meet"
    ZOOM = "zoom"
    TEAMS = "teams"
    CUSTOM = "custom"


class EventStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    INACTIVE = "inactive"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


SELLING_EVENT_STATUSES = (EventStatus.ACTIVE, EventStatus.POSTPONED)
"""Events that are listed and sell tickets (until their end)."""
ENDED_EVENT_STATUSES = (EventStatus.CANCELLED, EventStatus.COMPLETED)
"""Events that are over: their tickets can no longer change hands or tiers."""


class Category(SQLModel, table=True):
    """An event category, created the first time an organizer names it (e.g. "Music")."""

    __tablename__ = "categories"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    name: str = Field(max_length=64)
    slug: str = Field(unique=True, max_length=64)


class Event(SQLModel, table=True):
    """One event of a workspace, e.g. "Jazz on the Lawn", 5 Dec 18:00–23:00 Africa/Nairobi.

    `search_text` is a lower-cased copy of the title, description, city and workspace name, and
    `is_listed` is true while the status is public (active or postponed); the services keep both,
    so discovery reads one ordered index instead of sorting every public event.
    """

    __tablename__ = "events"
    __table_args__ = (
        # end_at rides along so "not over yet" is checked in the index, without reading each row.
        Index("ix_events_listed_start", "is_listed", "start_at", "end_at"),
        Index("ix_events_listed_category_start", "is_listed", "category_id", "start_at", "end_at"),
        Index("ix_events_listed_city_start", "is_listed", "city_key", "start_at", "end_at"),
        Index("ix_events_workspace_status", "workspace_id", "status", "start_at"),
        CheckConstraint("start_at < end_at", name="ck_events_dates"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    short_id: str = Field(unique=True, max_length=6)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    title: str = Field(max_length=255)
    description: str
    category_id: str | None = Field(default=None, foreign_key="categories.id", max_length=16)
    type: str = Field(default=EventType.PHYSICAL, max_length=16)
    pricing: str = Field(default=EventPricing.FREE, max_length=8)
    venue: str | None = Field(default=None, max_length=255)
    city: str | None = Field(default=None, max_length=120)
    city_key: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=120)
    online_link: str | None = Field(default=None, max_length=1000)
    meeting_platform: str | None = Field(default=None, max_length=16)
    start_at: datetime = Field(sa_type=UTCDateTime)
    end_at: datetime = Field(sa_type=UTCDateTime)
    timezone: str = Field(default="Africa/Nairobi", max_length=64)
    banner_url: str | None = Field(default=None, max_length=1024)
    currency: str = Field(default="KES", max_length=3)
    fee_mode: str = Field(default=FeeMode.ABSORB, max_length=8)
    status: str = Field(default=EventStatus.DRAFT, max_length=16)
    is_listed: bool = Field(default=False)
    search_text: str = Field(default="")
    created_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EventPartner(SQLModel, table=True):
    """A sponsor or partner shown on the event page."""

    __tablename__ = "event_partners"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=16, ondelete="CASCADE")
    name: str = Field(max_length=120)
    url: str | None = Field(default=None, max_length=500)
    logo_url: str | None = Field(default=None, max_length=1024)
    sort_order: int = Field(default=0)


class TicketTier(SQLModel, table=True):
    """A kind of ticket with its own price and pool, e.g. VIP: KES 5,000.00, 100 seats.

    `sold` counts issued tickets and `held` counts seats in pending orders; the capacity rule
    `sold + held <= quantity` is kept by one conditional UPDATE (services/capacity.py).
    `quantity` None means unlimited.
    """

    __tablename__ = "ticket_tiers"
    __table_args__ = (
        CheckConstraint("price >= 0", name="ck_ticket_tiers_price"),
        CheckConstraint("sold >= 0 AND held >= 0", name="ck_ticket_tiers_counters"),
        CheckConstraint("quantity IS NULL OR sold + held <= quantity", name="ck_ticket_tiers_capacity"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=16, ondelete="CASCADE")
    name: str = Field(max_length=80)
    description: str = Field(default="", max_length=500)
    price: int = Field(default=0)
    quantity: int | None = Field(default=None)
    sold: int = Field(default=0)
    held: int = Field(default=0)
    sales_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sales_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    max_per_order: int = Field(default=10)
    sort_order: int = Field(default=0)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
