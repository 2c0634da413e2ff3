"""Applying one upload of offline check-ins in a handful of statements (#21), whatever its size: a
door phone back online after an hour sends thousands (bench/door.py --offline-upload: 5,000 in
under 10 s is the target).

The scans are taken in the order they happened. Each ticket's earliest admission in the upload is
tried with one conditional UPDATE for all of them (`valid → used`, the same guard as a scan at the
door, so an online scan at the same moment and this upload cannot both admit a ticket); the
tickets it did not change are conflicts, and of two admissions the earlier keeps the ticket's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row

from eventpalour.models import OfflineOutcome, OfflineScan, ScanResult, Ticket, TicketScan, TicketStatus
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import platform
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.tickets import scanning

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


@dataclass
class Decision:
    """What the server makes of one uploaded scan; `logged` is the result the scan log keeps."""

    sequence: int
    ticket_id: str | None
    scanned_at_label: str
    outcome: OfflineOutcome = OfflineOutcome.LOGGED
    note: str = "Refused at the door."
    logged: str = ScanResult.INVALID


Admission = tuple["OfflineCheckIn", Decision]  # a ticket's earliest admission in the upload


def apply_batch(
    connection: Connection,
    actor: UserSummary,
    door: scanning.OpenDoor,
    device_id: str,
    scans: list[OfflineCheckIn],  # only those not stored before
    tickets: dict[str, Row],
) -> list[Decision]:
    """Decide, admit and record `scans` (none of them stored before) in the caller's transaction."""
    decisions: list[Decision] = []
    first_admissions: dict[str, Admission] = {}
    for scan in sorted(scans, key=lambda s: s.scanned_at):
        ticket = tickets.get(scan.ticket_id)
        decision = Decision(scan.sequence, ticket.id if ticket else None, clock(scan.scanned_at, door.timezone))
        decision.logged = scan.result
        if scan.result == ScanResult.OK and ticket is None:
            decision.outcome, decision.logged = OfflineOutcome.CONFLICT, ScanResult.INVALID
            decision.note = "Let in, but no such ticket is at this event."
        elif scan.result == ScanResult.OK and ticket.id in first_admissions:
            decision.outcome, decision.logged = OfflineOutcome.CONFLICT, ScanResult.ALREADY_USED
            decision.note = f"Admitted twice on this device: at {decision.scanned_at_label} and earlier."
        elif scan.result == ScanResult.OK:
            first_admissions[ticket.id] = (scan, decision)
        decisions.append(decision)
    admitted = _admit(connection, actor, first_admissions)
    _settle_conflicts(connection, actor, door, {i: first_admissions[i] for i in first_admissions if i not in admitted})
    _record(connection, actor, door, device_id, decisions, scans)
    _tell(connection, door, tickets, [first_admissions[i] for i in admitted])
    return decisions


def _admit(connection: Connection, actor: UserSummary, first: dict[str, Admission]) -> set[str]:
    """Mark every still-valid ticket of `first` used, at its scan's time; the ids that changed."""
    if not first:
        return set()
    admitted = set(
        connection.execute(
            update(_tickets)
            .where(_tickets.c.id.in_(sorted(first)), _tickets.c.status == TicketStatus.VALID.value)
            .values(status=TicketStatus.USED.value, used_by_id=actor.id, used_at=utcnow())
            .returning(_tickets.c.id)
        ).scalars()
    )
    if admitted:
        times = [{"ticket_id": i, "at": first[i][0].scanned_at, "actor_id": actor.id} for i in sorted(admitted)]
        connection.execute(_SET_USED_AT, times)
    for ticket_id in admitted:
        scan, decision = first[ticket_id]
        decision.outcome, decision.logged = OfflineOutcome.ADMITTED, ScanResult.OK
        decision.note = f"Checked in at {decision.scanned_at_label}."
    return admitted


def _settle_conflicts(
    connection: Connection, actor: UserSummary, door: scanning.OpenDoor, refused: dict[str, Admission]
) -> None:
    """Say why each ticket the device let in was not admitted now; keep the earlier of two times."""
    if not refused:
        return
    rows = connection.execute(
        select(_tickets.c.id, _tickets.c.status, _tickets.c.used_at).where(_tickets.c.id.in_(sorted(refused)))
    )
    earlier = []
    for row in rows:
        scan, decision = refused[row.id]
        decision.outcome = OfflineOutcome.CONFLICT
        if row.status != TicketStatus.USED:
            decision.logged = ScanResult.NOT_VALID
            decision.note = f"Let in at {decision.scanned_at_label}, but the ticket was {row.status}."
            continue
        decision.logged = ScanResult.ALREADY_USED
        other = clock(row.used_at, door.timezone) if row.used_at else ""
        decision.note = f"Admitted twice: at {decision.scanned_at_label} on this device and at {other}."
        if row.used_at is not None and scan.scanned_at < row.used_at:
            earlier.append({"ticket_id": row.id, "at": scan.scanned_at, "actor_id": actor.id})
    if earlier:
        connection.execute(_SET_EARLIER_USED_AT, earlier)


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
    now, device = utcnow(), f"Offline device {device_id[:8]}"
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
                "outcome": d.outcome.value,
                "note": d.note[:300],
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


def _tell(connection: Connection, door: scanning.OpenDoor, tickets: dict[str, Row], admitted: list[Admission]) -> None:
    """The `ticket.checked_in` webhook of each admission, as for a scan online."""
    platform.emit_webhooks(
        connection,
        platform.WebhookEventType.TICKET_CHECKED_IN,
        event_id=door.event_id,
        items=[
            (
                f"order:{tickets[decision.ticket_id].order_id}",
                {
                    "ticket_id": decision.ticket_id,
                    "short_code": tickets[decision.ticket_id].short_code,
                    "order_id": tickets[decision.ticket_id].order_id,
                    "event_id": door.event_id,
                    "method": METHOD,
                    "checked_in_at": scan.scanned_at.isoformat(),
                },
            )
            for scan, decision in admitted
        ],
    )
