"""Billing pieces: balance cards per currency, the 12-month chart, and the transactions table."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.charts import Series, money_chart_card
from eventpalour.components.lists import count_words
from eventpalour.components.tables import scrolling_table
from eventpalour.state.billing import BillingState
from eventpalour.state.language import t

S = BillingState
KINDS = [("all", "All types"), ("sale", "Sales"), ("refund", "Refunds"), ("withdrawal", "Payouts")]


def _figure(label: str, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(value, size="2", weight="medium", white_space="nowrap"),
        width="100%",
    )


def _balance_card(b: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.badge(b.currency, variant="surface"), rx.text("Available to withdraw", size="2")),
            rx.heading(b.available, size="7", as_="p", white_space="nowrap", data_testid="available"),
            rx.separator(size="4"),
            _figure("Gross sales", b.gross),
            _figure("Platform fees", b.platform_fees),
            _figure("Paystack fees", b.provider_fees),
            _figure("Refunds", b.refunds),
            _figure("Net earnings", b.net),
            _figure("Withdrawn", b.withdrawn),
            _figure("Pending payouts", b.pending),
            spacing="2",
            width="100%",
        ),
        flex="1 1 280px",
        max_width=["100%", "420px"],
        custom_attrs={"aria-label": b.currency + " balance"},
    )


def balance_cards() -> rx.Component:
    return rx.flex(rx.foreach(S.balances, _balance_card), wrap="wrap", gap="16px", width="100%")


def revenue_chart() -> rx.Component:
    return money_chart_card(
        title="Last 12 months",
        data=S.chart_data,
        x_key="month",
        bars=[Series("revenue", "accent", label="Revenue"), Series("fees", "amber", label="Fees")],
        line=Series("net", "green", 10, label="Net"),
        currencies=S.chart_currencies,
        currency=S.chart_currency,
        on_pick=S.pick_chart_currency,
        aria_label="Revenue, fees and net per month",
        unit_note="months in UTC",
        box_id="billing-chart",
    )


def _select(name: str, label: str, options: list[tuple[str, str]] | rx.Var, value: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", color_scheme="gray"),
        rx.el.select(
            *[rx.el.option(text, value=key) for key, text in options],
            name=name,
            default_value=value,
            key=value,
            style={"padding": "6px", "border-radius": "8px", "min-width": "130px"},
        ),
        style={"display": "flex", "flex-direction": "column", "gap": "2px"},
    )


def _date(name: str, label: str, value: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", color_scheme="gray"),
        rx.input(type="date", name=name, default_value=value, key=value),
        style={"display": "flex", "flex-direction": "column", "gap": "2px"},
    )


def _filters() -> rx.Component:
    currencies = [("all", "All currencies")] + [(c, c) for c in ("KES", "USD", "NGN", "GHS", "ZAR")]
    return rx.form(
        rx.flex(
            _select("kind", "Type", KINDS, S.tx_kind),
            _select("currency", "Currency", currencies, S.tx_currency),
            _date("from", "From", S.tx_from),
            _date("to", "To", S.tx_to),
            rx.button("Apply filters", type="submit", variant="soft"),
            rx.el.a(
                rx.button(rx.icon("download", size=14), "Export CSV", variant="outline", type="button"),
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


def _row(t: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(t.date, white_space="nowrap"),
        rx.table.cell(t.kind_label),
        rx.table.cell(rx.vstack(rx.text(t.detail), rx.code(t.reference, size="1"), spacing="1")),
        rx.table.cell(t.amount, white_space="nowrap"),
        rx.table.cell(t.fees, white_space="nowrap", display=["none", "none", "table-cell"]),
        rx.table.cell(t.net, white_space="nowrap"),
        rx.table.cell(status_badge(t.status, "money", t.status_label)),
        data_testid="transaction-row",
    )


def transactions() -> rx.Component:
    heads = ["Date (UTC)", "Type", "Detail", "Amount"]
    return rx.vstack(
        rx.heading("Transactions", size="4", as_="h2"),
        _filters(),
        rx.cond(
            S.tx_rows.length() == 0,
            rx.card(
                rx.text(
                    rx.cond(S.tx_loading, "Loading transactions…", "No transactions match these filters yet."),
                    color_scheme="gray",
                ),
                width="100%",
            ),
            scrolling_table(
                [
                    *[rx.table.column_header_cell(h) for h in heads],
                    rx.table.column_header_cell("Fees", display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell("Net"),
                    rx.table.column_header_cell("Status"),
                ],
                rx.foreach(S.tx_rows, _row),
                label="Transactions",
            ),
        ),
        rx.hstack(
            rx.text(count_words(S.tx_total, t("{count} transaction"), t("{count} transactions")), size="2"),
            rx.spacer(),
            rx.button("Previous", variant="soft", disabled=S.tx_page <= 1, on_click=S.turn_tx_page(-1)),
            rx.text("Page ", S.tx_page, size="2"),
            rx.button("Next", variant="soft", disabled=~S.tx_has_next, on_click=S.turn_tx_page(1)),
            align="center",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
