"""What a door device needs to work without the network (#21): each event's Ed25519 key pair, and
the check-ins that devices made offline and uploaded later."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
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
    outcome: str = Field(max_length=16)
    note: str = Field(default="", max_length=300)
    uploaded_by_id: str = Field(foreign_key="users.id", max_length=16)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
