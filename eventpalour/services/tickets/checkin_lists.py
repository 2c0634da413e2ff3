"""An event's check-in lists as organizers manage them (#21 §5): create, change, delete, and each
list's counters (admitted of the tickets it covers, inside now when it counts exits).

Moderators and above manage lists (the manage page's Check-in lists tab, the JSON routes); every
member who may scan reads them (the scanner's list picker). The rule a list applies at the door is
`gates.pass_decision`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlmodel import Session

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    ADMISSION_STATUSES,
    CheckIn,
    CheckInCount,
    CheckInList,
    CheckInListTier,
    Ticket,
    TicketTier,
)
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    Message,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    clean_line,
)
from eventpalour.services.tickets import gates
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

MAX_NAME = 60
MAX_LISTS = 20
HAS_CHECK_INS = N_("This list has check-ins, so it stays: rename it or change its tiers instead.")
DEFAULT_STAYS = N_("Every event keeps its main list: rename it or change its tiers instead.")
_lists = CheckInList.__table__
_list_tiers = CheckInListTier.__table__
_check_ins = CheckIn.__table__
_pass_counts = CheckInCount.__table__
_tickets = Ticket.__table__


@dataclass(frozen=True)
class ListInput:
    """A list as an organizer sets it, e.g. "VIP lounge", VIP tier only, exits counted."""

    name: str
    all_tiers: bool = True
    tier_ids: tuple[str, ...] = ()
    readmit_daily: bool = False
    count_exits: bool = False


@dataclass(frozen=True)
class ListRow:
    """A list with its counters, for the manage page, the scanner and the dashboard."""

    id: str
    name: str
    all_tiers: bool
    tier_ids: tuple[str, ...]
    tiers_label: str  # "All tiers" or "VIP, Backstage"
    readmit_daily: bool
    count_exits: bool
    is_default: bool
    admitted: int  # tickets with an entry on this list
    total: int  # tickets sold that this list admits
    inside: int  # entries - exits; today's only on a daily list (0 when the list does not count exits)
    can_delete: bool


def admission_rule(readmit_daily: bool, count_exits: bool) -> str:
    """What the door does on a list with these settings, in the organizer's words: exactly
    `gates.pass_decision`, shown under the settings in the list's form."""
    if readmit_daily and count_exits:
        return N_(
            "Each day stands on its own: a holder may scan out and back in as often as they like during "
            "the day, and the day turns at midnight in the event's time zone, when everyone counts as outside "
            "again. So a holder whose exit was not scanned the day before is still let in. Inside now counts "
            "today's entries minus today's exits."
        )
    if readmit_daily:
        return N_("Each ticket is let in once per day; the day turns at midnight in the event's time zone.")
    if count_exits:
        return N_(
            "A holder who scans out may come back in; one who is inside cannot enter twice. "
            "Inside now counts entries minus exits."
        )
    return N_("Each ticket is let in once on this list.")


def _event_tiers(session: Session, event_id: str) -> dict[str, str]:
    rows = session.exec(select(TicketTier.id, TicketTier.name).where(TicketTier.event_id == event_id)).all()
    return {tier_id: name for tier_id, name in rows}


