"""Money in minor units: parsing what people type and showing it with its currency."""

from __future__ import annotations

import pytest

from eventpalour.services.platform.money import format_amount, format_money, parse_amount

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1500", 150000),
        ("1,500.50", 150050),
        ("0.5", 50),
        ("", 0),
        ("0", 0),
        ("12.345", None),
        ("-5", None),
        ("abc", None),
        ("1e5", None),
    ],
)
def test_parse_amount(text, minor):
    assert parse_amount(text, "KES") == minor


@pytest.mark.parametrize("currency", ["KES", "USD", "NGN", "GHS", "ZAR"])
def test_format_money_every_currency(currency):
    assert format_money(150050, currency) == f"{currency} 1,500.50"
    assert format_amount(150050, currency) == "1500.50"
