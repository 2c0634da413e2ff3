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

from sqlalchemy.engine import Connection, Row
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Direction, OfflineOutcome, OfflineScan, ScanResult, Ticket, User
from eventpalour.models.types import utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NotAuthenticated, ValidationFailed, stored_message
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.tickets import gates, live_door, offline_apply, scanning

MAX_SCANS_PER_UPLOAD = 1000
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock may run a little ahead of the server's
DEVICE_RESULTS = {r.value for r in ScanResult} - {ScanResult.UNDONE.value}
METHOD = "offline"


@dataclass(frozen=True)
class OfflineCheckIn:
    """One entry of a device's queue: its `sequence` number on that device, the ticket it named
    ("" when none: a forged or unknown code), when, what the device decided, on which list and
    which way."""

    sequence: int
    ticket_id: str
    scanned_at: datetime
    result: str
    list_id: str = ""  # the check-in list the device scanned for ("": the event's default list)
    direction: str = Direction.ENTRY.value


@dataclass(frozen=True)
class AppliedScan:
    sequence: int
    outcome: str  # OfflineOutcome
    message: str  # a Message (said in each reader's language), or a note stored in English only


@dataclass(frozen=True)
class ConflictRow:
    """A ticket let in twice (or after it was voided), for the organizer and the door."""

    short_code: str
    holder_name: str
    device_id: str
    scanned_at_label: str
    note: str  # a Message, or the English note of a row stored before (platform.stored_message)


def _check(device_id: str, scans: Sequence[OfflineCheckIn]) -> None:
    if not DEVICE_ID.match(device_id or ""):
        raise ValidationFailed.field("deviceId", N_("A device id is 8 to 64 letters, digits, dashes or underscores."))
    if len(scans) > MAX_SCANS_PER_UPLOAD:
        raise ValidationFailed.field("scans", N_("Send at most {count} scans per upload."), count=MAX_SCANS_PER_UPLOAD)
    latest = utcnow() + CLOCK_SKEW
    for scan in scans:
        if scan.sequence < 0 or scan.sequence >= 2**31:
            raise ValidationFailed.field("scans", N_("A scan's sequence is a whole number from 0."))
        if scan.scanned_at.tzinfo is None or scan.scanned_at > latest:
            raise ValidationFailed.field(
                "scans", N_("A scan's time must carry its time zone and not be in the future.")
            )
        if scan.result not in DEVICE_RESULTS:
            raise ValidationFailed.field("scans", N_("Unknown scan result: {result}."), result=scan.result[:20])
        if len(scan.ticket_id) > 16 or len(scan.list_id) > 16:
            raise ValidationFailed.field("scans", N_("A ticket or list id has at most 16 characters."))
    if len({scan.sequence for scan in scans}) != len(scans):
        raise ValidationFailed.field("scans", N_("Each scan of an upload has its own sequence number."))


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
        lists = _lists(gates.event_gates(connection, door.event_id), scans)
        stored = _stored(connection, door.event_id, device_id, [scan.sequence for scan in scans])
        tickets = _tickets(connection, door.event_id, {scan.ticket_id for scan in scans if scan.ticket_id})
        new = [scan for scan in scans if scan.sequence not in stored]
        for d in offline_apply.apply_batch(connection, actor, door, device_id, new, tickets, lists):
            stored[d.sequence] = AppliedScan(d.sequence, d.outcome.value, d.note)  # d.note: a Message
        live_door.record_device(connection, door.event_id, device_id, actor.id)  # heard from just now
    return [stored[scan.sequence] for scan in scans]


def _lists(event_gates: list[gates.Gate], scans: Sequence[OfflineCheckIn]) -> dict[str, gates.Gate]:
    """The lists the upload names, by the id it gives ("" for the default one); each scan's list is
    the event's and its direction one that list takes. Raises ValidationFailed (nothing applied)."""
    lists: dict[str, gates.Gate] = {}
    for scan in scans:
        if scan.list_id not in lists:
            lists[scan.list_id] = gates.pick_gate(event_gates, scan.list_id, field="scans")
        gates.check_direction(lists[scan.list_id], scan.direction, field="scans")
    return lists


def _stored(connection: Connection, event_id: str, device_id: str, sequences: list[int]) -> dict[int, AppliedScan]:
    rows = connection.execute(
        select(
            OfflineScan.sequence,
            OfflineScan.outcome,
            OfflineScan.note,
            OfflineScan.note_template,
            OfflineScan.note_values,
        ).where(
            OfflineScan.event_id == event_id,
            OfflineScan.device_id == device_id,
            col(OfflineScan.sequence).in_(sequences),
        )
    )
    return {
        row.sequence: AppliedScan(
            row.sequence, row.outcome, stored_message(row.note, row.note_template, row.note_values)
        )
        for row in rows
    }


def _tickets(connection: Connection, event_id: str, ids: set[str]) -> dict[str, Row]:
    if not ids:
        return {}
    rows = connection.execute(
        select(Ticket.id, Ticket.tier_id, Ticket.status, Ticket.used_at, Ticket.short_code, Ticket.order_id).where(
            Ticket.event_id == event_id, col(Ticket.id).in_(sorted(ids))
        )
    )
    return {row.id: row for row in rows}


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
            note=stored_message(scan.note, scan.note_template, scan.note_values),
        )
        for scan, code, attendee, full_name, username in rows
    ]
