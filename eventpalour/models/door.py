"""The door (#21): each event's check-in lists (gates) and the check-ins made on them, each event's
Ed25519 key pair (so a device works without the network), and the check-ins devices made offline
and uploaded later."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class EventSigningKey(SQLModel, table=True):
    """The key pair that signs an event's QR codes, e.g. the codes of "Afrobeats Night" carry a
    signature that any door phone holding the event's public key can check with no network.

    The private key never leaves the server and is stored sealed (encrypted under SECRET_KEY), so a
    leaked table alone mints no tickets; the public key is handed to every prepared door device.
    """

    __tablename__ = "event_signing_keys"

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    public_key: str = Field(max_length=64)  # raw 32 bytes, base64url without padding
    sealed_private_key: str = Field(max_length=400)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfflineOutcome(StrEnum):
    """What the server made of one check-in a device made offline."""

    ADMITTED = "admitted"  # the first admission of the ticket: it is now used
    CONFLICT = "conflict"  # the ticket was already admitted elsewhere (or voided): the door let in twice
    LOGGED = "logged"  # the device refused it: kept in the scan log only


class OfflineScan(SQLModel, table=True):
    """One check-in a door device made with no network, as uploaded, e.g. device 7f3a… scanned
    ABCD2345 at 19:42 (its 12th scan) and let the holder in; the server found it the first admission.

    (event, device, sequence) is unique, so an upload repeated after a dropped answer applies nothing
    twice. `note` says for a conflict which other admission came first.
    """

    __tablename__ = "offline_scans"
    __table_args__ = (
        UniqueConstraint("event_id", "device_id", "sequence", name="uq_offline_scans_device_sequence"),
        Index("ix_offline_scans_event_outcome", "event_id", "outcome"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    device_id: str = Field(max_length=64)
    sequence: int
    ticket_id: str | None = Field(default=None, foreign_key="tickets.id", max_length=16)
    scanned_at: datetime = Field(sa_type=UTCDateTime)
    device_result: str = Field(max_length=16)
    # The list the device scanned for; NULL for uploads made before lists existed (the default list).
    list_id: str | None = Field(default=None, max_length=16)
    direction: str = Field(default="entry", max_length=8)
    outcome: str = Field(max_length=16)
    note: str = Field(default="", max_length=300)  # in English; rows before the two below say only this
    # The note's sentence (the catalogs' English id) and its values, so each reader reads it in their
    # language (platform.stored_message); NULL on rows uploaded before.
    note_template: str | None = Field(default=None, max_length=300)
    note_values: dict[str, object] | None = Field(default=None, sa_type=JSON)
    uploaded_by_id: str = Field(foreign_key="users.id", max_length=16)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Direction(StrEnum):
    """Which way a holder passes a gate: in, or out (exit scans, on lists that count them)."""

    ENTRY = "entry"
    EXIT = "exit"


class CheckInList(SQLModel, table=True):
    """A gate of an event with the tiers it admits and its own counters, e.g. "VIP lounge" (VIP
    tickets only, re-admits once per day, counts exits so the organizer sees who is inside now).

    Every event has a default list covering all tiers whose id is the event's own id: it is made
    when first needed (services/tickets/gates.py), so events and their copies need no extra step,
    and check-ins from before lists existed belong to it (migration).
    """

    __tablename__ = "checkin_lists"
    __table_args__ = (Index("ix_checkin_lists_event", "event_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    name: str = Field(max_length=60)
    all_tiers: bool = True  # False: only the tiers in checkin_list_tiers
    readmit_daily: bool = False  # a multi-day event: one more entry per day (the event's time zone)
    count_exits: bool = False  # an Entry/Exit switch at the scanner; "inside now" = entries - exits
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CheckInListTier(SQLModel, table=True):
    """A tier a list admits (when it does not admit all)."""

    __tablename__ = "checkin_list_tiers"

    list_id: str = Field(foreign_key="checkin_lists.id", primary_key=True, max_length=16, ondelete="CASCADE")
    tier_id: str = Field(foreign_key="ticket_tiers.id", primary_key=True, max_length=16, ondelete="CASCADE")


class CheckIn(SQLModel, table=True):
    """One pass through a gate, e.g. ticket ABCD2345 entered the VIP lounge at 21:05 (its 1st entry
    there), or left it at 22:10 (its 1st exit).

    Exactly once: `ordinal` numbers a ticket's entries (and exits) on a list, and (list, ticket,
    direction, ordinal) is unique, so of two devices that both decide "this is entry 1" the database
    keeps one. Only the test-only unguarded write leaves `ordinal` NULL (NULLs never collide).
    """

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("list_id", "ticket_id", "direction", "ordinal", name="uq_check_ins_pass"),
        Index("ix_check_ins_event_at", "event_id", "at"),
        Index("ix_check_ins_ticket", "ticket_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    list_id: str = Field(foreign_key="checkin_lists.id", max_length=16, ondelete="CASCADE")
    ticket_id: str = Field(foreign_key="tickets.id", max_length=16)
    direction: str = Field(default=Direction.ENTRY.value, max_length=8)
    ordinal: int | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    by_id: str | None = Field(default=None, foreign_key="users.id", max_length=16)
    device: str = Field(default="", max_length=200)


class CheckInCount(SQLModel, table=True):
    """A list's passes, counted as they are written, e.g. the VIP lounge between 21:00 and 21:15 UTC,
    stripe 3: 41 entries (38 of them tickets' first entry there) and 5 exits. The door's counters
    (admitted, inside now) then sum a few rows however many people came through, where counting the
    `check_ins` rows cost every scan more as the night went on.

    A quarter-hour `slot` gives "inside today" on lists that re-admit daily (a day starts on a
    quarter-hour in every time zone). Each slot's counts are split over `stripe`s by ticket, so the
    door's devices writing at once do not all queue for one row's lock.
    """

    __tablename__ = "check_in_counts"

    list_id: str = Field(foreign_key="checkin_lists.id", primary_key=True, max_length=16, ondelete="CASCADE")
    slot: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    stripe: int = Field(primary_key=True)
    entries: int = Field(default=0)
    first_entries: int = Field(default=0)
    exits: int = Field(default=0)


class DoorDevice(SQLModel, table=True):
    """A phone at an event's door, as last heard from, e.g. dev-7f3a… (Gate Keeper) synced at 19:42:
    the live door dashboard shows a device not heard from for a while as offline."""

    __tablename__ = "door_devices"

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=16, ondelete="CASCADE")
    device_id: str = Field(primary_key=True, max_length=64)
    user_id: str | None = Field(default=None, foreign_key="users.id", max_length=16)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
