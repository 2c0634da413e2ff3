"""How one answer to an attendee question is checked and stored (#19 §3): one validator per kind.

Each validator takes what the buyer typed (a list for a multiple choice) and returns the value as it
is stored (services/sales/answers.py keeps it), or raises `BadAnswer` with a sentence for the field.
Phones are stored in E.164 (+CC…); a national number (0712 345 678) is read in the country of the
event's currency, for the four countries whose formats we accept (Kenya, Nigeria, Ghana, South
Africa). Countries are ISO 3166 alpha-2 codes from pycountry's fixed list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pycountry

from eventpalour.models import QuestionKind
from eventpalour.services.identity import normalize_email
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    FieldError,
    Message,
    ValidationFailed,
    clean_line,
    clean_text,
    format_locale,
    language_or_default,
)

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
NAME_MAX = 100
YES, NO = "yes", "no"


class BadAnswer(ValueError):
    """An answer its question cannot take; the message is shown under the field, in the reader's
    language: `template` is the catalogs' id, `values` fill its {named fields} (platform/errors.py)."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template.format(**values) if values else template)
        self.template = template
        self.values = values

    def field_error(self, path: tuple[str | int, ...]) -> FieldError:
        return FieldError(path, self.template, self.values)


@dataclass(frozen=True, slots=True)
class PhoneCountry:
    """A country whose national phone format we read: 0 and `digits` digits, or +`calling_code`."""

    calling_code: str
    digits: int
    example: str


PHONE_COUNTRIES = {
    "KE": PhoneCountry("254", 9, "0712 345 678"),
    "NG": PhoneCountry("234", 10, "0803 123 4567"),
    "GH": PhoneCountry("233", 9, "024 123 4567"),
    "ZA": PhoneCountry("27", 9, "082 123 4567"),
}
CURRENCY_COUNTRY = {"KES": "KE", "NGN": "NG", "GHS": "GH", "ZAR": "ZA"}
"""The country a national phone number is read in, by the event's currency."""
_PHONE_PUNCTUATION = re.compile(r"[\s\-.()/]")


