"""Daily rollups for the workspace analytics page (issue #22 §1).

Each row is one UTC day of one event; the change it counts appends a `RollupDelta` in its own
transaction, folded into the row within seconds and before any read (services/finance/rollups.py;
`rebuild_rollups` recomputes them from the orders). The
page reads these few rows per day instead of scanning orders and tickets, so it stays fast for a
workspace with hundreds of thousands of tickets. Every money column means what
services/finance/money_figures.py says it means, for the sales paid (refunds recorded) that day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


class SalesDay(SQLModel, table=True):
    """One event's sales on one UTC day, per currency and payment channel, e.g. 2026-12-05, KES, card:
    3 orders, 5 tickets, KES 7,500.00 gross."""

    __tablename__ = "analytics_sales_days"
    __table_args__ = (Index("ix_analytics_sales_days_workspace_day", "workspace_id", "day"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    currency: str = Field(primary_key=True, max_length=3)
    channel: str = Field(primary_key=True, max_length=20)  # "" for free registrations
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    paid_orders: int = Field(default=0)
    gross: int = Field(default=0)
    platform_fees: int = Field(default=0)
    provider_fees: int = Field(default=0)
    organizer_share: int = Field(default=0)
    discounts: int = Field(default=0)
    refunds: int = Field(default=0)
    tickets_issued: int = Field(default=0)  # by the sales paid that day
    tickets_voided: int = Field(default=0)  # refunded or cancelled that day (a failed refund gives back)
    new_buyers: int = Field(default=0)  # sales whose buyer had no earlier sale in the workspace
    returning_buyers: int = Field(default=0)  # sales whose buyer had one


class SalesCounters(SQLModel):
    """SalesDay's counters, for its sums below."""

    paid_orders: int = Field(default=0)
    gross: int = Field(default=0)
    platform_fees: int = Field(default=0)
    provider_fees: int = Field(default=0)
    organizer_share: int = Field(default=0)
    discounts: int = Field(default=0)
    refunds: int = Field(default=0)
    tickets_issued: int = Field(default=0)
    tickets_voided: int = Field(default=0)
    new_buyers: int = Field(default=0)
    returning_buyers: int = Field(default=0)


class SalesEventDay(SalesCounters, table=True):
    """An event's sales on one UTC day in every payment channel: `SalesDay`'s rows of the day summed
    over channels, kept by the same fold, for the page's events table of all events."""

    __tablename__ = "analytics_sales_event_days"
    __table_args__ = (Index("ix_analytics_sales_event_days_workspace_day", "workspace_id", "day"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    currency: str = Field(primary_key=True, max_length=3)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")


class WorkspaceSalesDay(SalesCounters, table=True):
    """A workspace's sales on one UTC day per currency and channel, all its events together:
    `SalesDay`'s rows summed over events, kept by the same fold, for the page's money, channels and
    chart of all events."""

    __tablename__ = "analytics_workspace_sales_days"

    workspace_id: str = Field(foreign_key="workspaces.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    currency: str = Field(primary_key=True, max_length=3)
    channel: str = Field(primary_key=True, max_length=20)


class TierDay(SQLModel, table=True):
    """One tier's tickets on one UTC day: issued by sales paid that day, voided that day."""

    __tablename__ = "analytics_tier_days"
    __table_args__ = (Index("ix_analytics_tier_days_workspace_day", "workspace_id", "day"),)

    tier_id: str = Field(foreign_key="ticket_tiers.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    tickets_issued: int = Field(default=0)
    tickets_voided: int = Field(default=0)


class ViewDay(SQLModel, table=True):
    """Views of an event's public page on one UTC day from one referrer host ("" when typed or
    hidden) and UTM campaign ("" without one). Nothing about the visitor is kept."""

    __tablename__ = "analytics_view_days"
    __table_args__ = (Index("ix_analytics_view_days_workspace_day", "workspace_id", "day"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    referrer_host: str = Field(primary_key=True, max_length=255)
    campaign: str = Field(primary_key=True, max_length=100)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    views: int = Field(default=0)


class ViewEventDay(SQLModel, table=True):
    """An event's views on one UTC day from every referrer and campaign: `ViewDay`'s rows of the day
    summed, kept by the same fold, so the page's views per event read one row per event and day
    instead of one per referrer and campaign."""

    __tablename__ = "analytics_view_event_days"
    __table_args__ = (Index("ix_analytics_view_event_days_workspace_day", "workspace_id", "day"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    views: int = Field(default=0)


class ViewSourceDay(SQLModel, table=True):
    """A workspace's views on one UTC day from one referrer host and campaign, all its events
    together: `ViewDay`'s rows summed over events, kept by the same fold, for the page's top referrers
    and campaigns of all events (an event's own come from `ViewDay`). A deleted event's views are
    taken out with it (rollups.forget_event_sums)."""

    __tablename__ = "analytics_view_source_days"

    workspace_id: str = Field(foreign_key="workspaces.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    referrer_host: str = Field(primary_key=True, max_length=255)
    campaign: str = Field(primary_key=True, max_length=100)
    views: int = Field(default=0)


class CheckoutDay(SQLModel, table=True):
    """Checkouts started (orders created, paid or free) for an event on one UTC day: the funnel's middle step."""

    __tablename__ = "analytics_checkout_days"
    __table_args__ = (Index("ix_analytics_checkout_days_workspace_day", "workspace_id", "day"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    checkouts_started: int = Field(default=0)


class BuyerPlaceDay(SQLModel, table=True):
    """One event's sales on one UTC day from buyers of one country and city (ISO code and city as the
    order keeps them, "" when unknown), e.g. 2026-12-05, KE, Nairobi: 3 orders, 5 tickets."""

    __tablename__ = "analytics_buyer_place_days"
    __table_args__ = (Index("ix_analytics_buyer_place_days_workspace_day", "workspace_id", "day"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    country: str = Field(primary_key=True, max_length=2)
    city: str = Field(primary_key=True, max_length=80)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    paid_orders: int = Field(default=0)
    tickets_issued: int = Field(default=0)  # by the sales paid that day


class WorkspacePlaceDay(SQLModel, table=True):
    """A workspace's sales on one UTC day from buyers of one country and city, all its events
    together: `BuyerPlaceDay`'s rows summed over events, kept by the same fold, for the page's
    places of all events (an event's own come from `BuyerPlaceDay`)."""

    __tablename__ = "analytics_workspace_place_days"

    workspace_id: str = Field(foreign_key="workspaces.id", primary_key=True, max_length=16, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    country: str = Field(primary_key=True, max_length=2)
    city: str = Field(primary_key=True, max_length=80)
    paid_orders: int = Field(default=0)
    tickets_issued: int = Field(default=0)


class RollupDelta(SQLModel, table=True):
    """One change to a day row above, appended in the transaction that makes it and folded into its
    row shortly after (services/finance/rollups.py `fold_rollups`). Appending waits for no other
    writer, where adding to the day row itself would queue every sale of a rush behind that row's
    lock; the owners are columns so that deleting an event, a tier or a workspace takes its
    pending deltas with it."""

    __tablename__ = "analytics_rollup_deltas"

    id: int | None = Field(default=None, primary_key=True)
    rollup: str = Field(max_length=40)  # the day table's name
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE", index=True)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE", index=True)
    tier_id: str | None = Field(
        default=None, foreign_key="ticket_tiers.id", max_length=16, ondelete="CASCADE", index=True
    )
    keys: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))  # the day row's key, day as ISO text
    counts: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
