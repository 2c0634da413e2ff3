"""Stopping an event's announcements (#22 §2): the signed link in every announcement email, and the
page it opens, which opts the address out and offers to opt back in.

The link carries the event and the address, signed with an HMAC keyed for this one purpose (as
ticket_tokens does for QR codes), so nobody can opt someone else out by editing a link, and a
holder needs no account session to use it. Only announcements look at the opt-outs: the
transactional emails of an event (confirmation, postponement, cancellation) are always sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import AnnouncementOptOut, Event
from eventpalour.services.identity import email_key, masked_email
from eventpalour.services.platform import N_, NotFound

SIGNATURE_BYTES = 16
INVALID_LINK = N_("This unsubscribe link is not valid. Use the link from the latest announcement email.")


@dataclass(frozen=True)
class Subscription:
    """What the unsubscribe page shows: whose announcements, for which (masked) address, and which
    of its two buttons applies now."""

    event_title: str
    event_short_id: str
    masked_email: str
    subscribed: bool

    @property
    def can_unsubscribe(self) -> bool:
        return self.subscribed

    @property
    def can_resubscribe(self) -> bool:
        return not self.subscribed


def _key() -> bytes:
    return hashlib.sha256(b"eventpalour/announcement-unsubscribe/" + settings.secret_key.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(payload: str) -> str:
    return _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES])


def unsubscribe_token(event_id: str, email: str) -> str:
    """The token of the link that stops `event_id`'s announcements to `email`."""
    payload = _b64(f"{event_id}\n{email_key(email)[0]}".encode())
    return f"{payload}.{_signature(payload)}"


def unsubscribe_link(event_id: str, email: str) -> str:
    """The absolute link an announcement email carries."""
    return settings.app_url + routes.unsubscribe_url(unsubscribe_token(event_id, email))


def one_click_link(event_id: str, email: str) -> str:
    """The absolute URL of the email's List-Unsubscribe header (same token as the link)."""
    return settings.app_url + routes.one_click_unsubscribe_url(unsubscribe_token(event_id, email))


def _read(token: str) -> tuple[str, str]:
    """(event id, email key) of a genuine token; NotFound for anything forged, altered or malformed."""
    payload, _, signature = (token or "").strip().partition(".")
    if not payload or not hmac.compare_digest(_signature(payload), signature):
        raise NotFound(INVALID_LINK)
    try:
        event_id, _, key = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().partition("\n")
    except (binascii.Error, UnicodeDecodeError):
        raise NotFound(INVALID_LINK) from None
    if not event_id or not key:
        raise NotFound(INVALID_LINK)
    return event_id, key


def opted_out(session: Session, event_id: str) -> set[str]:
    """The email keys that get no announcements of `event_id`."""
    rows = session.exec(select(AnnouncementOptOut.email_key).where(AnnouncementOptOut.event_id == event_id))
    return set(rows.all())


def _subscription(session: Session, event_id: str, key: str) -> Subscription:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(N_("This event no longer exists, so it sends no announcements."))
    return Subscription(
        event_title=event.title,
        event_short_id=event.short_id,
        masked_email=masked_email(key),
        subscribed=session.get(AnnouncementOptOut, (event_id, key)) is None,
    )


def announcement_subscription(*, token: str) -> Subscription:
    """Whether the link's address gets the link's event's announcements. Raises NotFound."""
    event_id, key = _read(token)
    with read_only() as session:
        return _subscription(session, event_id, key)


def unsubscribe_from_announcements(*, token: str) -> Subscription:
    """Stop the event's announcements to the link's address (again: nothing changes). Raises NotFound."""
    event_id, key = _read(token)
    try:
        with transaction() as session:
            if session.get(Event, event_id) is not None and session.get(AnnouncementOptOut, (event_id, key)) is None:
                session.add(AnnouncementOptOut(event_id=event_id, email_key=key))
    except IntegrityError:
        pass  # the same link opened twice at once: the other request recorded it
    return announcement_subscription(token=token)


def resubscribe_to_announcements(*, token: str) -> Subscription:
    """Send the event's announcements to the link's address again. Raises NotFound."""
    event_id, key = _read(token)
    with transaction() as session:
        stop = session.get(AnnouncementOptOut, (event_id, key))
        if stop is not None:
            session.delete(stop)
    return announcement_subscription(token=token)
