"""Each event's Ed25519 key pair (#21): the private half signs the event's QR codes on the server,
the public half lets a door device check them with no network.

A pair is made the first time an event's code is signed and never changes afterwards, so a process
may keep the keys it has read (no other worker can ever see a different pair for the event). Two
workers making the first pair at once both insert; the database keeps one and both read it back.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from eventpalour.db import read_only, transaction
from eventpalour.models import EventSigningKey
from eventpalour.models.types import utcnow
from eventpalour.services import platform

_keys = EventSigningKey.__table__
_private: dict[str, Ed25519PrivateKey] = {}
_public: dict[str, Ed25519PublicKey] = {}


@dataclass(frozen=True)
class PublicKey:
    event_id: str
    public_key: str  # raw 32 bytes, base64url without padding (what devices receive)


def b64(raw: bytes) -> str:
    """URL-safe base64 without padding: the encoding of keys and signatures in codes and sync data."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _read(connection: Connection, event_id: str) -> tuple[str, str] | None:
    row = connection.execute(
        select(_keys.c.public_key, _keys.c.sealed_private_key).where(_keys.c.event_id == event_id)
    ).first()
    return None if row is None else (row.public_key, row.sealed_private_key)


def _create(event_id: str) -> tuple[str, str]:
    """Make the event's pair unless another caller made it first; the pair the database keeps."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    values = {"event_id": event_id, "public_key": public, "sealed_private_key": platform.seal(b64(raw))}
    with transaction() as session:
        connection = session.connection()
        maker = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(maker(_keys).values(**values, created_at=utcnow()).on_conflict_do_nothing())
        return _read(connection, event_id)


def _pair(event_id: str, *, create: bool) -> tuple[str, str] | None:
    with read_only() as session:
        found = _read(session.connection(), event_id)
    if found is None and create:
        found = _create(event_id)
    return found


def private_key(event_id: str) -> Ed25519PrivateKey:
    """The event's signing key, made on first use. The event must exist."""
    if event_id not in _private:
        _, sealed = _pair(event_id, create=True)
        _private[event_id] = Ed25519PrivateKey.from_private_bytes(unb64(platform.unseal(sealed)))
    return _private[event_id]


def public_key(event_id: str) -> Ed25519PublicKey | None:
    """The event's verifying key; None while none of its codes was ever signed (or no such event)."""
    if event_id not in _public:
        found = _pair(event_id, create=False)
        if found is None:
            return None
        _public[event_id] = Ed25519PublicKey.from_public_bytes(unb64(found[0]))
    return _public[event_id]


def event_public_key(event_id: str) -> PublicKey:
    """The public half as devices receive it, the pair made first when the event has none yet."""
    private_key(event_id)
    return PublicKey(
        event_id=event_id, public_key=b64(public_key(event_id).public_bytes(Encoding.Raw, PublicFormat.Raw))
    )
