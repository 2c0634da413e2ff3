"""Check-in lists (gates, #21 §5) and the one rule of the door: may this ticket pass this list now.

`pass_decision` is that rule, used by online scans (scanning.py), offline uploads (offline_apply.py)
and the API; the door device mirrors it in assets/door/verify.js (`passDecision`) for offline scans,
and both run the cases of tests/vectors/gate_rules.json.

The rule, for a ticket whose own status admits (valid, or used: checked in on some list):
- its tier must be one the list covers, else `wrong_gate` ("Not valid at this gate");
- an entry is admitted once per list; a list that re-admits daily admits one more entry on each
  day (the day in the event's time zone); on a list that counts exits, a holder who went out may
  come back in (and one who is inside cannot enter twice);
- a list that does both counts each day on its own: out and back in as often as they like within a
  day, and on a new day everyone starts outside, so a holder whose exit was never scanned the day
  before (a phone died, a side door) is admitted, not locked out of a multi-day ticket;
- an exit (lists that count exits only) is allowed while the holder is inside by that list (on a
  daily list, inside by today's entries and exits).

An allowed pass is written as `check_ins` row number `ordinal` of its direction; the unique key
(list, ticket, direction, ordinal) makes it happen once however many devices decide it together.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from sqlalchemy import Insert, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from eventpalour.models import (
    CheckIn,
    CheckInCount,
    CheckInList,
    CheckInListTier,
    Direction,
    ScanResult,
    Ticket,
    TicketStatus,
    User,
)
from eventpalour.models.types import utcnow
from eventpalour.services.platform import N_, Message, ValidationFailed, time_zone

DEFAULT_NAME = N_("Main entrance")
ADMITTING_STATUSES = frozenset({TicketStatus.VALID.value, TicketStatus.USED.value})
UNKNOWN_LIST = N_("This check-in list is not one of this event's lists.")
NO_EXITS = N_("This check-in list does not count exits.")
_lists = CheckInList.__table__
_list_tiers = CheckInListTier.__table__
_check_ins = CheckIn.__table__
_users = User.__table__
_tickets = Ticket.__table__


@dataclass(frozen=True)
class Gate:
    """A check-in list as the door applies it."""

    id: str
    event_id: str
    name: str
    all_tiers: bool
    tier_ids: frozenset[str]
    readmit_daily: bool
    count_exits: bool
    stored: bool = True  # False: the default list, not written yet (`ensure_default_list`)

    @property
    def is_default(self) -> bool:
        """The list every event has (its id is the event's): it cannot be deleted."""
        return self.id == self.event_id

    def covers(self, tier_id: str) -> bool:
        return self.all_tiers or tier_id in self.tier_ids


@dataclass(frozen=True)
class Pass:
    """One earlier pass of a ticket through a list."""

    direction: str
    at: datetime
    by_name: str = ""  # who scanned it (for "Already used at 19:42 by Amina")


@dataclass(frozen=True)
class PassDecision:
    """What the door says about one pass: `result` (a ScanResult), and for an allowed pass the
    `ordinal` of the check-in to write; `last_entry` is the latest entry, to say when."""

    result: str
    ordinal: int = 0
    last_entry: datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.result in (ScanResult.OK, ScanResult.EXITED)


def local_day(moment: datetime, timezone: str) -> date:
    """The day a moment falls on in the event's time zone (re-admission once per day)."""
    return moment.astimezone(time_zone(timezone)).date()


def day_start(moment: datetime, timezone: str) -> datetime:
    """The moment the day of `moment` began in the event's time zone (local midnight), in UTC."""
    local = moment.astimezone(time_zone(timezone))
    midnight = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    return midnight.astimezone(UTC)


def pass_decision(
    gate: Gate,
    *,
    tier_id: str,
    status: str,
    passes: Sequence[Pass],
    direction: str,
    at: datetime,
    timezone: str,
) -> PassDecision:
    """May a ticket of `tier_id` in `status`, with these earlier `passes` on `gate`, pass it
    `direction` at `at`? Statuses that admit nobody give `not_valid` (callers say why)."""
    if status not in ADMITTING_STATUSES:
        return PassDecision(ScanResult.NOT_VALID)
    if not gate.covers(tier_id):
        return PassDecision(ScanResult.WRONG_GATE)
    entries = sorted(p.at for p in passes if p.direction == Direction.ENTRY)
    exits = sum(1 for p in passes if p.direction == Direction.EXIT)
    last = entries[-1] if entries else None
    inside = _is_inside(gate, passes, at, timezone)
    if direction == Direction.EXIT:
        if gate.count_exits and inside:
            return PassDecision(ScanResult.EXITED, ordinal=exits + 1, last_entry=last)
        return PassDecision(ScanResult.NOT_INSIDE, last_entry=last)
    if last is None:
        return PassDecision(ScanResult.OK, ordinal=1)
    if gate.count_exits:
        again = not inside  # went out through this list: may come back in
    else:
        again = gate.readmit_daily and local_day(at, timezone) != local_day(last, timezone)
    if again:
        return PassDecision(ScanResult.OK, ordinal=len(entries) + 1, last_entry=last)
    return PassDecision(ScanResult.ALREADY_USED, last_entry=last)


def _is_inside(gate: Gate, passes: Sequence[Pass], at: datetime, timezone: str) -> bool:
    """Inside by this list's passes: more entries than exits; on a list that re-admits daily, of
    the passes on `at`'s day only (every day starts outside, see the module's rule)."""
    if gate.readmit_daily:
        today = local_day(at, timezone)
        passes = [p for p in passes if local_day(p.at, timezone) == today]
    entries = sum(1 for p in passes if p.direction == Direction.ENTRY)
    return entries > len(passes) - entries


def default_gate(event_id: str) -> Gate:
    """The default list of an event as it is before anyone changed it."""
    return Gate(event_id, event_id, list_name(DEFAULT_NAME), True, frozenset(), False, False, stored=False)


def list_name(stored: str) -> str:
    """A list's name as readers see it: the name the system gives the default list (kept until an
    organizer renames it) is the system's words, said in each reader's language (a Message); any
    other name is an organizer's, shown as typed."""
    return Message(DEFAULT_NAME) if stored == DEFAULT_NAME else stored


def ensure_default_list(connection: Connection, event_id: str) -> None:
    """Make the event's default list if it has none yet (events made after the migration get it at
    their first check-in or list change): one INSERT that does nothing when the row is there."""
    values = {
        "id": event_id,
        "event_id": event_id,
        "name": DEFAULT_NAME,
        "all_tiers": True,
        "readmit_daily": False,
        "count_exits": False,
        "created_at": utcnow(),
    }
    connection.execute(_insert_or_skip(connection, _lists).values(**values))


def _insert_or_skip(connection: Connection, table: Table) -> Insert:
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table).on_conflict_do_nothing()


