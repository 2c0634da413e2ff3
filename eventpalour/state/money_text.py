"""Money figures as every page shows them: each amount with its currency ("KES 1,500.00"), from
the one set of figures services/finance/money_figures.py defines, so the event page, its Orders tab,
billing and admin revenue word them alike."""

from __future__ import annotations

from dataclasses import dataclass

from eventpalour.services.finance import Balance, EventSalesTotals, MoneyFigures
from eventpalour.services.platform import DEFAULT_LANGUAGE, MINOR_DIGITS, N_, count_words, format_money


@dataclass(frozen=True)
class FiguresText:
    """One currency's gross, fees, refunds and net, formatted; `paid_orders` counts sales."""

    currency: str = ""
    paid_orders: int = 0
    paid_orders_label: str = ""  # "1 paid order", "12 paid orders"
    gross: str = ""
    platform_fees: str = ""
    provider_fees: str = ""
    refunds: str = ""
    net: str = ""
    discounts: str = ""  # what discount codes took off sales


def _figures(f: MoneyFigures, language: str = DEFAULT_LANGUAGE) -> dict[str, str | int]:
    """The figures worded in `language` (English unless a page passes its reader's)."""
    return {
        "currency": f.currency,
        "paid_orders": f.paid_orders,
        "paid_orders_label": count_words(f.paid_orders, N_("{count} paid order"), N_("{count} paid orders"), language),
        "gross": format_money(f.gross, f.currency, language),
        "platform_fees": format_money(f.platform_fees, f.currency, language),
        "provider_fees": format_money(f.provider_fees, f.currency, language),
        "refunds": format_money(f.refunds, f.currency, language),
        "net": format_money(f.net, f.currency, language),
        "discounts": format_money(f.discounts, f.currency, language),
    }


def figures_text(f: MoneyFigures) -> FiguresText:
    """One currency's figures as every money card words them (the analytics page's money table)."""
    return FiguresText(**_figures(f))


@dataclass(frozen=True)
class EventFiguresText(FiguresText):
    """An event's figures and the tickets it has sold."""

    tickets: int = 0
    tickets_sold_label: str = ""  # "1 ticket sold", "40 tickets sold"


def event_figures_text(totals: EventSalesTotals, language: str = DEFAULT_LANGUAGE) -> EventFiguresText:
    sold = count_words(totals.tickets, N_("{count} ticket sold"), N_("{count} tickets sold"), language)
    return EventFiguresText(**_figures(totals, language), tickets=totals.tickets, tickets_sold_label=sold)


@dataclass(frozen=True)
class BalanceText(FiguresText):
    """A balance: the figures, the payouts, and what is left to pay out."""

    withdrawn: str = ""
    pending: str = ""
    available: str = ""


def balance_text(b: Balance, language: str = DEFAULT_LANGUAGE) -> BalanceText:
    return BalanceText(
        **_figures(b, language),
        withdrawn=format_money(b.withdrawn, b.currency, language),
        pending=format_money(b.pending, b.currency, language),
        available=format_money(b.available, b.currency, language),
    )


def whole_units(minor: int, currency: str) -> int:
    """Whole major units for a chart's axis (charts plot shape; the cards show exact money)."""
    return minor // (10 ** MINOR_DIGITS.get(currency, 2))
