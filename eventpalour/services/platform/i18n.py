"""Languages: English (the source text), Kiswahili and French (#23 §1).

The catalogs are gettext .po files under eventpalour/locale/<code>/LC_MESSAGES/messages.po, read
with Babel at first use (no compiled .mo to build or forget on a fresh machine). English is the
message id itself, so a string missing from a catalog falls back to English, never to a blank.

The same catalogs serve the server (emails, errors: `gettext`) and the Reflex pages, whose `t()`
(state/language.py) bakes each string's translations into the compiled page at build time.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DEFAULT_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {"en": "English", "sw": "Kiswahili", "fr": "Français"}
"""Each language the platform speaks, by code, named in its own language for the switcher."""
TRANSLATED = ("sw", "fr")
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
# The Babel locale that formats dates, numbers and money for each language: Kenya's Kiswahili and
# the French of Francophone West Africa (Senegal's conventions are those of the whole CFA zone).
FORMAT_LOCALES = {"en": "en", "sw": "sw_KE", "fr": "fr_SN"}


def normalize(code: str | None) -> str | None:
    """ "sw", "SW", "sw-KE", "fr_SN" → the language we speak ("sw", "fr"); None for one we do not."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def language_or_default(code: str | None) -> str:
    """The language to speak for a stored or sent code: ours, or English."""
    return normalize(code) or DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str:
    """The first language of an Accept-Language header that we speak, by its q-weights; English when
    none is ("fr-CI,fr;q=0.9,en;q=0.8" → "fr")."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        code = normalize(tag)
        if code and weight > 0:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


CONTEXT_SEPARATOR = "\x04"
"""Between a message's context and its id in a catalog key, as gettext's own pgettext keys them."""


def catalog_key(text: str, context: str | None = None) -> str:
    """The key of `text` in a catalog: the id itself, or "<context>\\x04<id>" for a message given a
    context (`NC_`), which the catalogs hold apart from the same English said elsewhere."""
    return f"{context}{CONTEXT_SEPARATOR}{text}" if context else text


@cache
def catalog(language: str) -> dict[str, str]:
    """Every translated message of `language`: English id (or `catalog_key` with its context) →
    translation (fuzzy and empty ones left out, so they fall back to English). Read once per process."""
    if language not in TRANSLATED:
        return {}
    with catalog_path(language).open("rb") as handle:
        messages = read_po(handle, locale=language)
    return {
        catalog_key(str(message.id), message.context): str(message.string)
        for message in messages
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


class Message(str):
    """A service's message with values in it, kept translatable: it reads as its English sentence
    wherever a plain string goes (the API's JSON, logs, tests), and `gettext` translates its whole
    sentence first and fills the values in after (each value translated too when it is a Message)."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Message:
        made = super().__new__(cls, template.format(**values))
        made.template, made.values = template, values
        return made

    def __reduce__(self) -> tuple:
        return _remade, (self.template, self.values)

    def in_language(self, language: str | None) -> str:
        """The sentence in `language`: a Message inside an error's values is said as the error is."""
        return gettext(language, self)


def _remade(template: str, values: dict[str, object]) -> Message:
    """Unpickling: a Message made again from its sentence and values."""
    return Message(template, **values)


def message(template: str, **values: object) -> Message:
    """A sentence with values for a service's error: `message(N_("Use at most {count} characters."),
    count=500)`. N_ marks the sentence for the catalogs; the reader's layer translates it whole."""
    return Message(template, **values)


def kept_message(text: str) -> tuple[str | None, dict[str, object] | None]:
    """What to store beside a sentence the system writes into the database (an offline scan's note, why
    a payment was refunded) so each reader reads it in their language: its English id and values as
    text, a value the system said too (the default list's name) as {"template": …, "values": …}
    (`stored_message` makes it again); (None, None) for text a person typed, kept as typed."""
    if isinstance(text, Message):
        return text.template, {name: _kept_value(value) for name, value in text.values.items()}
    return None, None


def _kept_value(value: object) -> object:
    if isinstance(value, Message):
        template, values = kept_message(value)
        return {"template": template, "values": values}
    return str(value)


def stored_message(text: str, template: str | None, values: dict[str, object] | None) -> str:
    """A stored sentence as a Message its reader's layer says in their language (`kept_message` kept its
    id and values); `text` as stored for a row written before, or for text a person typed."""
    if not template:
        return text
    try:
        return Message(template, **{name: _stored_value(value) for name, value in (values or {}).items()})
    except (KeyError, IndexError, ValueError, TypeError):
        return text  # a sentence whose fields no longer match its stored values: as it was written


def _stored_value(value: object) -> object:
    if isinstance(value, dict):
        return Message(str(value["template"]), **{k: _stored_value(v) for k, v in dict(value["values"] or {}).items()})
    return value


def said(language: str | None, text: str) -> str:
    """A service's text for a reader: in `language` when the system wrote it (a Message: a default
    list's name, a stored system sentence; any text that says itself, such as a country's name or
    `Joined` answers), as it is when a person typed it (an organizer's own list name could be any
    catalog word, and is never translated)."""
    return text.in_language(language) if isinstance(text, SaidInLanguage) else text


@runtime_checkable
class SaidInLanguage(Protocol):
    """A value with words of its own, said in each reader's language: a Message, a `Joined`, another
    field's error inside a message ("Check the answers: {message}"), a date ("closed on {when}").
    Its `str()` is its English."""

    def in_language(self, language: str | None) -> str: ...


class Joined(str):
    """Texts said one after another ("T-shirt size: L; Country: Kenya"), each in the reader's language
    when it says itself (a Message, a country's name) and as typed otherwise. It reads as its English
    wherever a plain string goes (the API's JSON, the CSV exports)."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Sequence[str], separator: str) -> Joined:
        made = super().__new__(cls, separator.join(parts))
        made.parts, made.separator = tuple(parts), separator
        return made

    def __reduce__(self) -> tuple:
        return Joined, (self.parts, self.separator)

    def in_language(self, language: str | None) -> str:
        return self.separator.join(said(language, part) for part in self.parts)


def gettext(language: str | None, text: str, context: str | None = None) -> str:
    """`text` (English) in `language`, or `text` itself when it has no translation there; a Message's
    sentence is translated whole, then its values are filled in. `context` names the sense a text
    marked with `NC_` has (one English text, two sentences elsewhere: "Checked in" of one person at
    the door is Kiswahili "Ameingia", of the people counted "Wameingia")."""
    found = catalog(language_or_default(language))
    if context:
        return found.get(catalog_key(text, context), text)
    if isinstance(text, Message):
        values = {
            name: value.in_language(language) if hasattr(value, "in_language") else value
            for name, value in text.values.items()
        }
        return found.get(text.template, text.template).format(**values)
    return found.get(text, text)


def translations(text: str, context: str | None = None) -> dict[str, str]:
    """`text` (in `context`, if given) in every other language that has it, for the pages' `t()`:
    {"sw": …, "fr": …}."""
    key = catalog_key(text, context)
    return {code: found for code in TRANSLATED if (found := catalog(code).get(key))}


def format_locale(language: str | None) -> Locale:
    """The Babel locale that formats for `language` (English when unknown)."""
    try:
        return Locale.parse(FORMAT_LOCALES[language_or_default(language)])
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


SINGULAR_ZERO = frozenset({"fr"})
"""Languages that put zero with the singular ("0 billet"), as their gettext Plural-Forms say."""


def takes_singular(count: int, language: str | None) -> bool:
    """Whether `count` reads with the singular form in `language`: 1 everywhere, 0 too in French."""
    return count == 1 or (count == 0 and language_or_default(language) in SINGULAR_ZERO)


def count_words(count: int, one: str, many: str, language: str | None) -> str:
    """A count in words as a whole message per form, `one` and `many` (English ids marked with N_,
    each holding "{count}"): "3 members", "wanachama 3", "3 membres". Each language orders number and
    noun its own way, so the form is a whole message, never a noun glued to a number. The number is
    written per locale ("1,200", "1 200")."""
    text = gettext(language, one if takes_singular(count, language) else many)
    return text.format(count=format_decimal(count, locale=format_locale(language)))


def ticket_count_words(count: int, language: str | None) -> str:
    """ "2 tickets", "tiketi 2", "2 billets": a count of tickets in `language`."""
    return count_words(count, N_("{count} ticket"), N_("{count} tickets"), language)


def event_count_words(count: int, language: str | None, *, at_least: bool = False) -> str:
    """ "1 event", "12 events", "1,000+ events" (`at_least`: the count is a floor) in `language`:
    "matukio 12", "12 événements"."""
    if at_least:
        return gettext(language, "{count}+ events").format(count=format_decimal(count, locale=format_locale(language)))
    return count_words(count, N_("{count} event"), N_("{count} events"), language)


class CountWords(str):
    """A count in words inside a service's text ("4 dates"): it reads as English wherever a plain
    string goes, and says itself in the reader's language as `count_words` does ("tarehe 4")."""

    count: int
    one: str
    many: str

    def __new__(cls, count: int, one: str, many: str) -> CountWords:
        made = super().__new__(cls, count_words(count, one, many, DEFAULT_LANGUAGE))
        made.count, made.one, made.many = count, one, many
        return made

    def __reduce__(self) -> tuple:
        return CountWords, (self.count, self.one, self.many)

    def in_language(self, language: str | None) -> str:
        return count_words(self.count, self.one, self.many, language)


class Figure(int):
    """A number inside a sentence, written with its language's grouping: "5,000", "5 000". It reads
    as English wherever a plain value goes (`str`, `format`)."""

    def __format__(self, spec: str) -> str:
        return self.in_language(DEFAULT_LANGUAGE) if not spec else int(self).__format__(spec)

    def __str__(self) -> str:
        return self.__format__("")

    def in_language(self, language: str | None) -> str:
        return format_decimal(int(self), locale=format_locale(language))


def N_(text: str) -> str:  # noqa: N802 (gettext's conventional name for "mark only")
    """Mark `text` for the catalogs where it is written (a service's error message) without
    translating it there: the layer that shows it calls `gettext(language, message)`."""
    return text


def NC_(context: str, text: str) -> str:  # noqa: N802 (N_ with a context, as gettext's pgettext)
    """Mark `text` for the catalogs in `context` (a string literal, the catalogs' msgctxt), apart
    from the same English elsewhere; the layer that shows it calls `gettext(language, text, context)`
    or `t(text, context=…)` with the same context."""
    return text
