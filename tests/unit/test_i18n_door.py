"""The offline door's words (#23 §1): assets/door/door.js draws the door itself and looks each text up
in the table the page hands it (components/door_offline.py DOOR_TEXTS, the scanner's TITLES); a text
the script says that the table lacks would read in English whatever the reader's language."""

from __future__ import annotations

import re
from pathlib import Path

from eventpalour.components.door_offline import DOOR_TEXTS
from eventpalour.services.platform import i18n
from eventpalour.state.scanner import TITLES

SCRIPT = Path(__file__).resolve().parents[2] / "assets" / "door" / "door.js"
# A literal handed to tr( directly, or through a ternary or a const the script names.
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def said_by_the_script() -> set[str]:
    """Every text door.js passes to tr(): the literals in its tr(...) calls and its named texts."""
    source = SCRIPT.read_text(encoding="utf-8")
    found: set[str] = set()
    for call in re.finditer(r"\btr\(([^;]*?)(?:,\s*\{|\)\)*[,;\s])", source):
        found |= {text for text in LITERAL.findall(call.group(1)) if re.search(r"[A-Z]|\s|\{", text)}  # not "entry"
    for name in ("OFFLINE_TEXT", "UNPREPARED_TEXT"):
        found.add(re.search(rf'const {name} =\s*"((?:[^"\\]|\\.)*)"', source).group(1))
    return {text.replace("\\'", "'") for text in found}


def test_every_text_of_the_offline_door_is_in_the_page_table() -> None:
    said = said_by_the_script()

    assert {"Check in", "Offline scanning", "{count} offline check-ins waiting to upload."} <= said
    assert not said - {*DOOR_TEXTS, *TITLES.values()}, said - {*DOOR_TEXTS, *TITLES.values()}


def test_the_door_table_is_translated() -> None:
    for language in i18n.TRANSLATED:
        catalog = i18n.catalog(language)
        assert not [text for text in [*DOOR_TEXTS, *TITLES.values()] if text not in catalog], language
