"""Door devices prepared for offline scanning (#21 §3): the event's ticket list, then only what
changed, with the event's public key, so a phone can decide at the door with no network.

A device keeps the `cursor` of its last answer and sends it back; the next answer holds the tickets
written since, plus an overlap (`OVERLAP`): a write that committed a moment after the cursor was
taken, with a timestamp from before it, is sent again rather than missed (devices store by ticket
id, so a repeat is harmless). Transfers, refunds and cancellations reach devices this way, as the
ticket's new status or version: that is how a device learns a code was revoked.

Typed short codes are not sent, only `code_hash` (SHA-256 of "<event id>:<code>"): the list on a
phone does not show the codes in plain sight. It is no secret store, though: 8-character codes can be
recovered from the hashes by brute force, so a lost door phone is as sensitive as a printed guest
list (holder names are in it anyway).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Connection
from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import CheckIn, Event, OrderItem, Ticket, User
from eventpalour.models.types import utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NotAuthenticated, ValidationFailed
from eventpalour.services.tickets import gates, scanning, signing_keys

OVERLAP = timedelta(seconds=30)
BAD_CURSOR = N_("The sync cursor is not a time this server gave out; sync the whole list again.")


@dataclass(frozen=True)
class SyncedTicket:
    """One ticket as a door device stores it."""

    id: str
    code_hash: str
    tier_id: str
    tier_name: str
    holder_name: str
    status: str
    version: int
    used_at: datetime | None
    passes: tuple[SyncedPass, ...] = ()  # its passes through the event's lists, oldest first


@dataclass(frozen=True)
class SyncedPass:
    """One earlier pass of a ticket through a list, so a device applies "once per list" offline."""

    list_id: str
    direction: str
    at: datetime


@dataclass(frozen=True)
class SyncedList:
    """A check-in list as a device applies it offline (the same fields as `gates.Gate`)."""

    id: str
    name: str
    all_tiers: bool
    tier_ids: tuple[str, ...]
    readmit_daily: bool
    count_exits: bool


@dataclass(frozen=True)
class DeviceSync:
    event_id: str
    short_id: str
    title: str
    timezone: str  # the event's: "once per day" is a day there
    lists: list[SyncedList]
    public_key: str  # base64url, raw Ed25519
    cursor: str  # send it back as `since` for the next delta
    full: bool  # True: the whole list (the device replaces what it had)
    doors_closed: bool
    tickets: list[SyncedTicket]


def code_hash(event_id: str, code: str) -> str:
    """What a device matches a typed code against (the device computes the same in JS)."""
    return hashlib.sha256(f"{event_id}:{code}".encode()).hexdigest()


def _since(cursor: str) -> datetime | None:
    if not cursor:
        return None
    try:
        moment = datetime.fromisoformat(cursor)
    except ValueError as error:
        raise ValidationFailed.field("since", BAD_CURSOR) from error
    if moment.tzinfo is None or moment > utcnow() + OVERLAP:
        raise ValidationFailed.field("since", BAD_CURSOR)
    return moment - OVERLAP


_holder_name = func.coalesce(func.nullif(Ticket.attendee_name, ""), func.nullif(User.full_name, ""), User.username)


def device_sync(*, actor: UserSummary | None, event_id: str, since: str = "") -> DeviceSync:
    """The event's tickets for a door device (all of them, or those written since `since`).

    For the members who may scan. Raises NotAuthenticated, NotFound, PermissionDenied,
    ValidationFailed (a cursor this server did not give out).
    """
    if actor is None:
        raise NotAuthenticated()
    after = _since(since)
    cursor = utcnow().isoformat()  # taken before the read: nothing written after it is skipped
    with read_only() as session:
        connection = session.connection()
        door = scanning.open_door(connection, actor, event_id)
        query = (
            select(Ticket, OrderItem.tier_name, _holder_name.label("holder_name"))
            .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
            .join(User, col(User.id) == col(Ticket.holder_id))
            .where(Ticket.event_id == door.event_id)
        )
        if after is not None:
            query = query.where(col(Ticket.updated_at) >= after)
        rows = session.exec(query.order_by(col(Ticket.id))).all()
        event = session.get(Event, door.event_id)
        lists = gates.event_gates(connection, door.event_id)
        passes = _passes(connection, door.event_id, after)
    return DeviceSync(
        event_id=door.event_id,
        short_id=event.short_id,
        title=event.title,
        timezone=door.timezone,
        lists=[
            SyncedList(g.id, g.name, g.all_tiers, tuple(sorted(g.tier_ids)), g.readmit_daily, g.count_exits)
            for g in lists
        ],
        public_key=signing_keys.event_public_key(door.event_id).public_key,
        cursor=cursor,
        full=after is None,
        doors_closed=door.closed,
        tickets=[
            _synced(door.event_id, ticket, tier_name, holder, tuple(passes.get(ticket.id, ())))
            for ticket, tier_name, holder in rows
        ],
    )


def _passes(connection: Connection, event_id: str, after: datetime | None) -> dict[str, list[SyncedPass]]:
    """The passes of the event's tickets (of those written since `after` for a delta: a pass
    touches its ticket's `updated_at`)."""
    check_ins = CheckIn.__table__
    query = select(check_ins.c.ticket_id, check_ins.c.list_id, check_ins.c.direction, check_ins.c.at).where(
        check_ins.c.event_id == event_id
    )
    if after is not None:
        changed = select(Ticket.id).where(Ticket.event_id == event_id, col(Ticket.updated_at) >= after)
        query = query.where(check_ins.c.ticket_id.in_(changed))
    found: dict[str, list[SyncedPass]] = {}
    for row in connection.execute(query.order_by(check_ins.c.at)):
        found.setdefault(row.ticket_id, []).append(SyncedPass(row.list_id, row.direction, row.at))
    return found


def _synced(
    event_id: str, ticket: Ticket, tier_name: str, holder_name: str, passes: tuple[SyncedPass, ...]
) -> SyncedTicket:
    return SyncedTicket(
        id=ticket.id,
        code_hash=code_hash(event_id, ticket.short_code),
        tier_id=ticket.tier_id,
        tier_name=tier_name,
        holder_name=holder_name,
        status=ticket.status,
        version=ticket.secret_version,
        used_at=ticket.used_at,
        passes=passes,
    )
