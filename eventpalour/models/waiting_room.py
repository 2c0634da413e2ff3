"""The fair queue of an event's on-sale moment (#18): the organizer's waiting room and who waits in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow

MAX_RATE_PER_MINUTE = 100_000


class WaitingRoom(SQLModel, table=True):
    """An event's waiting room. From `opens_at` on, while `enabled`, the event page and its checkout
    need an admission; at `starts_at` (the on-sale moment) admission begins at `rate_per_minute`.

    `seed` is the secret the draw among early arrivals is keyed with (services/sales/waiting_room.py);
    `credit_at` is the rate limiter's clock (a generic cell rate algorithm): admitting n visitors moves
    it n × 60 / rate seconds on, and it never falls more than two batches behind now.
    `admitted_count` counts the admissions made (a visitor whose turn lapsed and who is let in again
    counts twice); admitting is a compare-and-set on it, which serialises admitting between workers.
    """

    __tablename__ = "waiting_rooms"
    __table_args__ = (
        CheckConstraint(f"rate_per_minute BETWEEN 1 AND {MAX_RATE_PER_MINUTE}", name="ck_waiting_rooms_rate"),
        CheckConstraint("opens_at <= starts_at", name="ck_waiting_rooms_opens_first"),
    )

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    enabled: bool = Field(default=True)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    rate_per_minute: int
    seed: str = Field(max_length=64)
    credit_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    admitted_count: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WaitingRoomVisitor(SQLModel, table=True):
    """One browser's place in an event's waiting room (one per browser and event: many tabs share it).

    `place_key` orders the queue: an arrival before `starts_at` gets a key below `LATE_PLACES` drawn
    from the room's seed (a random order among early arrivals), a later arrival `LATE_PLACES` plus its
    arrival time in microseconds (first come, first served after them). `admitted_at` is set once, by
    the conditional UPDATE that admits (`admitted_at IS NULL`); `entered_at` once, when the pass is
    redeemed by this browser.
    """

    __tablename__ = "waiting_room_visitors"
    __table_args__ = (
        Index("uq_waiting_room_visitors_browser", "event_id", "browser_id", unique=True),
        Index("ix_waiting_room_visitors_place", "event_id", "place_key"),
        Index("ix_waiting_room_visitors_admitted", "event_id", "admitted_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    browser_id: str = Field(max_length=32)
    place_key: int = Field(sa_column=Column(BigInteger(), nullable=False))
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    admitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    entered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


LATE_PLACES = 1 << 56
"""Where the places of visitors who arrive after the start begin: above every drawn key (48 bits)."""
