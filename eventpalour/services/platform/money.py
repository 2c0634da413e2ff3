"""Money is integer minor units beside an ISO currency code; this module reads and writes it for people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.services.platform.i18n import format_locale, gettext

# Every currency we sell in has two decimal places (cents, kobo, pesewas).
MINOR_DIGITS = dict.fromkeys(SUPPORTED_CURRENCIES, 2)
# Each language's money pattern: the ISO code (never "Ksh" beside "NGN", so a price is unambiguous
# on a continent of shillings and nairas), before the amount in English and Kiswahili as Kenya
# writes it, after it in French as Dakar and Abidjan do, with that locale's separators (1 500,50).
_MONEY_PATTERN = {"en": "¤¤ #,##0.00", "sw": "¤¤ #,##0.00", "fr": "#,##0.00\xa0¤¤"}
# The smallest charge Paystack accepts per currency (minor units): a dearer-than-zero ticket below
# this could never be paid for, so tier prices are held to it.
MINIMUM_CHARGE = {"KES": 300, "NGN": 5000, "GHS": 10, "ZAR": 100, "USD": 200}
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


def parse_amount(text: str, currency: str) -> int | None:
    """ "1,500.50" in KES → 150050. None when the text is not a plain non-negative amount."""
    cleaned = (text or "").replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return 0
    if not _AMOUNT.match(cleaned):
        return None
    try:
        return int(Decimal(cleaned) * (10 ** MINOR_DIGITS.get(currency, 2)))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class MoneyWords:
    """An amount inside a message's sentence, written the reader's way when the message is said
    (platform/errors.py): "KES 1,500.50" in English, "1 500,50 KES" in French."""

    minor: int
    currency: str

    def in_language(self, language: str | None) -> str:
        return format_money(self.minor, self.currency, language or "en")

    def __str__(self) -> str:
        return self.in_language("en")


def format_money(minor: int, currency: str, language: str = "en") -> str:
    """150050 KES → "KES 1,500.50" (English, Kiswahili), "1 500,50 KES" (French), formatted by Babel."""
    digits = MINOR_DIGITS.get(currency, 2)
    major = Decimal(minor) / (10**digits)
    locale = format_locale(language)
    pattern = _MONEY_PATTERN.get(locale.language, _MONEY_PATTERN["en"])
    return format_currency(major, currency, format=pattern, locale=locale, currency_digits=False)


def format_amount(minor: int, currency: str) -> str:
    """150050 KES → "1500.50", the way the price field shows it for editing."""
    digits = MINOR_DIGITS.get(currency, 2)
    return f"{Decimal(minor) / (10**digits):.{digits}f}"


def price_from_label(
    min_price: int | None, max_price: int | None, currency: str, language: str = "en", *, several_dates: bool = False
) -> str:
    """A listing's price line: "Free", "KES 1,500.00" for one price, "From KES 1,500.00" for a range
    or for a series' card (`several_dates`: one card for dates whose prices may differ)."""
    free = gettext(language, "Free")
    if not max_price:
        return free
    if min_price == max_price and not several_dates:
        return format_money(max_price, currency, language)
    if not min_price:
        return f"{free} – {format_money(max_price, currency, language)}"
    return gettext(language, "From {price}").format(price=format_money(min_price, currency, language))


def price_label(minor: int, currency: str, language: str = "en") -> str:
    """One ticket's price: "Free" for zero, else "KES 1,500.00"."""
    return format_money(minor, currency, language) if minor else gettext(language, "Free")
