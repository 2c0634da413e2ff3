"""The signed token inside a ticket's QR code (SPEC §6).

`EP1.<ticket id>.<event id>.<secret version>.<signature>`: the signature is an HMAC-SHA256 over the
rest, keyed by a key derived from SECRET_KEY for this one purpose, so a token cannot be forged or
altered and a key leak elsewhere does not mint tickets. Bumping a ticket's `secret_version` (on
transfer) makes every earlier token of it stale without touching the others.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from eventpalour.config import settings

PREFIX = "EP1"
SIGNATURE_BYTES = 16  # 128 bits: unguessable, and keeps the QR code small enough to scan fast.


@dataclass(frozen=True)
class TicketClaims:
    ticket_id: str
    event_id: str
    secret_version: int


def _key() -> bytes:
    return hashlib.sha256(b"eventpalour/ticket-qr/" + settings.secret_key.encode()).digest()


def _signature(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(ticket_id: str, event_id: str, secret_version: int) -> str:
    """The token a ticket's QR code carries."""
    payload = f"{PREFIX}.{ticket_id}.{event_id}.{secret_version}"
    return f"{payload}.{_signature(payload)}"


def read(token: str) -> TicketClaims | None:
    """The claims of a genuine token; None for anything forged, altered, truncated or malformed."""
    parts = (token or "").strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_signature(payload), signature):
        return None
    return TicketClaims(ticket_id=parts[1], event_id=parts[2], secret_version=int(parts[3]))
