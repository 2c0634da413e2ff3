"""Applying one upload of offline check-ins in a handful of statements (#21), whatever its size: a
door phone back online after an hour sends thousands (bench/door.py --offline-upload: 5,000 in
under 10 s is the target).

The scans are taken in the order they happened, each on its own check-in list, and judged by the
door's one rule (`gates.pass_decision`) against the server's passes and the upload's earlier ones.
The passes it allows are written in one statement with the same unique key as an online scan (list,
ticket, direction, ordinal), so an online scan at the same moment and this upload cannot both
admit a ticket to a list: the one written second is a conflict. Of two admissions the earlier
keeps the ticket's time (first time wins). Entries mark their tickets `used` in one UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection, Row

from eventpalour.models import Direction, OfflineOutcome, OfflineScan, ScanResult, Ticket, TicketScan, TicketStatus
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import platform
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Message, message
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.tickets import gates, scanning

if TYPE_CHECKING:
    from eventpalour.services.tickets.offline_scans import OfflineCheckIn

METHOD = "offline"  # the scan log's method for a check-in a device made offline
_tickets = Ticket.__table__
_SET_USED_AT = (
    update(_tickets)
    .where(_tickets.c.id == bindparam("ticket_id"))
    .values(used_at=bindparam("at", type_=_tickets.c.used_at.type), used_by_id=bindparam("actor_id"))
)
# First time wins: an admission uploaded later but made earlier takes the ticket's time.
_SET_EARLIER_USED_AT = _SET_USED_AT.where(_tickets.c.used_at > bindparam("at", type_=_tickets.c.used_at.type))


# What the server made of an uploaded scan, stored with it and shown to the door and the organizer
# in each reader's language: the English sentence is the catalogs' id, its values (times, a list's
# name) are kept beside it (OfflineScan.note_template, note_values) and filled in after.
REFUSED = N_("Refused at the door.")
NO_SUCH_TICKET = N_("Let in, but no such ticket is at this event.")
PASSED_OUT = N_("Exit at {at} from {gate}.")
PASSED_IN = N_("Checked in at {at} on {gate}.")
LET_IN_VOID = {
    TicketStatus.TRANSFERRED: N_("Let in at {at}, but the ticket was transferred."),
    TicketStatus.REFUNDED: N_("Let in at {at}, but the ticket was refunded."),
    TicketStatus.CANCELLED: N_("Let in at {at}, but the ticket was cancelled."),
    TicketStatus.EXPIRED: N_("Let in at {at}, but the ticket had expired."),
}
LET_IN_UNUSABLE = N_("Let in at {at}, but the ticket could not be used.")
WRONG_GATE = N_("Let in at {at}, but {gate} does not admit this ticket's type.")
NOT_INSIDE = N_("Exit at {at} from {gate}, but the ticket was not inside.")
TWICE = N_("Admitted twice on {gate}: at {at} on this device and at {other}.")
TWICE_JUST_BEFORE = N_("Admitted twice on {gate}: at {at} on this device and on another just before.")
NOTES = [
    REFUSED,
    NO_SUCH_TICKET,
    PASSED_OUT,
    PASSED_IN,
    *LET_IN_VOID.values(),
    LET_IN_UNUSABLE,
    WRONG_GATE,
    NOT_INSIDE,
    TWICE,
    TWICE_JUST_BEFORE,
]
"""Every note an upload may store: door.js says them too (components/door_offline.py's table)."""


def _refused() -> Message:
    return message(REFUSED)


@dataclass
class Decision:
    """What the server makes of one uploaded scan; `logged` is the result the scan log keeps."""

    sequence: int
    ticket_id: str | None
    scanned_at_label: str
    list_id: str = ""
    outcome: OfflineOutcome = OfflineOutcome.LOGGED
    note: Message = field(default_factory=_refused)
    logged: str = ScanResult.INVALID


@dataclass
class _Written:
    """A pass the upload records (if no other device recorded the same one first)."""

    row: dict
    scan: OfflineCheckIn
    decision: Decision
    gate: gates.Gate


DEVICE_LET_THROUGH = (ScanResult.OK.value, ScanResult.EXITED.value)


def apply_batch(
    connection: Connection,
    actor: UserSummary,
    door: scanning.OpenDoor,
    device_id: str,
    scans: list[OfflineCheckIn],  # only those not stored before
    tickets: dict[str, Row],
    lists: dict[str, gates.Gate],  # by id; "" is the default list
) -> list[Decision]:
    """Decide, record and admit `scans` (none of them stored before) in the caller's transaction,
    each by `gates.pass_decision` on its own list, in the order they happened."""
    history = _history(connection, scans, tickets, lists)
    decisions: list[Decision] = []
    passes: list[_Written] = []
    for scan in sorted(scans, key=lambda s: s.scanned_at):
        ticket, gate = tickets.get(scan.ticket_id), lists[scan.list_id]
        decision = Decision(
            scan.sequence, ticket.id if ticket else None, clock(scan.scanned_at, door.timezone), gate.id
        )
        decision.logged = scan.result
        decisions.append(decision)
        if scan.result not in DEVICE_LET_THROUGH:
            continue  # refused at the door: kept in the log only
        if ticket is None:
            decision.outcome, decision.logged = OfflineOutcome.CONFLICT, ScanResult.INVALID
            decision.note = message(NO_SUCH_TICKET)
            continue
        earlier = history.setdefault((gate.id, ticket.id), [])
        verdict = gates.pass_decision(
            gate,
            tier_id=ticket.tier_id,
            status=ticket.status,
            passes=earlier,
            direction=scan.direction,
            at=scan.scanned_at,
            timezone=door.timezone,
        )
        decision.logged = verdict.result
        if not verdict.allowed:
            decision.outcome, decision.note = (
                OfflineOutcome.CONFLICT,
                _conflict_note(verdict, decision, ticket, gate, door),
            )
            continue
        earlier.append(gates.Pass(scan.direction, scan.scanned_at))
        decision.outcome = OfflineOutcome.ADMITTED
        decision.note = _passed_note(scan, decision, gate)
        passes.append(_Written(_row(door, actor, device_id, gate, ticket, scan, verdict), scan, decision, gate))
    written = _write(connection, door, lists, passes)
    _admit(connection, actor, [p for p in passes if p.row["id"] in written and p.scan.direction == Direction.ENTRY])
    _keep_first_time(connection, actor, scans, decisions)
    _record(connection, actor, door, device_id, decisions, scans)
    _tell(
        connection, door, tickets, [p for p in passes if p.row["id"] in written and p.scan.direction == Direction.ENTRY]
    )
    return decisions


def _history(
    connection: Connection, scans: list[OfflineCheckIn], tickets: dict[str, Row], lists: dict[str, gates.Gate]
) -> dict[tuple[str, str], list[gates.Pass]]:
    """The server's passes of the upload's tickets on the upload's lists (one statement per list)."""
    wanted: dict[str, set[str]] = {}
    for scan in scans:
        if scan.ticket_id in tickets and scan.result in DEVICE_LET_THROUGH:
            wanted.setdefault(lists[scan.list_id].id, set()).add(scan.ticket_id)
    history: dict[tuple[str, str], list[gates.Pass]] = {}
    for list_id, ids in wanted.items():
        for ticket_id, found in gates.passes_of(connection, list_id, ids).items():
            history[(list_id, ticket_id)] = found
    return history


def _row(
    door: scanning.OpenDoor,
    actor: UserSummary,
    device_id: str,
    gate: gates.Gate,
    ticket: Row,
    scan: OfflineCheckIn,
    verdict: gates.PassDecision,
) -> dict:
    return {
        "id": new_id(),
        "event_id": door.event_id,
        "list_id": gate.id,
        "ticket_id": ticket.id,
        "direction": scan.direction,
        "ordinal": verdict.ordinal,
        "at": scan.scanned_at,
        "by_id": actor.id,
        "device": device_id,  # the same name the scanner page gives its online check-ins
    }


def _passed_note(scan: OfflineCheckIn, decision: Decision, gate: gates.Gate) -> Message:
    if scan.direction == Direction.EXIT:
        return message(PASSED_OUT, at=decision.scanned_at_label, gate=gate.name)
    return message(PASSED_IN, at=decision.scanned_at_label, gate=gate.name)


def _conflict_note(
    verdict: gates.PassDecision, decision: Decision, ticket: Row, gate: gates.Gate, door: scanning.OpenDoor
) -> Message:
    at = decision.scanned_at_label
    if verdict.result == ScanResult.NOT_VALID:
        return message(LET_IN_VOID.get(ticket.status, LET_IN_UNUSABLE), at=at)
    if verdict.result == ScanResult.WRONG_GATE:
        return message(WRONG_GATE, at=at, gate=gate.name)
    if verdict.result == ScanResult.NOT_INSIDE:
        return message(NOT_INSIDE, at=at, gate=gate.name)
    other = clock(verdict.last_entry, door.timezone) if verdict.last_entry else ""
    return message(TWICE, gate=gate.name, at=at, other=other)


def _write(
    connection: Connection, door: scanning.OpenDoor, lists: dict[str, gates.Gate], passes: list[_Written]
) -> set[str]:
    """Record the passes; one that another device recorded first (the same list, ticket and
    ordinal, online a moment ago) becomes a conflict. The ids written."""
    if not passes:
        return set()
    if any(not gate.stored for gate in lists.values()):
        gates.ensure_default_list(connection, door.event_id)
    written = gates.record_passes(connection, [p.row for p in passes])
    for p in passes:
        if p.row["id"] not in written:
            p.decision.outcome, p.decision.logged = OfflineOutcome.CONFLICT, ScanResult.ALREADY_USED
            p.decision.note = message(TWICE_JUST_BEFORE, gate=p.gate.name, at=p.decision.scanned_at_label)
    return written


def _admit(connection: Connection, actor: UserSummary, entries: list[_Written]) -> None:
    """Mark every still-valid ticket of these entries used, at its earliest entry's time."""
    first: dict[str, datetime] = {}
    for p in entries:
        ticket_id = p.row["ticket_id"]
        first[ticket_id] = min(first.get(ticket_id, p.scan.scanned_at), p.scan.scanned_at)
    if not first:
        return
    admitted = set(
        connection.execute(
            update(_tickets)
            .where(_tickets.c.id.in_(sorted(first)), _tickets.c.status == TicketStatus.VALID.value)
            .values(status=TicketStatus.USED.value, used_by_id=actor.id, used_at=utcnow())
            .returning(_tickets.c.id)
        ).scalars()
    )
    if admitted:
        times = [{"ticket_id": i, "at": first[i], "actor_id": actor.id} for i in sorted(admitted)]
        connection.execute(_SET_USED_AT, times)


def _keep_first_time(
    connection: Connection, actor: UserSummary, scans: list[OfflineCheckIn], decisions: list[Decision]
) -> None:
    """First time wins: a ticket let in twice keeps the earlier of the two times as its check-in."""
    by_sequence = {scan.sequence: scan for scan in scans}
    earlier = {}
    for d in decisions:
        if d.outcome == OfflineOutcome.CONFLICT and d.logged == ScanResult.ALREADY_USED and d.ticket_id:
            at = by_sequence[d.sequence].scanned_at
            earlier[d.ticket_id] = min(earlier.get(d.ticket_id, at), at)
    if earlier:
        connection.execute(
            _SET_EARLIER_USED_AT,
            [{"ticket_id": i, "at": at, "actor_id": actor.id} for i, at in sorted(earlier.items())],
        )


def _record(
    connection: Connection,
    actor: UserSummary,
    door: scanning.OpenDoor,
    device_id: str,
    decisions: list[Decision],
    scans: list[OfflineCheckIn],
) -> None:
    """Keep each scan once (offline_scans) and log it as every door scan is (ticket_scans)."""
    by_sequence = {scan.sequence: scan for scan in scans}
    now, device = utcnow(), scanning.OFFLINE_DEVICE + device_id[:8]
    uploaded, logged = [], []
    for d in decisions:
        scan = by_sequence[d.sequence]
        uploaded.append(
            {
                "id": new_id(),
                "event_id": door.event_id,
                "device_id": device_id,
                "sequence": d.sequence,
                "ticket_id": d.ticket_id,
                "scanned_at": scan.scanned_at,
                "device_result": scan.result,
                "list_id": d.list_id,
                "direction": scan.direction,
                "outcome": d.outcome.value,
                "note": str(d.note)[:300],  # in English, as it read before notes were kept translatable
                **dict(zip(("note_template", "note_values"), platform.kept_message(d.note), strict=True)),
                "uploaded_by_id": actor.id,
                "uploaded_at": now,
            }
        )
        logged.append(
            {
                "id": new_id(),
                "event_id": door.event_id,
                "ticket_id": d.ticket_id,
                "scanned_by_id": actor.id,
                "result": ScanResult(d.logged).value,
                "method": METHOD,
                "device": device,
                "scanned_at": scan.scanned_at,
            }
        )
    if uploaded:
        connection.execute(insert(OfflineScan.__table__), uploaded)
        connection.execute(insert(TicketScan.__table__), logged)


def _tell(connection: Connection, door: scanning.OpenDoor, tickets: dict[str, Row], admitted: list[_Written]) -> None:
    """The `ticket.checked_in` webhook of each admission, as for a scan online."""
    platform.emit_webhooks(
        connection,
        platform.WebhookEventType.TICKET_CHECKED_IN,
        event_id=door.event_id,
        items=[
            (
                f"order:{tickets[p.row['ticket_id']].order_id}",
                {
                    "ticket_id": p.row["ticket_id"],
                    "short_code": tickets[p.row["ticket_id"]].short_code,
                    "order_id": tickets[p.row["ticket_id"]].order_id,
                    "event_id": door.event_id,
                    "method": METHOD,
                    "list_id": p.gate.id,
                    "list_name": p.gate.name,
                    "checked_in_at": p.scan.scanned_at.isoformat(),
                },
            )
            for p in admitted
        ],
    )
