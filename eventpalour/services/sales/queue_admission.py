"""Admission to an event's waiting room (#18): the order of the line and the rate it moves at.

`waiting_room.py` holds the visitor's side (joining, polling, passes); this module decides who is
let in next and when, for whoever asks (any poll, on any worker):
- **The order.** `place_key`: an arrival before `starts_at` gets a key drawn from the room's secret
  seed (HMAC-SHA256 of its row id, 48 bits), a later one `LATE_PLACES` plus its arrival time in
  microseconds; the line is ordered by key, then id.
- **The rate.** A generic cell rate algorithm on the room's row: admitting n visitors moves its clock
  (`credit_at`) n × 60 / rate seconds on, and the clock never lags now by more than two batches, so
  by any moment t at most (t − starts_at) × rate / 60 visitors have been let in.
- **Nobody twice.** `admit_due` is a compare-and-set on the room's `admitted_count`: one caller
  admits the batch, the others change nothing; each `admitted_at` is set once (it must be NULL).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, select, update

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, WaitingRoom, WaitingRoomVisitor
from eventpalour.models.types import utcnow
from eventpalour.models.waiting_room import LATE_PLACES
from eventpalour.services.platform import N_, Conflict

ADMIT_EVERY_SECONDS = 1
"""Admissions are made in batches of this many seconds' worth of the rate (at least one visitor)."""
_DRAW_BITS = 48

ROOMS = WaitingRoom.__table__
VISITORS = WaitingRoomVisitor.__table__
EVENTS = Event.__table__


@dataclass(frozen=True)
class Room:
    """An event's waiting room as read, with the event's short id."""

    event_id: str
    short_id: str
    timezone: str
    enabled: bool
    opens_at: datetime
    starts_at: datetime
    rate_per_minute: int
    seed: str
    credit_at: datetime
    admitted_count: int

    def is_active(self, now: datetime) -> bool:
        """Whether the event page and its checkout need an admission now."""
        return self.enabled and now >= self.opens_at

    @property
    def interval(self) -> timedelta:
        """The time one admission takes at the room's rate."""
        return timedelta(seconds=60 / self.rate_per_minute)

    @property
    def batch(self) -> int:
        """How many admissions are made at once: `ADMIT_EVERY_SECONDS` of the rate, at least one."""
        return max(1, self.rate_per_minute * ADMIT_EVERY_SECONDS // 60)

    def clock(self, now: datetime) -> datetime:
        """The rate limiter's clock: never more than two batches behind now, so an idle room saves up
        no more than that for a sudden crowd."""
        return max(self.credit_at, now - 2 * self.batch * self.interval)

    def due(self, now: datetime) -> int:
        """How many visitors may be admitted now."""
        if now < self.starts_at:
            return 0
        return math.floor((now - self.clock(now)) / self.interval)


def read_room(connection: Connection, ref: str) -> Room | None:
    """The waiting room of the event `ref` (id or short id), or None when it has none."""
    row = (
        connection.execute(
            select(EVENTS.c.short_id, EVENTS.c.timezone, *ROOMS.c)
            .join(ROOMS, ROOMS.c.event_id == EVENTS.c.id)
            .where(or_(EVENTS.c.id == ref, EVENTS.c.short_id == ref))
        )
        .mappings()
        .first()
    )
    return Room(**{name: row[name] for name in Room.__dataclass_fields__}) if row else None


def place_key(room: Room, visitor_id: str, joined_at: datetime) -> int:
    """Where a visitor stands: drawn from the room's seed for an arrival before the start, else after
    every drawn key by arrival time (microseconds)."""
    if joined_at < room.starts_at:
        digest = hmac.new(room.seed.encode(), visitor_id.encode(), hashlib.sha256).digest()
        return int.from_bytes(digest[: _DRAW_BITS // 8], "big")
    return LATE_PLACES + int(joined_at.timestamp() * 1_000_000)


def _next_batch(connection: Connection, event_id: str, now: datetime) -> tuple[Room | None, list[str]]:
    """The room and the ids of the visitors due to be admitted now, in line order (joined by `now`)."""
    room = read_room(connection, event_id)
    if room is None or not room.is_active(now) or (due := room.due(now)) < 1:
        return room, []
    next_in_line = (
        select(VISITORS.c.id)
        .where(VISITORS.c.event_id == room.event_id, VISITORS.c.admitted_at.is_(None), VISITORS.c.joined_at <= now)
        .order_by(VISITORS.c.place_key, VISITORS.c.id)
        .limit(due)
    )
    return room, list(connection.execute(next_in_line).scalars())


def admit_due(*, event_id: str, now: datetime | None = None) -> int:
    """Admit the next visitors in line, as many as the rate allows now; returns how many.

    Whoever calls (any poll, on any worker) either wins the compare-and-set on the room's
    `admitted_count` and admits the batch, or changes nothing: no visitor is admitted twice and the
    rate holds across workers. Only visitors who had joined by `now` are admitted.
    """
    now = now or utcnow()
    if not _GUARDED.get():
        return _admit_unguarded(event_id, now)
    with transaction() as session:
        connection = session.connection()
        room, ids = _next_batch(connection, event_id, now)
        if room is None or not ids:
            return 0
        claimed = connection.execute(
            update(ROOMS)
            .where(ROOMS.c.event_id == room.event_id, ROOMS.c.admitted_count == room.admitted_count)
            .values(
                credit_at=room.clock(now) + len(ids) * room.interval, admitted_count=ROOMS.c.admitted_count + len(ids)
            )
        )
        if claimed.rowcount != 1:
            return 0  # another caller admitted this batch first
        admitted = connection.execute(
            update(VISITORS).where(VISITORS.c.id.in_(ids), VISITORS.c.admitted_at.is_(None)).values(admitted_at=now)
        )
        if admitted.rowcount != len(ids):  # the compare-and-set makes this impossible: never admit twice
            raise Conflict(N_("The queue changed while admitting; nobody was admitted."))
        return len(ids)


_GUARDED: ContextVar[bool] = ContextVar("waiting_room_guarded", default=True)


@contextmanager
def guard_disabled_for_tests() -> Iterator[None]:
    """Admit from a read made before the write transaction, writing unconditionally: the
    check-then-act race the compare-and-set exists to prevent (tests/concurrency only)."""
    token = _GUARDED.set(False)
    try:
        yield
    finally:
        _GUARDED.reset(token)


def _admit_unguarded(event_id: str, now: datetime) -> int:
    with read_only() as reader:
        room, ids = _next_batch(reader.connection(), event_id, now)
    if room is None or not ids:
        return 0
    time.sleep(0.05)  # the gap a real request would have between reading and writing
    with transaction() as session:
        connection = session.connection()
        connection.execute(
            update(ROOMS)
            .where(ROOMS.c.event_id == room.event_id)
            .values(
                credit_at=room.clock(now) + len(ids) * room.interval, admitted_count=ROOMS.c.admitted_count + len(ids)
            )
        )
        connection.execute(update(VISITORS).where(VISITORS.c.id.in_(ids)).values(admitted_at=now))
    return len(ids)
