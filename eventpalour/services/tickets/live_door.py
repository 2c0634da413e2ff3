"""The live door dashboard (#21 §6): per check-in list admitted of total and inside now, entries
per list over time in 15-minute buckets of the event's zone, check-ins per device, tickets let in twice
(with both devices and times), and each door device as last heard from, so a phone that dropped
off the network shows up as "offline for 12 min".

Door devices are heard from by `see_door_device`: the scanner page reports its device every few
seconds while it is connected, and an offline upload reports the device that made the scans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Integer, cast, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from eventpalour.db import read_only, transaction
from eventpalour.models import CheckIn, Direction, DoorDevice, OfflineOutcome, OfflineScan, Ticket, User
from eventpalour.models.types import utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NotAuthenticated, ValidationFailed, message, time_zone
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.tickets import checkin_lists, gates, scanning
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

BUCKET = timedelta(minutes=15)
MAX_BUCKETS = 96  # the last 24 hours of a long event
ONLINE_WITHIN = timedelta(seconds=60)  # the scanner reports every 10 s while connected
MAX_CONFLICTS = 100
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_devices = DoorDevice.__table__
_check_ins = CheckIn.__table__
_users = User.__table__


@dataclass(frozen=True)
class TimeBucket:
    """Entries in one 15-minute interval per check-in list, e.g. ("19:45", (31, 4)): one count
    for each of the dashboard's `lists`, in their order."""

    label: str
    admitted_per_list: tuple[int, ...]

    @property
    def admitted(self) -> int:
        """Entries on all lists together."""
        return sum(self.admitted_per_list)


@dataclass(frozen=True)
class DeviceLine:
    """A door device: who last used it, how many passes it recorded, when it was last heard from."""

    device_id: str
    label: str  # "dev-7f3a9c… · Gate Keeper"
    check_ins: int
    last_seen_label: str  # "Online" or "Offline for 12 min"
    online: bool


@dataclass(frozen=True)
class ConflictLine:
    """A ticket let in twice: the admission that counted and the one uploaded later."""

    short_code: str
    holder_name: str
    list_name: str
    first_device: str
    first_at: str
    second_device: str
    second_at: str


@dataclass(frozen=True)
class DoorDashboard:
    event_id: str
    title: str
    timezone: str
    lists: list[checkin_lists.ListRow]
    buckets: list[TimeBucket]
    devices: list[DeviceLine]
    conflicts: list[ConflictLine]
    updated_label: str  # "19:42:05" in the event's zone


def see_door_device(*, actor: UserSummary | None, event_id: str, device_id: str) -> None:
    """Note that `device_id` is at the door of `event_id` now (members who may scan).
    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed."""
    if actor is None:
        raise NotAuthenticated()
    if not DEVICE_ID.match(device_id or ""):
        raise ValidationFailed.field("deviceId", N_("A device id is 8 to 64 letters, digits, dashes or underscores."))
    with transaction() as session:
        connection = session.connection()
        door = scanning.open_door(connection, actor, event_id)
        record_device(connection, door.event_id, device_id, actor.id)


def record_device(connection: Connection, event_id: str, device_id: str, user_id: str) -> None:
    """Upsert the device's last-heard time (one statement)."""
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    statement = dialect_insert(_devices).values(
        event_id=event_id, device_id=device_id, user_id=user_id, last_seen_at=now
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["event_id", "device_id"], set_={"last_seen_at": now, "user_id": user_id}
        )
    )


def _bucket_number(connection: Connection) -> ColumnElement[int]:
    """Which 15-minute interval since 1970 a check-in falls in, counted by the database. Every time
    zone's offset from UTC is a whole number of quarter hours (+03:00, +05:45, -03:30), so these are
    the event zone's own quarter hours too, across daylight-saving changes as well."""
    seconds = BUCKET.total_seconds()
    if connection.dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", _check_ins.c.at) / seconds), Integer)
    return cast(func.strftime("%s", _check_ins.c.at), Integer) / int(seconds)  # SQLite keeps UTC text


def _buckets(connection: Connection, event_id: str, timezone: str, list_ids: list[str]) -> list[TimeBucket]:
    """Entries per list and 15-minute interval, in one grouped statement; the last MAX_BUCKETS
    intervals up to the latest entry, quiet ones as zeros, labelled in the event's zone."""
    number = _bucket_number(connection).label("bucket")
    rows = connection.execute(
        select(_check_ins.c.list_id, number, func.count().label("entries"))
        .where(_check_ins.c.event_id == event_id, _check_ins.c.direction == Direction.ENTRY.value)
        .group_by(_check_ins.c.list_id, number)
    ).all()
    position = {list_id: i for i, list_id in enumerate(list_ids)}
    counts: dict[int, list[int]] = {}
    for row in rows:
        if row.list_id in position:
            counts.setdefault(int(row.bucket), [0] * len(list_ids))[position[row.list_id]] += int(row.entries)
    if not counts:
        return []
    local = time_zone(timezone)
    last = max(counts)
    empty = [0] * len(list_ids)
    return [
        TimeBucket(
            label=f"{datetime.fromtimestamp(number * BUCKET.total_seconds(), local):%H:%M}",
            admitted_per_list=tuple(counts.get(number, empty)),
        )
        for number in range(max(min(counts), last - MAX_BUCKETS + 1), last + 1)
    ]