# Every scan runs these: built once, so a scan does not construct and key them again (~0.1 ms each).
_EVENT_LISTS = (
    select(_lists).where(_lists.c.event_id == bindparam("event_id")).order_by(_lists.c.created_at, _lists.c.id)
)
_BY_NAME = func.coalesce(func.nullif(_users.c.full_name, ""), _users.c.username, "")
_PASSES_OF = (
    select(_check_ins.c.ticket_id, _check_ins.c.direction, _check_ins.c.at, _BY_NAME.label("by_name"))
    .select_from(_check_ins.outerjoin(_users, _users.c.id == _check_ins.c.by_id))
    .where(_check_ins.c.list_id == bindparam("list_id"), _check_ins.c.ticket_id.in_(bindparam("ids", expanding=True)))
    .order_by(_check_ins.c.at)
)
_TOUCH = (
    update(_tickets)
    .where(_tickets.c.id.in_(bindparam("ids", expanding=True)))
    .values(updated_at=bindparam("now", type_=_tickets.c.updated_at.type))
)


def event_gates(connection: Connection, event_id: str) -> list[Gate]:
    """The event's lists, default first then by creation, each with its tiers (two statements)."""
    rows = connection.execute(_EVENT_LISTS, {"event_id": event_id}).all()
    tiers: dict[str, set[str]] = {}
    if any(not row.all_tiers for row in rows):
        for link in connection.execute(select(_list_tiers).where(_list_tiers.c.list_id.in_([row.id for row in rows]))):
            tiers.setdefault(link.list_id, set()).add(link.tier_id)
    gates = [
        Gate(
            id=row.id,
            event_id=row.event_id,
            name=list_name(row.name),
            all_tiers=row.all_tiers,
            tier_ids=frozenset(tiers.get(row.id, ())),
            readmit_daily=row.readmit_daily,
            count_exits=row.count_exits,
        )
        for row in rows
    ]
    if not any(gate.is_default for gate in gates):
        gates.insert(0, default_gate(event_id))
    return sorted(gates, key=lambda gate: not gate.is_default)


