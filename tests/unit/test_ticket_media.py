"""The downloaded ticket image (services/tickets/ticket_media.py): the shipped font draws every
Latin-script name and venue, and the PNG renders them (issue #24, item 12)."""

from __future__ import annotations

import io
import unicodedata

import pytest
from PIL import Image, ImageFont

from eventpalour.services.tickets import ticket_media
from eventpalour.services.tickets.ticket_media import TicketImage, ticket_png

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

NAMES = [
    "Alliance Française",
    "Ọlọ́rún",
    "Ẹ̀kọ́ Ìbílẹ̀, Ọ̀yọ́",  # Yoruba: dots below and tone marks, some only as combining marks
    "Ụlọ Akwụkwọ Ọ̀ṅụ̀",  # Igbo
    "Señora Núñez · São Tomé · Kraków · Øresund · Şişli · Łódź – Ağrı…",
]
# A code point no font has a glyph for: it draws the font's .notdef glyph (a box).
NO_SUCH_CHARACTER = "\U0010fffd"


def _drawn(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def _missing(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    """The characters of `text` that `font` draws as its .notdef box."""
    notdef = _drawn(font, NO_SUCH_CHARACTER)
    return [char for char in text if not char.isspace() and _drawn(font, char) == notdef]


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_the_ticket_font_has_a_glyph_for_every_character(name: str, bold: bool) -> None:
    font = ticket_media._font(26, bold=bold)

    assert _missing(font, name) == []
    assert _missing(font, unicodedata.normalize("NFD", name)) == []


def test_the_check_spots_a_font_without_those_glyphs() -> None:
    """Pillow's bundled font (what tickets used before) fails the same check: the check can fail."""
    assert "ç" in _missing(ImageFont.load_default(size=26), "Alliance Française")
    assert "Ọ" in _missing(ImageFont.load_default(size=26), "Ọlọ́rún")


def test_the_font_and_its_licence_ship_in_the_repo() -> None:
    assert ticket_media.REGULAR_FONT.is_file() and ticket_media.BOLD_FONT.is_file()
    assert ticket_media.REGULAR_FONT.is_relative_to(ticket_media.FONTS_DIR)
    assert "Bitstream" in (ticket_media.FONTS_DIR / "LICENSE").read_text()


def _ticket(**changes: str) -> TicketImage:
    words = {
        "token": "signed-token-123",
        "short_code": "ABCD-2345",
        "event_title": "Ọlọ́rún Praise Night",
        "schedule": "Sat 12 Dec 2026, 18:00 – 22:00",
        "place": "Alliance Française, Loita Street, Nairobi",
        "tier_name": "Régulière",
        "price_label": "KES 1,500",
        "holder_name": "Adébáyọ̀ Ọlọ́rúnfẹ́mi",
        "organizer": "Ẹgbẹ́ Àṣà",
    }
    return TicketImage(**{**words, **changes})


def test_ticket_png_renders_accented_names() -> None:
    image = Image.open(io.BytesIO(ticket_png(_ticket())))

    assert image.format == "PNG" and image.width == ticket_media.TICKET_WIDTH
    assert 900 < image.height < 1600


def test_long_titles_wrap_inside_the_ticket() -> None:
    font = ticket_media._font(40, bold=True)
    title = "The Grand Ọ̀yọ́ Cultural Festival of Music, Dance and Food " + "X" * 60

    lines = ticket_media._wrap(title, font, ticket_media.TEXT_WIDTH)

    assert len(lines) > 1 and all(font.getlength(line) <= ticket_media.TEXT_WIDTH for line in lines)
    assert " ".join(lines).replace(" ", "") == title.replace(" ", "")
    short = Image.open(io.BytesIO(ticket_png(_ticket(event_title="Short"))))
    long = Image.open(io.BytesIO(ticket_png(_ticket(event_title=title))))
    assert long.height > short.height


def test_the_printed_labels_speak_the_holders_language() -> None:
    """The band, "Organized by" and "Verified organizer" come from the catalogs in the holder's
    language: the same ticket draws differently in Kiswahili, and the same in English as before."""
    english = ticket_png(_ticket(organizer_verified=True))

    assert ticket_png(_ticket(organizer_verified=True, language="en")) == english
    assert ticket_png(_ticket(organizer_verified=True, language="sw")) != english


def test_an_online_place_says_online_in_the_holders_language() -> None:
    line = ticket_media.place_line(
        event_type="hybrid",
        venue="KICC",
        city="Nairobi",
        country="KE",
        online_link="https://meet.example/x",
        language="fr",
    )

    assert line == "KICC, Nairobi, KE · En ligne: https://meet.example/x"