def _clean(data: ListInput, tiers: dict[str, str], taken: Sequence[str]) -> ListInput:
    """The input as stored; every bad field a field error. Raises ValidationFailed."""
    errors = []
    name = clean_line(data.name or "")
    if not name:
        errors.append(FieldError(("name",), N_("Give the list a name, e.g. Main gate or VIP lounge.")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError(("name",), N_("A list's name has at most {count} characters."), {"count": MAX_NAME}))
    elif name.casefold() in {t.casefold() for t in taken}:
        errors.append(FieldError(("name",), N_("This event already has a list with this name.")))
    chosen = tuple(dict.fromkeys(data.tier_ids))
    if not data.all_tiers and not chosen:
        errors.append(FieldError(("tier_ids",), N_("Choose at least one tier this list admits.")))
    elif any(tier_id not in tiers for tier_id in chosen):
        errors.append(FieldError(("tier_ids",), N_("Choose tiers of this event.")))
    if errors:
        raise ValidationFailed(errors[0].message, details=errors)
    return ListInput(
        name=name,
        all_tiers=data.all_tiers,
        tier_ids=() if data.all_tiers else chosen,
        readmit_daily=data.readmit_daily,
        count_exits=data.count_exits,
    )


# Built once: a scan on the scanner page reads its list's counters after every scan. They sum the
# counter rows the passes' writers keep (`gates.count_passes`): a few per quarter-hour of door time,
# however many passes there were.
_today = _pass_counts.c.slot >= bindparam("today_starts", type_=_pass_counts.c.slot.type)
_COUNTERS_OF_LISTS = (
    select(
        _pass_counts.c.list_id,
        func.sum(_pass_counts.c.first_entries).label("admitted"),
        func.sum(_pass_counts.c.entries - _pass_counts.c.exits).label("passes"),
        func.sum(case((_today, _pass_counts.c.entries - _pass_counts.c.exits), else_=0)).label("today"),
    )
    .where(_pass_counts.c.list_id.in_(bindparam("list_ids", expanding=True)))
    .group_by(_pass_counts.c.list_id)
)
_SOLD_BY_TIER = (
    select(_tickets.c.tier_id, func.count().label("tickets"))
    .where(
        _tickets.c.event_id == bindparam("event_id"),
        _tickets.c.status.in_([status.value for status in ADMISSION_STATUSES]),
    )
    .group_by(_tickets.c.tier_id)
)


def _passes_counted(connection: Connection, lists: list[gates.Gate], timezone: str) -> dict[str, tuple[int, int]]:
    """(admitted, inside) per list, in one statement over the counter rows. On a list that re-admits
    daily every day starts outside (`gates.pass_decision`), so inside now counts today's passes only
    (a day starts on a counter row's quarter-hour in every time zone)."""
    values = {"list_ids": [gate.id for gate in lists], "today_starts": gates.day_start(utcnow(), timezone)}
    counters = {row.list_id: row for row in connection.execute(_COUNTERS_OF_LISTS, values)}
    counted = {}
    for gate in lists:
        row = counters.get(gate.id)
        inside = _count(row, "today" if gate.readmit_daily else "passes") if gate.count_exits else 0
        counted[gate.id] = (_count(row, "admitted"), max(inside, 0))
    return counted


def _counts(
    connection: Connection, event_id: str, lists: list[gates.Gate], timezone: str
) -> dict[str, tuple[int, int, int]]:
    """(admitted, total, inside) per list, in two statements (the total: the tickets sold of the
    tiers the list covers)."""
    passes = _passes_counted(connection, lists, timezone)
    sold = connection.execute(_SOLD_BY_TIER, {"event_id": event_id}).all()
    by_tier = {row.tier_id: int(row.tickets) for row in sold}
    counts = {}
    for gate in lists:
        total = sum(n for tier_id, n in by_tier.items() if gate.covers(tier_id))
        admitted, inside = passes[gate.id]
        counts[gate.id] = (admitted, total, inside)
    return counts


def _count(row: Row | None, column: str) -> int:
    return int(getattr(row, column) or 0) if row else 0


def _rows(connection: Connection, event_id: str, tiers: dict[str, str], timezone: str) -> list[ListRow]:
    lists = gates.event_gates(connection, event_id)
    counts = _counts(connection, event_id, lists, timezone)
    return [
        ListRow(
            id=gate.id,
            name=gate.name,
            all_tiers=gate.all_tiers,
            tier_ids=tuple(sorted(gate.tier_ids)),
            tiers_label=Message(N_("All tiers"))
            if gate.all_tiers
            else ", ".join(sorted(tiers.get(t, "") for t in gate.tier_ids)),
            readmit_daily=gate.readmit_daily,
            count_exits=gate.count_exits,
            is_default=gate.is_default,
            admitted=counts[gate.id][0],
            total=counts[gate.id][1],
            inside=counts[gate.id][2],
            can_delete=not gate.is_default and counts[gate.id][0] == 0 and counts[gate.id][2] == 0,
        )
        for gate in lists
    ]


@dataclass(frozen=True)
class ListCounters:
    """What a scan moves on one list's door counters (`ListRow` has them too): who was admitted and,
    on a list that counts exits, who is inside now. A scan does not change the list's total (the
    tickets sold that it covers), so the scanner keeps the total of its last full read."""

    list_id: str
    admitted: int
    inside: int


def list_counters(connection: Connection, gate: gates.Gate, timezone: str) -> ListCounters:
    """The counters a scan moves on one list (every device's passes included), in one statement over
    the counter rows: read after each scan, so neither the event's other lists nor its tickets are
    counted (the tickets sold grow with the event; the scanner's periodic read brings that total)."""
    admitted, inside = _passes_counted(connection, [gate], timezone)[gate.id]
    return ListCounters(gate.id, admitted, inside)


def event_rows(connection: Connection, session: Session, event_id: str, timezone: str) -> list[ListRow]:
    """The event's lists with their counters, in the caller's session (the door dashboard's too);
    `timezone` is the event's (the day a daily list's inside-now counts)."""
    return _rows(connection, event_id, _event_tiers(session, event_id), timezone)


def event_checkin_lists(*, actor: UserSummary | None, event_id: str) -> list[ListRow]:
    """The event's lists, the default first, with their counters. For the members who may scan.

    Raises NotAuthenticated, NotFound, PermissionDenied."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.SCAN_TICKETS)
        return event_rows(session.connection(), session, event.id, event.timezone)


def _write_tiers(connection: Connection, list_id: str, data: ListInput) -> None:
    connection.execute(delete(_list_tiers).where(_list_tiers.c.list_id == list_id))
    if data.tier_ids:
        connection.execute(insert(_list_tiers), [{"list_id": list_id, "tier_id": t} for t in data.tier_ids])


def _settings(data: ListInput) -> dict:
    return {
        "name": data.name,
        "all_tiers": data.all_tiers,
        "readmit_daily": data.readmit_daily,
        "count_exits": data.count_exits,
    }


def create_checkin_list(*, actor: UserSummary | None, event_id: str, data: ListInput) -> ListRow:
    """Add a list to the event (moderators and above). Raises NotAuthenticated, NotFound,
    PermissionDenied, ValidationFailed (name, tier_ids; at most MAX_LISTS lists)."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        connection = session.connection()
        gates.ensure_default_list(connection, event.id)
        existing = gates.event_gates(connection, event.id)
        if len(existing) >= MAX_LISTS:
            raise ValidationFailed.field("name", N_("An event has at most {count} check-in lists."), count=MAX_LISTS)
        tiers = _event_tiers(session, event.id)
        clean = _clean(data, tiers, [gate.name for gate in existing])
        list_id = new_id()
        row = {"id": list_id, "event_id": event.id, "created_at": utcnow(), **_settings(clean)}
        connection.execute(insert(_lists).values(**row))
        _write_tiers(connection, list_id, clean)
        return next(row for row in _rows(connection, event.id, tiers, event.timezone) if row.id == list_id)


def update_checkin_list(*, actor: UserSummary | None, event_id: str, list_id: str, data: ListInput) -> ListRow:
    """Rename a list, change its tiers or settings (moderators and above). Check-ins made stay.
    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        connection = session.connection()
        gates.ensure_default_list(connection, event.id)
        existing = gates.event_gates(connection, event.id)
        if list_id not in {gate.id for gate in existing}:
            raise NotFound(gates.UNKNOWN_LIST)
        tiers = _event_tiers(session, event.id)
        clean = _clean(data, tiers, [gate.name for gate in existing if gate.id != list_id])
        connection.execute(update(_lists).where(_lists.c.id == list_id).values(**_settings(clean)))
        _write_tiers(connection, list_id, clean)
        return next(row for row in _rows(connection, event.id, tiers, event.timezone) if row.id == list_id)


def delete_checkin_list(*, actor: UserSummary | None, event_id: str, list_id: str) -> None:
    """Delete a list nobody was checked in on (moderators and above); the default list stays.
    Raises NotAuthenticated, NotFound, PermissionDenied, Conflict."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        connection = session.connection()
        if list_id == event.id:
            raise Conflict(DEFAULT_STAYS)
        found = connection.execute(
            select(_lists.c.id).where(_lists.c.id == list_id, _lists.c.event_id == event.id)
        ).first()
        if found is None:
            raise NotFound(gates.UNKNOWN_LIST)
        used = connection.execute(select(_check_ins.c.id).where(_check_ins.c.list_id == list_id).limit(1)).first()
        if used is not None:
            raise Conflict(HAS_CHECK_INS)
        connection.execute(delete(_list_tiers).where(_list_tiers.c.list_id == list_id))
        connection.execute(delete(_lists).where(_lists.c.id == list_id))
