"""PLATFORM_FEE_PERCENT with decimals (#20 §5): parsed exactly at start-up, the fee rounded half up to
the minor unit, one label for the figure, and the price lines every screen and email shows."""

from __future__ import annotations

import pytest

from eventpalour.config import ConfigurationError, fee_basis_points_from, load_settings, settings
from eventpalour.services.sales.fees import PriceLine, fee_percent_label, platform_fee_of, price_lines, price_of

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


@pytest.mark.parametrize(
    ("raw", "basis_points"),
    [("5", 500), ("7.5", 750), ("7.50", 750), ("2.25", 225), ("0", 0), ("0.01", 1), ("99.99", 9_999), (" 10 ", 1_000)],
)
def test_the_fee_percent_is_read_exactly(raw, basis_points):
    assert fee_basis_points_from(raw) == basis_points


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ("7.125", "more than two decimals"),
        ("100", "below 100"),
        ("150.5", "below 100"),
        ("-1", "not a number"),
        ("five", "not a number"),
        ("7,5", "not a number"),
        ("7.", "not a number"),
        (".5", "not a number"),
        ("1e1", "not a number"),
        ("٥", "not a number"),
    ],
)
def test_a_bad_fee_percent_stops_the_start_with_a_clear_error(monkeypatch, raw, complaint):
    monkeypatch.setenv("PLATFORM_FEE_PERCENT", raw)
    with pytest.raises(ConfigurationError, match=complaint) as refused:
        load_settings()
    assert "PLATFORM_FEE_PERCENT" in str(refused.value)


def test_the_setting_defaults_to_five_percent_and_reads_decimals(monkeypatch):
    monkeypatch.delenv("PLATFORM_FEE_PERCENT", raising=False)
    assert load_settings().platform_fee_basis_points == 500
    monkeypatch.setenv("PLATFORM_FEE_PERCENT", "7.5")
    assert load_settings().platform_fee_basis_points == 750


@pytest.mark.parametrize(
    ("subtotal", "basis_points", "fee"),
    [
        (10, 750, 1),  # 0.75 → 1
        (2, 750, 0),  # 0.15 → 0
        (20, 750, 2),  # 1.5 → 2 (half up)
        (6, 750, 0),  # 0.45 → 0
        (100, 750, 8),  # 7.5 → 8 (half up)
        (300, 225, 7),  # 6.75 → 7
        (200, 225, 5),  # 4.5 → 5 (half up)
        (9, 500, 0),  # 0.45 → 0
        (10, 500, 1),  # 0.5 → 1
        (1, 1, 0),  # 0.0001 → 0
        (5_000, 1, 1),  # 0.5 → 1
        (900_000_000, 750, 67_500_000),
        (123, 0, 0),
    ],
)
def test_the_fee_is_rounded_half_up_to_the_minor_unit(subtotal, basis_points, fee):
    assert platform_fee_of(subtotal, basis_points) == fee


def test_price_of_uses_the_configured_decimal_percent(monkeypatch):
    monkeypatch.setattr(settings, "platform_fee_basis_points", 750)
    price = price_of({"t": 1_000}, {"t": 2}, "pass_on")
    assert (price.subtotal, price.platform_fee, price.amount) == (2_000, 150, 2_150)
    absorbed = price_of({"t": 1_000}, {"t": 2}, "absorb")
    assert (absorbed.subtotal, absorbed.platform_fee, absorbed.amount) == (2_000, 150, 2_000)


@pytest.mark.parametrize(
    ("basis_points", "label"), [(500, "5%"), (750, "7.5%"), (705, "7.05%"), (225, "2.25%"), (0, "0%"), (1_250, "12.5%")]
)
def test_the_fee_label_shows_the_configured_figure(monkeypatch, basis_points, label):
    assert fee_percent_label(basis_points) == label
    monkeypatch.setattr(settings, "platform_fee_basis_points", basis_points)
    assert fee_percent_label() == label


def test_price_lines_name_the_tickets_the_passed_on_fee_and_the_total(monkeypatch):
    monkeypatch.setattr(settings, "platform_fee_basis_points", 750)
    assert price_lines(tickets=2, subtotal=2_000, platform_fee=150, amount=2_150, currency="KES") == (
        PriceLine("Tickets × 2", "KES 20.00"),
        PriceLine("Platform fee (7.5%)", "KES 1.50"),
        PriceLine("Total", "KES 21.50", is_total=True),
    )
    # Absorbed by the organizer: the buyer's lines say nothing of it.
    assert price_lines(tickets=2, subtotal=2_000, platform_fee=150, amount=2_000, currency="KES") == (
        PriceLine("Tickets × 2", "KES 20.00"),
        PriceLine("Total", "KES 20.00", is_total=True),
    )
    assert price_lines(tickets=1, subtotal=0, platform_fee=0, amount=0, currency="KES") == (
        PriceLine("Tickets × 1", "Free"),
        PriceLine("Total", "Free", is_total=True),
    )


def test_a_stored_fee_from_another_rate_is_not_labelled_with_todays_percent(monkeypatch):
    monkeypatch.setattr(settings, "platform_fee_basis_points", 750)
    # Placed at 5%: 100 of 2,000; the setting is 7.5% now.
    lines = price_lines(tickets=2, subtotal=2_000, platform_fee=100, amount=2_100, currency="KES")
    assert lines[1] == PriceLine("Platform fee", "KES 1.00")
