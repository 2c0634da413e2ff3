"""Free text as people meant it: the one cleaning every typed name, title, note, reason or search goes through.

Some characters never belong in text a person typed, and some do harm:
- control characters: NUL above all (PostgreSQL refuses it in text, so a stray one would fail the
  whole write), and the rest of C0/C1, which no form produces;
- the bidirectional embedding, override and isolate marks (U+202A–U+202E, U+2066–U+2069), which make
  text display in another order than it is stored (U+202E before "TEKCIT" shows "TICKET"), so
  what an attendee or admin reads is not what was saved;
- lone surrogates (a JSON `"\\ud800"`), which cannot be written as UTF-8 at all.

They are dropped, not refused: what is left is what the person meant, and the field's own rules
(required, length, format) then apply to it. Right-to-left text itself is untouched; only the
invisible override marks go.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs"})
_LINE_BREAKS = str.maketrans({"\r": "\n"})


def _harmful(ch: str) -> bool:
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in _DROPPED_CATEGORIES


def clean_line(raw: str | None) -> str:
    """One line (a name, title, city, reason, search): harmful characters dropped, every run of
    whitespace (line breaks and tabs too) made one space, the ends trimmed."""
    return " ".join("".join(ch for ch in raw or "" if ch.isspace() or not _harmful(ch)).split())


def clean_text(raw: str | None) -> str:
    """Several lines (a description, a statement): harmful characters dropped, line breaks (any of
    \\r\\n, \\r, \\n) kept as \\n and tabs kept, the ends trimmed."""
    unified = (raw or "").replace("\r\n", "\n").translate(_LINE_BREAKS)
    return "".join(ch for ch in unified if ch in "\n\t" or not _harmful(ch)).strip()


_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`count` and its noun as people read them: "1 ticket", "2 tickets", "1 try", "3 tries", "1,200
    attendees". Pass `plural_form` for an irregular noun (`plural(n, "person", "people")`). The one
    way every count in words is written, on pages, in toasts, errors and emails."""
    if count == 1:
        return f"1 {noun}"
    if plural_form is None:
        if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
            plural_form = noun[:-1] + "ies"
        elif noun.endswith(_SIBILANT_ENDINGS):
            plural_form = noun + "es"
        else:
            plural_form = noun + "s"
    return f"{count:,} {plural_form}"


def spreadsheet_cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula, for every CSV we write (an event could be titled
    "=HYPERLINK(…)", a name typed by the public could start with "+")."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
