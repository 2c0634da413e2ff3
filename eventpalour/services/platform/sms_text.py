"""The words of a text message (#23 §3), built to fit ONE SMS where possible.

One SMS holds 160 characters of the GSM 03.38 alphabet (GSM-7; the extension characters `^{}\\[~]|€`
take two), but only 70 if a single character is outside it (the whole message goes as UCS-2). So the
text is written in GSM-7: typographic quotes, dashes and ellipses become their plain forms and
accents not in the alphabet are dropped ("Café" stays, "Fête" becomes "Fete"). A title in a script
GSM-7 cannot write (Amharic, Arabic) stays as it is and the message keeps to 70 characters. The
short codes and the link are never cut: the event title is shortened first ("..."), then codes that
do not fit are counted ("+2 more").

Kiswahili and French (#23 §1) are written in GSM-7 too: Kiswahili needs no accents, and the French
keeps to the accents the alphabet has (é, è, à), so a message in either still fits one SMS.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from eventpalour.services.platform.i18n import DEFAULT_LANGUAGE, gettext

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE_GSM7 = 160
SINGLE_UCS2 = 70
MIN_TITLE = 20  # shorter than this, a title no longer says which event: drop codes into "+n more" first
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
        "\t": " ",
    }
)


def gsm7_length(text: str) -> int | None:
    """Septets `text` takes in GSM-7, or None when a character is outside the alphabet."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENSION:
            length += 2
        else:
            return None
    return length


def sms_length(text: str) -> tuple[int, int]:
    """(length, limit of one SMS) for `text`: septets of 160 in GSM-7, else UTF-16 units of 70."""
    septets = gsm7_length(text)
    if septets is not None:
        return septets, SINGLE_GSM7
    return len(text.encode("utf-16-le")) // 2, SINGLE_UCS2


def fits_one_sms(text: str) -> bool:
    length, limit = sms_length(text)
    return length <= limit


def to_gsm7(text: str) -> str:
    """`text` in GSM-7 where that loses no letter: plain punctuation, accents outside the alphabet
    dropped, symbols (emoji) left out. Text with letters GSM-7 cannot write comes back unchanged."""
    plain = " ".join(text.translate(_PLAIN).split())
    kept: list[str] = []
    for char in plain:
        if gsm7_length(char) is not None:
            kept.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base and gsm7_length(base) is not None:
            kept.append(base)
        elif unicodedata.category(char).startswith(("L", "N")):
            return plain  # a letter or digit GSM-7 cannot write: the message goes as UCS-2
    return " ".join("".join(kept).split())


def _shorten(title: str, room: int) -> str:
    """`title` cut to `room` characters with "..." (at a word's end when one is near)."""
    if len(title) <= room:
        return title
    cut = title[: max(room - 3, 0)].rstrip()
    word_end = cut.rfind(" ")
    if word_end >= len(cut) - 8 and word_end >= MIN_TITLE:
        cut = cut[:word_end]
    return cut.rstrip(" ,.;:-") + "..."


def _with_title(title: str, rest: str, min_title: int) -> str | None:
    """ "<title>: <rest>" in one SMS, the title shortened as needed but to no fewer than `min_title`
    characters; None when even that does not fit."""
    whole = f"{title}: {rest}"
    if fits_one_sms(whole):
        return whole
    for room in range(len(title) - 1, min_title - 1, -1):
        text = f"{_shorten(title, room)}: {rest}"
        if fits_one_sms(text):
            return text
    return None


def _say(translated: str, **values: object) -> str:
    """A translated text with its values, in GSM-7 (a translation's typographic marks become plain ones)."""
    return to_gsm7(translated.format(**values))


def ticket_text(*, event_title: str, codes: Sequence[str], link: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A confirmation: "<event>: your 2 tickets ABCD2345 EFGH6789. <link>" ("tiketi zako 2", "vos 2 billets")."""
    title, count = to_gsm7(event_title), len(codes)
    what = (
        _say(gettext(language, "your ticket"))
        if count == 1
        else _say(gettext(language, "your {count} tickets"), count=count)
    )

    def rest(shown: int) -> str:
        more = " " + _say(gettext(language, "+{count} more"), count=count - shown) if shown < count else ""
        return f"{what} {' '.join(codes[:shown])}{more}. {link}"

    for shown in range(count, 0, -1):
        if text := _with_title(title, rest(shown), MIN_TITLE):
            return text
    return _with_title(title, rest(1), 1) or f"{_shorten(title, MIN_TITLE)}: {rest(1)}"


def transfer_text(*, event_title: str, code: str, sender: str, link: str, language: str = DEFAULT_LANGUAGE) -> str:
    """To a transfer's recipient: "<event>: Amina sent you a ticket, code ABCD2345. <link>"."""
    title = to_gsm7(event_title)
    who = _shorten(to_gsm7(sender), 24)
    sent = _say(gettext(language, "{who} sent you a ticket, code {code}."), who=who, code=code) + f" {link}"
    new = _say(gettext(language, "your new ticket {code}."), code=code) + f" {link}"
    for rest in (sent, new):
        if text := _with_title(title, rest, MIN_TITLE):
            return text
    return _with_title(title, new, 1) or f"{title}: {code}. {link}"


def announcement_text(*, event_title: str, subject: str, link: str, language: str = DEFAULT_LANGUAGE) -> str:
    """An announcement's headline: "<event>: <subject>. Details: <link>" (the body goes by email; the
    organizer's subject is theirs, the words around it the holder's `language`)."""
    title, headline = to_gsm7(event_title), to_gsm7(subject).rstrip(".!?")
    details = _say(gettext(language, "Details: {link}"), link=link)
    for room in range(len(headline), 0, -1):
        rest = f"{_shorten(headline, room)}. {details}"
        if text := _with_title(title, rest, MIN_TITLE):
            return text
    return f"{_shorten(title, MIN_TITLE)}: " + _say(gettext(language, "news. Details: {link}"), link=link)
