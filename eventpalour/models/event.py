"""Events, their categories, partners and ticket tiers (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ColumnElement, Index, Integer, UniqueConstraint, column, false, or_
from sqlalchemy.orm import column_property
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


class RefundPolicy(StrEnum):
    """When a buyer may ask for their money back (#19 §5); the window itself is decided in
    services/sales/refund_policy.py."""

    NONE = "none"  # no refunds
    DAYS_BEFORE = "days_before"  # until `refund_days` days before the start
    UNTIL_START = "until_start"  # until the event starts


MAX_REFUND_POLICY_TEXT = 1000


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
    """One entry of the managed category list organizers pick from, e.g. "Music" (slug `music`).

    Seeded with a fixed list (migration 9c4a2e7f1b63); platform admins add to it by approving an
    organizer's `CategorySuggestion`. `slug` (the name lower-cased, dashes between words) is how
    names are compared, so "Sports" and "sports" are one category.
    """

    __tablename__ = "categories"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    name: str = Field(max_length=64)
    slug: str = Field(unique=True, max_length=64)


class CategorySuggestionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CategorySuggestion(SQLModel, table=True):
    """An organizer asking for a category the list lacks, e.g. "Comedy" from the event creator.

    pending → approved (the name joins `categories`) | rejected, decided by a platform admin.
    `slug` is compared with the list and with other pending suggestions (services/events/categories.py).
    """

    __tablename__ = "category_suggestions"
    __table_args__ = (Index("ix_category_suggestions_status_created", "status", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    name: str = Field(max_length=64)
    slug: str = Field(max_length=64)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    suggested_by_id: str = Field(foreign_key="users.id", max_length=16, ondelete="CASCADE")
    status: str = Field(default=CategorySuggestionStatus.PENDING, max_length=16)
    decided_by_id: str | None = Field(default=None, max_length=16)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


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
    refund_policy: str = Field(default=RefundPolicy.NONE, max_length=16)
    refund_days: int | None = Field(default=None)  # with DAYS_BEFORE only
    refund_policy_text: str = Field(default="", max_length=MAX_REFUND_POLICY_TEXT)
    waitlist_offer_minutes: int = Field(default=30)  # how long a waitlist offer holds its seats
    # Who may buy (#24 §1): signed-out buyers may check out as guests unless the organizer requires
    # accounts; a guest is asked a phone number when the organizer wants one.
    requires_account: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    asks_buyer_phone: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Checkout asks buyers for a phone, and tickets, transfers and announcements also go by SMS (#23 §3).
    sms_tickets: bool = Field(default=False)
    status: str = Field(default=EventStatus.DRAFT, max_length=16)
    is_listed: bool = Field(default=False)
    search_text: str = Field(default="")
    created_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The series this event is one date of (models/series.py), or None for a one-off event. A series
    # is never deleted on its own (its workspace's deletion takes its events too), so no ON DELETE.
    series_id: str | None = Field(default=None, foreign_key="event_series.id", index=True, max_length=16)


class EventPartner(SQLModel, table=True):
    """A sponsor or partner shown on the event page."""

    __tablename__ = "event_partners"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=16, ondelete="CASCADE")
    name: str = Field(max_length=120)
    url: str | None = Field(default=None, max_length=500)
    logo_url: str | None = Field(default=None, max_length=1024)
    sort_order: int = Field(default=0)


@dataclass(frozen=True)
class TierSeats:
    """A tier's seats, written once as SQL over its three counters: `quantity` (NULL: unlimited),
    `sold` (issued tickets) and `held` (seats of orders awaiting payment).

    The counters may be any column expressions: the table's columns (`TIER_SEATS`, for ORM selects
    and Core statements), bare column names (`CAPACITY_RULE`, the CHECK's text) or literals.
    """

    quantity: ColumnElement[int]
    sold: ColumnElement[int]
    held: ColumnElement[int]

    @property
    def taken(self) -> ColumnElement[int]:
        """Seats sold or held: an open hold counts, its buyer may pay any moment."""
        return self.sold + self.held

    @property
    def left(self) -> ColumnElement[int]:
        """Seats still to be had; NULL when unlimited. Never negative: the capacity CHECK sees to it."""
        return self.quantity - self.taken

    def fit(self, more: ColumnElement[int] | int | None = None) -> ColumnElement[bool]:
        """The capacity rule: the seats taken, plus `more` about to be, fit the quantity."""
        taken = self.taken if more is None else self.taken + more
        return or_(self.quantity.is_(None), taken <= self.quantity)


CAPACITY_CHECK = "ck_ticket_tiers_capacity"
CAPACITY_RULE = str(
    TierSeats(column("quantity", Integer), column("sold", Integer), column("held", Integer))
    .fit()
    .compile(compile_kwargs={"literal_binds": True})
)
"""The capacity rule as the CHECK's text, "quantity IS NULL OR sold + held <= quantity"; the migration
that created the CHECK (alembic/versions/20261127_8a8d9caae9d4) holds the same text, compared by a test."""


class TicketTier(SQLModel, table=True):
    """A kind of ticket with its own price and pool, e.g. VIP: KES 5,000.00, 100 seats.

    `sold` counts issued tickets and `held` counts seats in pending orders; `quantity` None means
    unlimited. The seat figures are SQL (`TierSeats`), loaded with every tier as the read-only
    `seats_taken` and `seats_left` (mapped below the class); services/sales/capacity.py changes the counters.
    """

    __tablename__ = "ticket_tiers"
    __table_args__ = (
        CheckConstraint("price >= 0", name="ck_ticket_tiers_price"),
        CheckConstraint("sold >= 0 AND held >= 0", name="ck_ticket_tiers_counters"),
        CheckConstraint(CAPACITY_RULE, name=CAPACITY_CHECK),
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
    waitlist: bool = Field(default=False)  # sold out, people may join its waitlist (#19 §4)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TierTemplate(SQLModel, table=True):
    """A workspace's ready-made ticket tier, e.g. VIP: KES 5,000.00, 100 seats, 4 per order, that its
    event creators start tiers from (copied into the event, then edited there; the event keeps no link).

    `price` is in minor units of `currency`: prices are never converted, so a priced template is
    offered only to paid events in its currency. `name_key` (the name case-folded) keeps names unique
    in the workspace whatever their case.
    """

    __tablename__ = "tier_templates"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name_key", name="uq_tier_templates_workspace_name"),
        CheckConstraint("price >= 0", name="ck_tier_templates_price"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=255)
    description: str = Field(default="", max_length=500)
    price: int = Field(default=0)
    currency: str = Field(default="KES", max_length=3)
    quantity: int | None = Field(default=None)
    max_per_order: int = Field(default=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


TIER_SEATS = TierSeats(TicketTier.__table__.c.quantity, TicketTier.__table__.c.sold, TicketTier.__table__.c.held)
"""The seat expressions over the ticket_tiers table, for Core statements (services/sales/capacity.py)."""

# Loaded with each tier by the ORM (and selectable as `TicketTier.seats_left`); read-only.
TicketTier.seats_taken = column_property(TIER_SEATS.taken)
TicketTier.seats_left = column_property(TIER_SEATS.left)
