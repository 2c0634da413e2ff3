"""Check-ins a door device made with no network, uploaded when it is back online (#21 §4).

Each upload is applied once: (event, device, sequence) is unique, and a repeat of a scan already
stored gets the answer stored with it, so a device that lost the server's answer just sends its
queue again. The device's own decision stands at the door (the holder is in); the server records
what it means: the ticket's first admission (`admitted`: it is now `used`, at the device's time),
or a `conflict` when another device (online or offline) admitted it too, or it was voided in the
meantime. Of two admissions the earlier one wins: the ticket keeps the first time. Every uploaded
scan also goes into the scan log, as online scans do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection, Row
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import OfflineOutcome, OfflineScan, ScanResult, Ticket, TicketScan, TicketStatus, User
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import platform
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import NotAuthenticated, ValidationFailed
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.tickets import scanning

MAX_SCANS_PER_UPLOAD = 1000
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock may run a little ahead of the server's
DEVICE_RESULTS = {r.value for r in ScanResult} - {ScanResult.UNDONE.value}
METHOD = "offline"


@dataclass(frozen=True)
class OfflineCheckIn:
    """One entry of a device's queue: its `sequence` number on that device, the ticket it named
    ("" when none: a forged or unknown code), when, and what the device decided."""

    sequence: int
    ticket_id: str
    scanned_at: datetime
    result: str


@dataclass(frozen=True)
class AppliedScan:
    sequence: int
    outcome: str  # OfflineOutcome
    message: str


@dataclass(frozen=True)
class ConflictRow:
    """A ticket let in twice (or after it was voided), for the organizer and the door."""

    short_code: str
    holder_name: str
    device_id: str
    scanned_at_label: str
    note: str


def _check(device_id: str, scans: Sequence[OfflineCheckIn]) -> None:
    if not DEVICE_ID.match(device_id or ""):
        raise ValidationFailed.field("deviceId", "A device id is 8 to 64 letters, digits, dashes or underscores.")
    if len(scans) > MAX_SCANS_PER_UPLOAD:
        raise ValidationFailed.field("scans", f"Send at most {MAX_SCANS_PER_UPLOAD} scans per upload.")
    latest = utcnow() + CLOCK_SKEW
    for scan in scans:
        if scan.sequence < 0 or scan.sequence >= 2**31:
            raise ValidationFailed.field("scans", "A scan's sequence is a whole number from 0.")
        if scan.scanned_at.tzinfo is None or scan.scanned_at > latest:
            raise ValidationFailed.field("scans", "A scan's time must carry its time zone and not be in the future.")
        if scan.result not in DEVICE_RESULTS:
            raise ValidationFailed.field("scans", f"Unknown scan result: {scan.result[:20]}.")
        if len(scan.ticket_id) > 16:
            raise ValidationFailed.field("scans", "A ticket id has at most 16 characters.")
    if len({scan.sequence for scan in scans}) != len(scans):
        raise ValidationFailed.field("scans", "Each scan of an upload has its own sequence number.")


def upload_offline_scans(
    *, actor: UserSummary | None, event_id: str, device_id: str, scans: Sequence[OfflineCheckIn]
) -> list[AppliedScan]:
    """Apply a device's queued offline scans at the door of `event_id`, each exactly once; the
    answer for each, in the order sent. For the members who may scan.

    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed (nothing is applied).
    """
    if actor is None:
        raise NotAuthenticated()
    _check(device_id, scans)
    with transaction() as session:
        connection = session.connection()
        door = scanning.open_door(connection, actor, event_id)
        stored = _stored(connection, door.event_id, device_id, [scan.sequence for scan in scans])
        tickets = _tickets(connection, door.event_id, {scan.ticket_id for scan in scans if scan.ticket_id})
        applied = []
        for scan in sorted(scans, key=lambda s: s.scanned_at):
            if scan.sequence in stored:
                applied.append(stored[scan.sequence])
                continue
            answer = _apply(connection, actor, door, device_id, scan, tickets.get(scan.ticket_id))
            stored[scan.sequence] = answer
            applied.append(answer)
    order = {scan.sequence: index for index, scan in enumerate(scans)}
    return sorted(applied, key=lambda answer: order[answer.sequence])


def _stored(connection: Connection, event_id: str, device_id: str, sequences: list[int]) -> dict[int, AppliedScan]:
    rows = connection.execute(
        select(OfflineScan.sequence, OfflineScan.outcome, OfflineScan.note).where(
            OfflineScan.event_id == event_id,
            OfflineScan.device_id == device_id,
            col(OfflineScan.sequence).in_(sequences),
        )
    )
    return {row.sequence: AppliedScan(row.sequence, row.outcome, row.note) for row in rows}


def _tickets(connection: Connection, event_id: str, ids: set[str]) -> dict[str, Row]:
    if not ids:
        return {}
    rows = connection.execute(
        select(Ticket.id, Ticket.status, Ticket.used_at, Ticket.short_code).where(
            Ticket.event_id == event_id, col(Ticket.id).in_(sorted(ids))
        )
    )
    return {row.id: row for row in rows}


def _apply(
    connection: Connection,
    actor: UserSummary,
    door: scanning.OpenDoor,
    device_id: str,
    scan: OfflineCheckIn,
    ticket: Row | None,
) -> AppliedScan:
    """Record one scan: the ticket's first admission, a conflict, or a refusal for the log only."""
    if scan.result != ScanResult.OK:
        outcome, note, logged = OfflineOutcome.LOGGED, "Refused at the door.", scan.result
    elif ticket is None:
        outcome, note, logged = (
            OfflineOutcome.CONFLICT,
            "Let in, but no such ticket is at this event.",
            ScanResult.INVALID,
        )
    else:
        outcome, note, logged = _admit(connection, actor, door, scan, ticket)
    ticket_id = ticket.id if ticket is not None else None
    connection.execute(
        insert(OfflineScan.__table__).values(
            id=new_id(),
            event_id=door.event_id,
            device_id=device_id,
            sequence=scan.sequence,
            ticket_id=ticket_id,
            scanned_at=scan.scanned_at,
            device_result=scan.result,
            outcome=outcome.value,
            note=note[:300],
            uploaded_by_id=actor.id,
            uploaded_at=utcnow(),
        )
    )
    connection.execute(
        insert(TicketScan.__table__).values(
            id=new_id(),
            event_id=door.event_id,
            ticket_id=ticket_id,
            scanned_by_id=actor.id,
            result=ScanResult(logged).value,
            method=METHOD,
            device=f"Offline device {device_id[:8]}",
            scanned_at=scan.scanned_at,
        )
    )
    return AppliedScan(scan.sequence, outcome.value, note)