def _quiet_for(seen: datetime, now: datetime) -> tuple[str, bool]:
    quiet = now - seen
    if quiet <= ONLINE_WITHIN:
        return N_("Online"), True
    minutes = int(quiet.total_seconds() // 60)
    if minutes < 120:
        return message(N_("Offline for {count} min"), count=minutes), False
    hours = minutes // 60  # 2 or more
    return message(N_("Offline for {count} hours"), count=hours), False


def _devices_of(connection: Connection, event_id: str, now: datetime) -> list[DeviceLine]:
    name = func.coalesce(func.nullif(_users.c.full_name, ""), _users.c.username, "")
    seen = connection.execute(
        select(_devices.c.device_id, _devices.c.last_seen_at, name.label("name"))
        .select_from(_devices.outerjoin(_users, _users.c.id == _devices.c.user_id))
        .where(_devices.c.event_id == event_id)
    ).all()
    passes = dict(
        connection.execute(
            select(_check_ins.c.device, func.count())
            .where(_check_ins.c.event_id == event_id)
            .group_by(_check_ins.c.device)
        ).all()
    )
    lines = []
    for row in sorted(seen, key=lambda r: r.last_seen_at, reverse=True):
        words, online = _quiet_for(row.last_seen_at, now)
        label = f"{row.device_id[:12]} · {row.name}" if row.name else row.device_id[:12]
        lines.append(DeviceLine(row.device_id, label, int(passes.get(row.device_id, 0)), words, online))
    return lines


def _conflicts(connection: Connection, event_id: str, timezone: str) -> list[ConflictLine]:
    offline = OfflineScan.__table__
    tickets = Ticket.__table__
    rows = connection.execute(
        select(offline, tickets.c.short_code)
        .select_from(offline.outerjoin(tickets, tickets.c.id == offline.c.ticket_id))
        .where(offline.c.event_id == event_id, offline.c.outcome == OfflineOutcome.CONFLICT.value)
        .order_by(offline.c.scanned_at.desc())
        .limit(MAX_CONFLICTS)
    ).all()
    ids = sorted({row.ticket_id for row in rows if row.ticket_id})
    firsts: dict[tuple[str, str], tuple[datetime, str]] = {}
    if ids:
        entries = connection.execute(
            select(_check_ins.c.list_id, _check_ins.c.ticket_id, _check_ins.c.at, _check_ins.c.device)
            .where(_check_ins.c.ticket_id.in_(ids), _check_ins.c.direction == Direction.ENTRY.value)
            .order_by(_check_ins.c.at)
        )
        for entry in entries:
            firsts.setdefault((entry.list_id, entry.ticket_id), (entry.at, entry.device))
    names = {gate.id: gate.name for gate in gates.event_gates(connection, event_id)}
    holders = _holders(connection, ids)
    lines = []
    for row in rows:
        list_id = row.list_id or event_id
        first_at, first_device = firsts.get((list_id, row.ticket_id or ""), (None, ""))
        lines.append(
            ConflictLine(
                short_code=row.short_code or "",
                holder_name=holders.get(row.ticket_id or "", ""),
                list_name=names.get(list_id, ""),
                first_device=scanning.device_name((first_device or "")[:24]),
                first_at=clock(first_at, timezone) if first_at else "",
                second_device=row.device_id[:24],
                second_at=clock(row.scanned_at, timezone),
            )
        )
    return lines


def _holders(connection: Connection, ticket_ids: list[str]) -> dict[str, str]:
    """The name the door greets each ticket's holder by (its attendee, else its holder's)."""
    if not ticket_ids:
        return {}
    tickets = Ticket.__table__
    name = func.coalesce(
        func.nullif(tickets.c.attendee_name, ""), func.nullif(_users.c.full_name, ""), _users.c.username
    )
    rows = connection.execute(
        select(tickets.c.id, name.label("name"))
        .select_from(tickets.join(_users, _users.c.id == tickets.c.holder_id))
        .where(tickets.c.id.in_(ticket_ids))
    )
    return {row.id: row.name for row in rows}


def door_dashboard(*, actor: UserSummary | None, event_id: str) -> DoorDashboard:
    """Everything the live door dashboard shows, read at once (moderators and above).
    Raises NotAuthenticated, NotFound, PermissionDenied."""
    if actor is None:
        raise NotAuthenticated()
    now = utcnow()
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        connection = session.connection()
        lists = checkin_lists.event_rows(connection, session, event.id, event.timezone)
        return DoorDashboard(
            event_id=event.id,
            title=event.title,
            timezone=event.timezone,
            lists=lists,
            buckets=_buckets(connection, event.id, event.timezone, [row.id for row in lists]),
            devices=_devices_of(connection, event.id, now),
            conflicts=_conflicts(connection, event.id, event.timezone),
            updated_label=f"{now.astimezone(time_zone(event.timezone)):%H:%M:%S}",
        )
