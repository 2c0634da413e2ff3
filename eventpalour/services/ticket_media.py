"""What a ticket looks like outside the database: its QR code (PNG for email and download, SVG for
pages) and the event's calendar invite (.ics, via the icalendar library, which gets folding,
escaping and time zones right where hand-written iCalendar text usually does not)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import datetime

import icalendar
import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

from eventpalour.models.types import utcnow

# Medium error correction survives a cracked phone screen or a smudged printout while keeping the
# code coarse enough for a cheap phone camera to read at arm's length.
QR_OPTIONS = {"error_correction": ERROR_CORRECT_M, "border": 4}
ICS_DESCRIPTION_CHARS = 600


def _qr(token: str, box_size: int, image_factory: type | None = None) -> qrcode.QRCode:
    code = qrcode.QRCode(box_size=box_size, image_factory=image_factory, **QR_OPTIONS)
    code.add_data(token)
    code.make(fit=True)
    return code


def qr_png(token: str, box_size: int = 10) -> bytes:
    """The QR code as a black-on-white PNG."""
    buffer = io.BytesIO()
    _qr(token, box_size).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg_data_uri(token: str) -> str:
    """The QR code as an SVG data URI, for an <img> on a page (crisp at any size, no file to serve)."""
    svg = _qr(token, 10, qrcode.image.svg.SvgPathFillImage).make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@dataclass(frozen=True)
class CalendarEntry:
    """The facts of an event a calendar needs; `location` is the venue or, for holders, the link."""

    uid: str
    title: str
    start_at: datetime
    end_at: datetime
    location: str
    description: str
    url: str


def calendar_invite(entry: CalendarEntry) -> bytes:
    """A one-event iCalendar file (times in UTC, which every calendar shows in its own zone)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//EventPalour//Tickets//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", entry.start_at)
    event.add("dtend", entry.end_at)
    event.add("summary", entry.title)
    if entry.location:
        event.add("location", entry.location)
    description = entry.description.strip()
    if len(description) > ICS_DESCRIPTION_CHARS:
        description = description[: ICS_DESCRIPTION_CHARS - 1].rstrip() + "…"
    event.add("description", f"{description}\n\n{entry.url}".strip())
    event.add("url", entry.url)
    calendar.add_component(event)
    return calendar.to_ical()


def place_line(
    *, event_type: str, venue: str | None, city: str | None, country: str | None, online_link: str | None
) -> str:
    """Where a ticket holder goes: the venue, the meeting link, or both for a hybrid event.

    Only for holders: the meeting link is never shown on public pages.
    """
    address = ", ".join(part for part in (venue, city, country) if part)
    link = f"Online: {online_link}" if online_link else "Online"
    if event_type == "online":
        return link
    if event_type == "hybrid":
        return f"{address} · {link}" if address else link
    return address