def _admit(
    connection: Connection, actor: UserSummary, door: scanning.OpenDoor, scan: OfflineCheckIn, ticket: Row
) -> tuple[OfflineOutcome, str, str]:
    """The ticket's first admission, or why it is a conflict; with the result the scan log keeps."""
    at = clock(scan.scanned_at, door.timezone)
    admitted = connection.execute(
        update(Ticket.__table__)
        .where(Ticket.__table__.c.id == ticket.id, Ticket.__table__.c.status == TicketStatus.VALID.value)
        .values(status=TicketStatus.USED.value, used_at=scan.scanned_at, used_by_id=actor.id)
    )
    if admitted.rowcount == 1:
        platform.emit_webhook(
            connection,
            platform.WebhookEventType.TICKET_CHECKED_IN,
            event_id=door.event_id,
            subject=f"ticket:{ticket.id}",
            data={
                "ticket_id": ticket.id,
                "short_code": ticket.short_code,
                "event_id": door.event_id,
                "method": METHOD,
                "checked_in_at": scan.scanned_at.isoformat(),
            },
        )
        return OfflineOutcome.ADMITTED, f"Checked in at {at}.", ScanResult.OK
    current = connection.execute(select(Ticket.status, Ticket.used_at).where(Ticket.id == ticket.id)).one()
    if current.status != TicketStatus.USED:
        return OfflineOutcome.CONFLICT, f"Let in at {at}, but the ticket was {current.status}.", ScanResult.NOT_VALID
    other = clock(current.used_at, door.timezone) if current.used_at else ""
    if current.used_at is not None and scan.scanned_at < current.used_at:
        # The first admission wins: the ticket keeps the earlier time.
        connection.execute(
            update(Ticket.__table__)
            .where(Ticket.__table__.c.id == ticket.id)
            .values(used_at=scan.scanned_at, used_by_id=actor.id)
        )
    return OfflineOutcome.CONFLICT, f"Admitted twice: at {at} on this device and at {other}.", ScanResult.ALREADY_USED


def offline_conflicts(*, actor: UserSummary | None, event_id: str) -> list[ConflictRow]:
    """The event's offline check-ins that let someone in twice (or on a voided ticket), latest
    first. For the members who may scan (the door sees them too). Raises NotAuthenticated,
    NotFound, PermissionDenied."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        door = scanning.open_door(session.connection(), actor, event_id)
        rows = session.exec(
            select(OfflineScan, Ticket.short_code, Ticket.attendee_name, User.full_name, User.username)
            .outerjoin(Ticket, col(Ticket.id) == col(OfflineScan.ticket_id))
            .outerjoin(User, col(User.id) == col(Ticket.holder_id))
            .where(OfflineScan.event_id == door.event_id, OfflineScan.outcome == OfflineOutcome.CONFLICT.value)
            .order_by(col(OfflineScan.scanned_at).desc())
            .limit(200)
        ).all()
    return [
        ConflictRow(
            short_code=code or "",
            holder_name=attendee or full_name or username or "",
            device_id=scan.device_id,
            scanned_at_label=clock(scan.scanned_at, door.timezone),
            note=scan.note,
        )
        for scan, code, attendee, full_name, username in rows
    ]