def normalize_phone(raw: str, country: str | None) -> str:
    """`raw` as E.164 (+254712345678). Accepts +CC… (or 00CC…) anywhere in the world, the four
    countries' numbers with their code and no plus (254712345678), and, in `country` (one of the
    four), the national form (0712 345 678). Raises BadAnswer."""
    text = _PHONE_PUNCTUATION.sub("", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    digits = text.removeprefix("+")
    if not digits.isdigit():
        raise BadAnswer(N_("Enter a phone number of digits, like +254 712 345 678."))
    if text.startswith("+") or any(_with_code(digits, home) for home in PHONE_COUNTRIES.values()):
        for home in PHONE_COUNTRIES.values():
            national = digits.removeprefix(home.calling_code)
            if national != digits and national.startswith("0"):
                national = national[1:]  # +254 0712…: the trunk 0 written after the code
            if national != digits and len(national) != home.digits:
                raise BadAnswer(
                    N_("A +{calling_code} number has {digits} digits after the code."),
                    calling_code=home.calling_code,
                    digits=home.digits,
                )
            if national != digits:
                return f"+{home.calling_code}{national}"
        if not 8 <= len(digits) <= 15 or digits.startswith("0"):
            raise BadAnswer(N_("Enter the number with its country code, like +254 712 345 678."))
        return "+" + digits
    home = PHONE_COUNTRIES.get(country or "")
    if home is not None and digits.startswith("0") and len(digits) == home.digits + 1:
        return f"+{home.calling_code}{digits[1:]}"
    if home is not None:
        raise BadAnswer(N_("Enter a phone number like {example} or +254 712 345 678."), example=home.example)
    raise BadAnswer(N_("Enter a phone number like +254 712 345 678."))


def _with_code(digits: str, home: PhoneCountry) -> bool:
    return digits.startswith(home.calling_code) and len(digits) == len(home.calling_code) + home.digits


def country_name(code: str, language: str | None = None) -> str:
    """The country's name for display in `language` ("TZ" → "Tanzania", "Tanzanie"); the code itself
    when unknown. English is pycountry's common name; Kiswahili and French are Babel's (CLDR)
    territory names, the ones those languages' own software shows."""
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    english = getattr(found, "common_name", None) or found.name  # "Tanzania", not "United Republic of …"
    if language_or_default(language) == DEFAULT_LANGUAGE:
        return english
    return format_locale(language).territories.get(code, english)


class CountryName(str):
    """A country inside a service's text (a shown answer, an analytics row): it reads as its English
    name wherever a plain string goes (the API's JSON, the CSV exports), and the page that shows it
    says it in the reader's language (`platform.said`)."""

    code: str

    def __new__(cls, code: str) -> CountryName:
        made = super().__new__(cls, country_name(code))
        made.code = code
        return made

    def __reduce__(self) -> tuple:
        return CountryName, (self.code,)

    def in_language(self, language: str | None) -> str:
        return country_name(self.code, language)


COUNTRY_CHOICES: tuple[tuple[str, str], ...] = tuple(
    sorted(((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), key=lambda pair: pair[1])
)
"""(ISO code, name) of every country, by name: the checkout form's country list."""
_COUNTRY_BY_NAME = {name.casefold(): code for code, name in COUNTRY_CHOICES} | {
    c.name.casefold(): c.alpha_2 for c in pycountry.countries
}


def _country(text: str) -> str:
    wanted = text.strip()
    if len(wanted) == 2 and pycountry.countries.get(alpha_2=wanted.upper()):
        return wanted.upper()
    code = _COUNTRY_BY_NAME.get(wanted.casefold())
    if code is None:
        raise BadAnswer(N_("Choose a country from the list."))
    return code


def _one(raw: str | Sequence[str]) -> str:
    if isinstance(raw, str):
        return raw
    raise BadAnswer(N_("Give one answer here."))


def _short_text(raw: str, _options: Sequence[str], _country_code: str | None) -> str:
    text = clean_line(raw)
    if len(text) > SHORT_TEXT_MAX:
        raise BadAnswer(N_("Keep it to {count} characters."), count=SHORT_TEXT_MAX)
    return text


def _long_text(raw: str, _options: Sequence[str], _country_code: str | None) -> str:
    text = clean_text(raw)
    if len(text) > LONG_TEXT_MAX:
        raise BadAnswer(N_("Keep it to {count} characters."), count=LONG_TEXT_MAX)
    return text


def _number(raw: str, _options: Sequence[str], _country_code: str | None) -> str:
    text = raw.strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadAnswer(N_("Enter a number, like 3 or 2.5.")) from None
    if not number.is_finite() or len(text) > 30:
        raise BadAnswer(N_("Enter a number, like 3 or 2.5."))
    return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")


def _single_choice(raw: str, options: Sequence[str], _country_code: str | None) -> str:
    return _option(raw, options)


def _option(raw: str, options: Sequence[str]) -> str:
    wanted = raw.strip().casefold()
    for option in options:
        if option.casefold() == wanted:
            return option
    raise BadAnswer(N_("Choose one of the options."))


def _yes_no(raw: str, _options: Sequence[str], _country_code: str | None) -> str:
    answer = raw.strip().casefold()
    if answer in (YES, "true"):
        return YES
    if answer in (NO, "false"):
        return NO
    raise BadAnswer(N_("Answer yes or no."))


def _email(raw: str, _options: Sequence[str], _country_code: str | None) -> str:
    try:
        return normalize_email(raw)
    except ValidationFailed as bad:
        raise BadAnswer(bad.template, **bad.values) from None


def _phone(raw: str, _options: Sequence[str], country_code: str | None) -> str:
    return normalize_phone(raw, country_code)


def _country_kind(raw: str, _options: Sequence[str], _country_code: str | None) -> str:
    return _country(raw)


_ONE_VALUE: dict[str, Callable[[str, Sequence[str], str | None], str]] = {
    QuestionKind.SHORT_TEXT: _short_text,
    QuestionKind.LONG_TEXT: _long_text,
    QuestionKind.NUMBER: _number,
    QuestionKind.SINGLE_CHOICE: _single_choice,
    QuestionKind.YES_NO: _yes_no,
    QuestionKind.EMAIL: _email,
    QuestionKind.PHONE: _phone,
    QuestionKind.COUNTRY: _country_kind,
}


def _is_blank(raw: str | Sequence[str] | None) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return not any(str(item).strip() for item in raw)


def check_answer(
    kind: str, options: Sequence[str], required: bool, raw: str | Sequence[str] | None, currency: str
) -> str | None:
    """The stored value of one answer (None: left empty, allowed when optional). Raises BadAnswer."""
    if _is_blank(raw):
        if required:
            raise BadAnswer(
                N_("Choose at least one option.") if kind == QuestionKind.MULTIPLE_CHOICE else N_("Required.")
            )
        return None
    assert raw is not None  # not blank
    if kind == QuestionKind.MULTIPLE_CHOICE:
        picked = [raw] if isinstance(raw, str) else [str(item) for item in raw if str(item).strip()]
        chosen = {_option(item, options) for item in picked}
        return json.dumps([option for option in options if option in chosen])
    return _ONE_VALUE[kind](_one(raw), options, CURRENCY_COUNTRY.get(currency))


def check_name(raw: str | None) -> str:
    """An attendee's name as stored. Raises BadAnswer."""
    name = clean_line(raw)
    if not name:
        raise BadAnswer(N_("Enter the attendee's name."))
    if len(name) > NAME_MAX:
        raise BadAnswer(N_("Keep the name to {count} characters."), count=NAME_MAX)
    return name


def attendee_name(raw: str | None, *, field: str) -> str:
    """An attendee's name as stored, or ValidationFailed on `field` (a transfer's new attendee)."""
    try:
        return check_name(raw)
    except BadAnswer as bad:
        raise ValidationFailed.field(field, bad.template, **bad.values) from None


YES_NO_WORDS = {YES: N_("Yes"), NO: N_("No")}
"""A yes/no answer in words: the attendee list's filter and the shown answers."""


def shown_value(kind: str, value: str) -> str:
    """A stored answer as people read it (a multiple choice joined, a country by name, Yes/No): the
    system's words (Yes/No, a country) say themselves in each reader's language (`platform.said`),
    and read as English in the exports and the API; what the buyer typed or picked stays as is."""
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(json.loads(value))
    if kind == QuestionKind.COUNTRY:
        return CountryName(value)
    if kind == QuestionKind.YES_NO and value in YES_NO_WORDS:
        return Message(YES_NO_WORDS[value])
    return value


def matches(kind: str, value: str, wanted: str) -> bool:
    """Whether a stored answer is `wanted` (an option, or yes/no): the attendee list's filter."""
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return wanted in json.loads(value)
    return value == wanted
