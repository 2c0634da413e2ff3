"""The extraction check (#23 §1): every text the source marks for translation, t("…") in pages and
components, N_("…") and gettext(language, "…") in services, has a Kiswahili and a French
translation. Extracted with Babel exactly as `make messages` does (babel.cfg, the same keywords), so
a text added to a page without its translations fails here, not in front of a reader."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from eventpalour.services.platform import i18n

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

ROOT = Path(__file__).resolve().parents[2]
# The same keywords as the Makefile's `messages` target: t(text), self._t(text) (a state's text in
# its browser's language), _(text) (an email builder's own shorthand for gettext in its language),
# N_(text), NC_(context, text), gettext(language, text), and a page's tab title: page(route, title),
# admin_page(route, title) (a title that is a state var is not a literal, so it is not extracted).
KEYWORDS = {
    "t": None,
    "_t": None,
    "_": None,
    "N_": None,
    "NC_": ((1, "c"), 2),  # a text in a context: NC_("scan result", "Checked in")
    "gettext": (2,),
    "page": (2,),
    "admin_page": (2,),
}
PLACEHOLDER = "{"


@functools.cache  # one extraction (seconds of CPU) for the tests below; none of them changes it
def extracted() -> dict[str, str]:
    """Every marked text of the app, with the file it was found in."""
    found: dict[str, str] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "eventpalour"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str) and message:
            found.setdefault(i18n.catalog_key(message, context), filename)
    return found


def test_extraction_finds_the_marked_texts() -> None:
    texts = extracted()

    # One of each kind of mark, so a broken extraction cannot pass the check below by finding nothing.
    assert "Welcome back" in texts and texts["Welcome back"] == "pages/sign_in.py"
    assert "Email or password is incorrect." in texts  # N_ in services/identity
    assert "Sales start {day}, {time}" in texts  # gettext(language, …) in services/platform
    assert i18n.catalog_key("Checked in", "scan result") in texts  # NC_ in state/scanner


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_every_marked_text_is_translated(language: str) -> None:
    catalog = i18n.catalog(language)

    missing = sorted(f"{where}: {text!r}" for text, where in extracted().items() if text not in catalog)

    assert not missing, f"{len(missing)} texts have no {language} translation (run `make messages`):\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_translations_keep_placeholders_and_edges(language: str) -> None:
    """A translation names the same {placeholders} and keeps the spaces a sentence piece is glued by."""
    with i18n.catalog_path(language).open("rb") as handle:
        messages = [m for m in read_po(handle, locale=language) if m.id and m.string]
    for message in messages:
        english, translated = str(message.id), str(message.string)
        assert _placeholders(english) == _placeholders(translated), (english, translated)
        assert english.startswith(" ") == translated.startswith(" "), (english, translated)
        assert english.endswith(" ") == translated.endswith(" "), (english, translated)


def _placeholders(text: str) -> set[str]:
    return {part.split("}")[0] for part in text.split(PLACEHOLDER)[1:]}
