"""Turning an outbox row's attachment recipes into bytes, at send time.

A confirmation names what to attach (`render: {kind: ticket_qr, ticket_id}` or `{kind: event_ics,
event_id}`) instead of carrying the bytes: encoding a QR image takes milliseconds, which fulfilment
should not spend inside its transaction. Rendering late also means the email carries the ticket's
current code. Plain attachments (`data_b64`) pass through unchanged.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlmodel import Session

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import Event, Ticket
from eventpalour.services.tickets import ticket_media, ticket_tokens


def _ticket_qr(session: Session, recipe: dict[str, Any]) -> bytes | None:
    ticket = session.get(Ticket, str(recipe.get("ticket_id") or ""))
    if ticket is None:
        return None
    return ticket_media.qr_png(
        ticket_tokens.sign_signed(ticket.id, ticket.event_id, ticket.tier_id, ticket.secret_version)
    )


def _event_ics(session: Session, recipe: dict[str, Any]) -> bytes | None:
    event = session.get(Event, str(recipe.get("event_id") or ""))
    if event is None:
        return None
    return ticket_media.calendar_invite(calendar_entry(event))


def calendar_entry(event: Event) -> ticket_media.CalendarEntry:
    """The calendar facts of an event as its ticket holders see them (with the meeting link)."""
    return ticket_media.CalendarEntry(
        uid=f"{event.id}@eventpalour",
        title=event.title,
        start_at=event.start_at,
        end_at=event.end_at,
        location=ticket_media.holder_place(event),
        description=event.description,
        url=settings.app_url + routes.event_url(event.short_id),
    )


RENDERERS = {"ticket_qr": _ticket_qr, "event_ics": _event_ics}


def materialize(attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every attachment with its `data_b64`; a recipe whose subject no longer exists is left out."""
    ready = []
    with read_only() as session:
        for attachment in attachments:
            recipe = attachment.get("render")
            if not recipe:
                ready.append(attachment)
                continue
            renderer = RENDERERS.get(str(recipe.get("kind")))
            data = renderer(session, recipe) if renderer else None
            if data is not None:
                ready.append({**attachment, "data_b64": base64.b64encode(data).decode()})
    return ready