def pick_gate(gates: Iterable[Gate], list_id: str, *, field: str = "listId") -> Gate:
    """The list `list_id` names ("" names the default one). Raises ValidationFailed."""
    by_id = {gate.id: gate for gate in gates}
    gate = by_id.get(list_id) if list_id else next((g for g in by_id.values() if g.is_default), None)
    if gate is None:
        raise ValidationFailed.field(field, UNKNOWN_LIST)
    return gate


def check_direction(gate: Gate, direction: str, *, field: str = "direction") -> str:
    """`direction` as stored; an exit only on a list that counts exits. Raises ValidationFailed."""
    if direction not in (Direction.ENTRY, Direction.EXIT):
        raise ValidationFailed.field(field, N_("A scan is an entry or an exit."))
    if direction == Direction.EXIT and not gate.count_exits:
        raise ValidationFailed.field(field, NO_EXITS)
    return direction


def has_passed_no_list(status: str) -> bool:
    """Whether a ticket in `status` has no passes to read: a valid one has passed no list, since its
    first entry anywhere makes it used and an undone check-in forgets all its passes as it makes it
    valid again. (Were one there anyway, its unique key would refuse the scan's "entry 1", and the
    scan reads the passes then.) Most scans at a door are a ticket's first: one read fewer each."""
    return status == TicketStatus.VALID


def passes_of(connection: Connection, list_id: str, ticket_ids: Iterable[str]) -> dict[str, list[Pass]]:
    """The earlier passes of these tickets through one list."""
    ids = sorted(set(ticket_ids))
    found: dict[str, list[Pass]] = {ticket_id: [] for ticket_id in ids}
    if not ids:
        return found
    for row in connection.execute(_PASSES_OF, {"list_id": list_id, "ids": ids}):
        found[row.ticket_id].append(Pass(row.direction, row.at, row.by_name))
    return found


def record_passes(connection: Connection, rows: list[dict], *, count: bool = True, touch: bool = True) -> set[str]:
    """Write check-ins, and count them toward their lists' counters; the ids of those written (a
    pass another device wrote first is skipped by the unique key, and left out of the answer).
    `count=False`: the caller counts the written rows itself (`count_passes`), later in the same
    transaction (a scan does it last, see scanning._check_in). `touch=False`: the caller writes the
    tickets' rows itself, next (a scan's entry does, with the admit: `sales.enter_ticket`)."""
    if not rows:
        return set()
    if len(rows) == 1:  # a scan: the insert says itself whether it wrote (one round trip, not two)
        inserted = connection.execute(_insert_or_skip(connection, _check_ins).returning(_check_ins.c.id), rows[0])
        written = set(inserted.scalars())
    else:
        connection.execute(_insert_or_skip(connection, _check_ins), rows)
        ids = [row["id"] for row in rows]
        written = set(connection.execute(select(_check_ins.c.id).where(_check_ins.c.id.in_(ids))).scalars())
    kept = [row for row in rows if row["id"] in written]
    if touch:
        _touch(connection, {row["ticket_id"] for row in kept})
    # Counted after the tickets' rows are locked (the touch), as every writer of passes does: a
    # counter row is then never waited for while holding it and waiting for a ticket.
    if count:
        count_passes(connection, kept, +1)
    return written


