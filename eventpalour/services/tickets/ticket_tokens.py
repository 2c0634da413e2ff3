"""The signed token inside a ticket's QR code (SPEC §6, #21).

Current codes, `EP2.<ticket id>.<event id>.<tier id>.<secret version>.<signature>`: an Ed25519
signature (64 bytes, base64url) over the rest under the event's own key pair (signing_keys), so a
door device holding only the event's public key can tell a genuine code from a forged or altered
one with no network.

Codes issued before, `EP1.<ticket id>.<event id>.<secret version>.<signature>`: an HMAC-SHA256 over
the rest, keyed by a key derived from SECRET_KEY for this one purpose. They keep scanning online;
a device offline cannot check them (it has no secret) and matches them against its ticket list.

Either way, bumping a ticket's `secret_version` makes every earlier code of it stale without
touching the others, and a transfer issues a new ticket with its own code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from eventpalour.config import settings
from eventpalour.services.tickets import signing_keys

PREFIX = "EP1"
SIGNED_PREFIX = "EP2"
PREFIXES = (PREFIX, SIGNED_PREFIX)
SIGNATURE_BYTES = 16  # EP1: 128 bits, unguessable, and keeps the QR code small enough to scan fast.


@dataclass(frozen=True)
class TicketClaims:
    ticket_id: str
    event_id: str
    secret_version: int
    tier_id: str = ""  # EP1 codes do not carry it


def _key() -> bytes:
    return hashlib.sha256(b"eventpalour/ticket-qr/" + settings.secret_key.encode()).digest()


def _signature(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(ticket_id: str, event_id: str, secret_version: int) -> str:
    """An EP1 (HMAC) token: the codes issued before #21, still accepted online."""
    payload = f"{PREFIX}.{ticket_id}.{event_id}.{secret_version}"
    return f"{payload}.{_signature(payload)}"


def sign_signed(ticket_id: str, event_id: str, tier_id: str, secret_version: int) -> str:
    """The token a ticket's QR code carries: EP2, checkable offline with the event's public key."""
    payload = f"{SIGNED_PREFIX}.{ticket_id}.{event_id}.{tier_id}.{secret_version}"
    signature = signing_keys.private_key(event_id).sign(payload.encode())
    return f"{payload}.{signing_keys.b64(signature)}"


def read(token: str) -> TicketClaims | None:
    """The claims of a genuine token; None for anything forged, altered, truncated or malformed."""
    parts = (token or "").strip().split(".")
    if len(parts) == 6 and parts[0] == SIGNED_PREFIX:
        return _read_signed(parts)
    if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_signature(payload), signature):
        return None
    return TicketClaims(ticket_id=parts[1], event_id=parts[2], secret_version=int(parts[3]))


def _read_signed(parts: list[str]) -> TicketClaims | None:
    event_id = parts[2]
    if not event_id.isalnum() or len(event_id) > 16:
        return None
    key = signing_keys.public_key(event_id)
    return None if key is None else verify_signed(parts, key)


def verify_signed(parts: list[str], key: Ed25519PublicKey) -> TicketClaims | None:
    """The claims of the split EP2 token `parts` when `key` signed it; None otherwise. The check a
    door device makes offline, written the same way (tests/vectors hold the shared cases)."""
    if len(parts) != 6 or parts[0] != SIGNED_PREFIX or not parts[4].isdigit():
        return None
    try:
        key.verify(signing_keys.unb64(parts[5]), ".".join(parts[:5]).encode())
    except (InvalidSignature, ValueError):
        return None
    return TicketClaims(ticket_id=parts[1], event_id=parts[2], secret_version=int(parts[4]), tier_id=parts[3])
