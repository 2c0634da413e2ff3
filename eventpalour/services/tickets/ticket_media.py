"""What a ticket looks like outside the database: its QR code (PNG for email and download, SVG for
pages), the whole ticket as one PNG (to save on a phone or print), and the event's calendar invite
(.ics, via the icalendar library, which gets folding, escaping and time zones right where
hand-written iCalendar text usually does not)."""

from __future__ import annotations

import base64
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import icalendar
import qrcode
import qrcode.image.svg
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import Row

from eventpalour.config import settings
from eventpalour.models import Event
from eventpalour.models.types import utcnow
from eventpalour.services.platform import DEFAULT_LANGUAGE, gettext
from eventpalour.services.tickets.qr_masks import readable_qr

# Medium error correction survives a cracked phone screen or a smudged printout while keeping the
# code coarse enough for a cheap phone camera to read at arm's length.
QR_OPTIONS = {"error_correction": ERROR_CORRECT_M, "border": 4}
ICS_DESCRIPTION_CHARS = 600


def _qr(token: str, box_size: int, image_factory: type | None = None) -> qrcode.QRCode:
    # The mask is chosen so the door's camera reader never mistakes data for a corner (qr_masks).
    return readable_qr(token, box_size=box_size, image_factory=image_factory, **QR_OPTIONS)


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
class TicketImage:
    """The words printed on a downloaded ticket, beside its QR code."""

    token: str
    short_code: str
    event_title: str
    schedule: str
    place: str
    tier_name: str
    price_label: str
    holder_name: str
    organizer: str
    organizer_verified: bool = False
    language: str = DEFAULT_LANGUAGE  # the holder's: the printed labels speak it (the facts come written in it)


TICKET_WIDTH = 720
BRAND_COLOR = (110, 86, 207)
INK = (24, 24, 27)
MUTED = (95, 95, 105)
VERIFIED_BLUE = (0, 144, 255)


# DejaVu Sans 2.37 (Debian's fonts-dejavu-core; its licence is fonts/LICENSE), shipped in the repo so
# every server draws the same ticket: it covers every Latin-script name and venue (ç, ñ, ő, and the
# Yoruba and Igbo letters with dots below and tone marks, precomposed or combining), dashes and
# ellipses. Pillow's bundled default font has none of those and drew boxes in their place.
FONTS_DIR = Path(__file__).parent / "fonts"
REGULAR_FONT = FONTS_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size=size)


TEXT_WIDTH = TICKET_WIDTH - 80  # 40 px margins


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` in lines no wider than `width` pixels, broken between words (inside a word only when
    the word alone is wider)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and font.getlength(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    return [*lines, line] if line else lines


def _lines(
    draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: tuple[int, int, int], *, bold: bool = False
) -> int:
    """Draw `text` wrapped to the ticket's width from `y` (three lines at most); returns the y below it."""
    font = _font(size, bold=bold)
    # Composed form: a letter and its accent typed as two code points draw as the one glyph the font has.
    text = unicodedata.normalize("NFC", text)
    for line in _wrap(text, font, TEXT_WIDTH)[:3] or [""]:
        draw.text((40, y), line, font=font, fill=fill)
        y += int(size * 1.3)
    return y


def ticket_png(ticket: TicketImage) -> bytes:
    """A printable ticket: brand band, event, date, place, tier and holder, then the QR code and its short code.

    Black on white whatever the phone's colour scheme, so it scans from a screenshot at night.
    """
    qr = _qr(ticket.token, 12).make_image().get_image().convert("RGB")
    qr = qr.resize((520, 520), Image.Resampling.NEAREST)
    canvas = Image.new("RGB", (TICKET_WIDTH, 1600), "white")  # cropped to what is drawn
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, TICKET_WIDTH, 96), fill=BRAND_COLOR)
    say = ticket.language
    band = gettext(say, "{brand} ticket").format(brand=settings.platform_name)
    draw.text((40, 28), band, font=_font(36, bold=True), fill="white")
    y = _lines(draw, 128, ticket.event_title, 40, INK, bold=True) + 8
    y = _lines(draw, y, ticket.schedule, 26, MUTED)
    y = _lines(draw, y, ticket.place, 26, MUTED)
    y = _lines(draw, y, gettext(say, "Organized by {name}").format(name=ticket.organizer), 26, MUTED)
    if ticket.organizer_verified:
        y = _lines(draw, y, gettext(say, "Verified organizer"), 26, VERIFIED_BLUE)
    y += 8
    y = _lines(draw, y, f"{ticket.tier_name} · {ticket.price_label}", 28, INK)
    y = _lines(draw, y, ticket.holder_name, 28, INK) + 16
    canvas.paste(qr, ((TICKET_WIDTH - 520) // 2, y))
    y += 540
    code_font = _font(56, bold=True)
    code_width = draw.textlength(ticket.short_code, font=code_font)
    draw.text(((TICKET_WIDTH - code_width) / 2, y), ticket.short_code, font=code_font, fill=INK)
    canvas = canvas.crop((0, 0, TICKET_WIDTH, y + 96))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


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
    *,
    event_type: str,
    venue: str | None,
    city: str | None,
    country: str | None,
    online_link: str | None,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """Where a ticket holder goes: the venue, the meeting link, or both for a hybrid event.

    Only for holders: the meeting link is never shown on public pages.
    """
    address = ", ".join(part for part in (venue, city, country) if part)
    online = gettext(language, "Online")
    link = f"{online}: {online_link}" if online_link else online
    if event_type == "online":
        return link
    if event_type == "hybrid":
        return f"{address} · {link}" if address else link
    return address


def holder_place(event: Event | Row[Any], *, with_link: bool = True, language: str = DEFAULT_LANGUAGE) -> str:
    """`place_line` for an event (the model, or a Core row with its place columns), as a ticket
    holder sees it (`with_link` False hides the link)."""
    return place_line(
        event_type=event.type,
        venue=event.venue,
        city=event.city,
        country=event.country,
        online_link=event.online_link if with_link else None,
        language=language,
    )