STRIPES = 8
"""Counter rows per list and quarter-hour (`CheckInCount`): devices scanning at once mostly write
different rows, and a read sums at most this many per quarter-hour."""
SLOT_MINUTES = 15


def count_slot(at: datetime) -> datetime:
    """The quarter-hour (UTC) a pass at `at` is counted in."""
    at = at.astimezone(UTC)
    return at.replace(minute=at.minute - at.minute % SLOT_MINUTES, second=0, microsecond=0)


def count_stripe(ticket_id: str) -> int:
    """The stripe a ticket's passes are counted in (the same for all of them)."""
    return zlib.crc32(ticket_id.encode()) % STRIPES


def pass_counts(rows: Iterable[Mapping], sign: int) -> list[dict]:
    """The counter rows' changes for passes being written (`sign` +1) or removed (-1), in key order
    (two writers lock shared rows in one order). A ticket's first entry on a list is its entry number
    1 (`pass_decision`); a pass without a number (the test-only unguarded write) counts as a first."""
    changes: dict[tuple[str, datetime, int], dict] = {}
    for row in rows:
        key = (row["list_id"], count_slot(row["at"]), count_stripe(row["ticket_id"]))
        change = changes.setdefault(
            key, {"list_id": key[0], "slot": key[1], "stripe": key[2], "entries": 0, "first_entries": 0, "exits": 0}
        )
        if row["direction"] == Direction.EXIT:
            change["exits"] += sign
        else:
            change["entries"] += sign
            change["first_entries"] += sign if row.get("ordinal") in (1, None) else 0
    return [changes[key] for key in sorted(changes)]


def count_passes(connection: Connection, rows: Iterable[Mapping], sign: int) -> None:
    """Add passes written (`sign` +1) or removed (-1) to their lists' counters, in the caller's
    transaction."""
    changes = pass_counts(rows, sign)
    if changes:
        connection.execute(_count_upsert(connection.dialect.name), changes[0] if len(changes) == 1 else changes)


_counts = CheckInCount.__table__


@lru_cache(maxsize=2)
def _count_upsert(dialect: str) -> Insert:
    """Add to a counter row, creating it (built once per dialect: every admitted scan runs it)."""
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(_counts)
    added = {name: _counts.c[name] + statement.excluded[name] for name in ("entries", "first_entries", "exits")}
    return statement.on_conflict_do_update(index_elements=["list_id", "slot", "stripe"], set_=added)


def _touch(connection: Connection, ticket_ids: set[str]) -> None:
    """A pass changes what door devices know of its ticket: `updated_at` brings it in their next delta."""
    if ticket_ids:
        connection.execute(_TOUCH, {"ids": sorted(ticket_ids), "now": utcnow()})


def record_unguarded(connection: Connection, row: dict) -> None:
    """Only for the control test that proves the race without the unique key: no ordinal. Not
    counted: the caller counts it, as a scan does (scanning._check_in)."""
    unguarded = {**row, "ordinal": None}
    connection.execute(insert(_check_ins).values(**unguarded))
    _touch(connection, {row["ticket_id"]})


_FORGET = (
    delete(_check_ins)
    .where(_check_ins.c.ticket_id == bindparam("ticket_id"))
    .returning(
        _check_ins.c.list_id, _check_ins.c.ticket_id, _check_ins.c.direction, _check_ins.c.ordinal, _check_ins.c.at
    )
)


def forget_passes(connection: Connection, ticket_id: str) -> None:
    """A check-in undone: the ticket has passed no list (and its passes leave the counters)."""
    forgotten = connection.execute(_FORGET, {"ticket_id": ticket_id}).mappings().all()
    _touch(connection, {ticket_id})
    count_passes(connection, forgotten, -1)
