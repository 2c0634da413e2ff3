"""Billing pieces: balance cards per currency, the 12-month chart, and the transactions table."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.charts import Series, money_chart_card
from eventpalour.components.lists import count_words
from eventpalour.components.tables import scrolling_table
from eventpalour.services.platform import N_
from eventpalour.state.billing import BillingState
from eventpalour.state.language import fill, t

S = BillingState
KINDS = [("all", N_("All types")), ("sale", N_("Sales")), ("refund", N_("Refunds")), ("withdrawal", N_("Payouts"))]


def _figure(label: str | rx.Var, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(value, size="2", weight="medium", white_space="nowrap"),
        width="100%",
    )


def _balance_card(b: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.badge(b.currency, variant="surface"), rx.text(t("Available to withdraw"), size="2")),
            rx.heading(b.available, size="7", as_="p", white_space="nowrap", data_testid="available"),
            rx.separator(size="4"),
            _figure(t("Gross sales"), b.gross),
            _figure(t("Platform fees"), b.platform_fees),
            _figure(t("Paystack fees"), b.provider_fees),
            _figure(t("Refunds"), b.refunds),
            _figure(t("Net earnings"), b.net),
            _figure(t("Withdrawn"), b.withdrawn),
            _figure(t("Pending payouts"), b.pending),
            spacing="2",
            width="100%",
        ),
        flex="1 1 280px",
        max_width=["100%", "420px"],
        custom_attrs={"aria-label": fill(t("{currency} balance"), currency=b.currency)},
    )


def balance_cards() -> rx.Component:
    return rx.flex(rx.foreach(S.balances, _balance_card), wrap="wrap", gap="16px", width="100%")


def revenue_chart() -> rx.Component:
    return money_chart_card(
        title=t("Last 12 months"),
        data=S.chart_data,
        x_key="month",
        bars=[Series("revenue", "accent", label=t("Revenue")), Series("fees", "amber", label=t("Fees"))],
        line=Series("net", "green", 10, label=t("Net")),
        currencies=S.chart_currencies,
        currency=S.chart_currency,
        on_pick=S.pick_chart_currency,
        aria_label=t("Revenue, fees and net per month"),
        unit_note=t("months in UTC"),
        box_id="billing-chart",
    )


def _select(name: str, label: str | rx.Var, options: list[tuple[str, str]] | rx.Var, value: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", color_scheme="gray"),
        rx.el.select(
            *[rx.el.option(t(text), value=key) for key, text in options],
            name=name,
            default_value=value,
            key=value,
            style={"padding": "6px", "border-radius": "8px", "min-width": "130px"},
        ),
        style={"display": "flex", "flex-direction": "column", "gap": "2px"},
    )


def _date(name: str, label: str | rx.Var, value: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", color_scheme="gray"),
        rx.input(type="date", name=name, default_value=value, key=value),
        style={"display": "flex", "flex-direction": "column", "gap": "2px"},
    )


def _filters() -> rx.Component:
    currencies = [("all", N_("All currencies"))] + [(c, c) for c in ("KES", "USD", "NGN", "GHS", "ZAR")]
    return rx.form(
        rx.flex(
            _select("kind", t("Type"), KINDS, S.tx_kind),
            _select("currency", t("Currency"), currencies, S.tx_currency),
            _date("from", t("From"), S.tx_from),
            _date("to", t("To"), S.tx_to),
            rx.button(t("Apply filters"), type="submit", variant="soft"),
            rx.el.a(
                rx.button(rx.icon("download", size=14), t("Export CSV"), variant="outline", type="button"),
                href=S.csv_url,
                download=True,
            ),
            wrap="wrap",
            gap="12px",
            align="end",
        ),
        on_submit=S.filter_transactions,
        width="100%",
    )


def _row(tx: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(tx.date, white_space="nowrap"),
        rx.table.cell(tx.kind_label),
        rx.table.cell(rx.vstack(rx.text(tx.detail), rx.code(tx.reference, size="1"), spacing="1")),
        rx.table.cell(tx.amount, white_space="nowrap"),
        rx.table.cell(tx.fees, white_space="nowrap", display=["none", "none", "table-cell"]),
        rx.table.cell(tx.net, white_space="nowrap"),
        rx.table.cell(status_badge(tx.status, "money", tx.status_label)),
        data_testid="transaction-row",
    )


def transactions() -> rx.Component:
    heads = [t("Date (UTC)"), t("Type"), t("Detail"), t("Amount")]
    return rx.vstack(
        rx.heading(t("Transactions"), size="4", as_="h2"),
        _filters(),
        rx.cond(
            S.tx_rows.length() == 0,
            rx.card(
                rx.text(
                    rx.cond(S.tx_loading, t("Loading transactions…"), t("No transactions match these filters yet.")),
                    color_scheme="gray",
                ),
                width="100%",
            ),
            scrolling_table(
                [
                    *[rx.table.column_header_cell(h) for h in heads],
                    rx.table.column_header_cell(t("Fees"), display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell(t("Net")),
                    rx.table.column_header_cell(t("Status")),
                ],
                rx.foreach(S.tx_rows, _row),
                label=t("Transactions"),
            ),
        ),
        rx.hstack(
            rx.text(count_words(S.tx_total, t("{count} transaction"), t("{count} transactions")), size="2"),
            rx.spacer(),
            rx.button(t("Previous"), variant="soft", disabled=S.tx_page <= 1, on_click=S.turn_tx_page(-1)),
            rx.text(fill(t("Page {number}"), number=S.tx_page), size="2"),
            rx.button(t("Next"), variant="soft", disabled=~S.tx_has_next, on_click=S.turn_tx_page(1)),
            align="center",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
