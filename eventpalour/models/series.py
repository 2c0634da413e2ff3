"""Recurring events (#22 §3): a series is the rule its dates came from; each date is a real event.

An occurrence is a whole `Event` (own tiers and capacity, orders, tickets, scans, status) whose
`series_id` points here, so selling, checking in, cancelling and refunding one date are the event
flows unchanged, and one date's capacity never touches another's.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class SeriesRule(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    DATES = "dates"  # a list of dates picked by hand


class EventSeries(SQLModel, table=True):
    """The dates of one event repeated, e.g. "every week, 4 dates" from Fri 5 Dec 18:00 Africa/Nairobi.

    Kept as typed (rule, interval, end date or count, or the picked `dates` as local YYYY-MM-DD) so
    the organizer sees how the dates came about; the occurrences themselves are the events with
    this `series_id`, the first of them the event the series was made from.
    """

    __tablename__ = "event_series"
    __table_args__ = (
        CheckConstraint("rule IN ('daily', 'weekly', 'monthly', 'dates')", name="ck_event_series_rule"),
        CheckConstraint("interval >= 1", name="ck_event_series_interval"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    rule: str = Field(max_length=16)
    interval: int = Field(default=1)
    until_date: str | None = Field(default=None, max_length=10)  # local YYYY-MM-DD, inclusive
    count: int | None = Field(default=None)
    dates: list[str] = Field(default_factory=list, sa_type=JSON)
    timezone: str = Field(max_length=64)
    created_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
