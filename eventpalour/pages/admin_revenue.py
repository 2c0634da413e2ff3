"""/admin/revenue: platform totals per currency and the withdrawals queue, where finance marks a
payout paid (with the transfer's reference) or rejects it (with a reason)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page
from eventpalour.components.charts import Series, money_chart_card
from eventpalour.components.forms import field
from eventpalour.components.layout import loading
from eventpalour.components.tables import scrolling_table
from eventpalour.routes import ADMIN_REVENUE
from eventpalour.services.platform import N_
from eventpalour.state.admin_revenue import AdminRevenueState
from eventpalour.state.language import t

S = AdminRevenueState
TOTALS = [("gross", N_("Gross sales")), ("platform_fees", N_("Platform fees")), ("provider_fees", N_("Paystack fees"))]
TOTALS += [("refunds", N_("Refunds")), ("net", N_("Net to organizers")), ("withdrawn", N_("Paid out"))]
TOTALS += [("pending", N_("Waiting payouts"))]


def _totals_card(totals: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.badge(totals.currency, variant="surface"), rx.text(totals.paid_orders_label, size="2")),
            *[
                rx.hstack(
                    rx.text(t(label), size="2", color_scheme="gray"),
                    rx.spacer(),
                    rx.text(getattr(totals, key), size="2"),
                    width="100%",
                )
                for key, label in TOTALS
            ],
            width="100%",
            spacing="2",
        ),
        flex="1 1 260px",
        max_width=["100%", "360px"],
    )


def _decision(
    label: str | rx.Var, color: str, w: rx.Var, name: str, prompt: str | rx.Var, on_submit: rx.EventHandler
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(label, size="1", color_scheme=color, variant="soft")),
        rx.dialog.content(
            rx.dialog.title(label, " · ", w.amount),
            rx.dialog.description(w.workspace, " → ", w.destination, size="2"),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="withdrawal_id", value=w.id),
                    field(prompt, name, S.field_errors),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray", type="button")),
                        rx.button(label, color_scheme=color, type="submit", loading=S.is_submitting),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                margin_top="12px",
            ),
            max_width="440px",
        ),
    )


def _row(w: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(w.workspace, weight="bold"), rx.text(w.owner, size="1"), spacing="0")),
        rx.table.cell(w.amount, white_space="nowrap"),
        rx.table.cell(rx.vstack(rx.text(w.destination), rx.text(w.holder, size="1"), spacing="0")),
        rx.table.cell(w.requested, display=["none", "table-cell"]),
        rx.table.cell(
            rx.hstack(
                _decision(t("Mark paid"), "green", w, "reference", t("Transfer reference"), S.mark_paid),
                _decision(t("Reject"), "red", w, "reason", t("Reason (sent to the organizer)"), S.reject),
                spacing="2",
            )
        ),
        data_testid="queued-withdrawal",
    )


def _returned_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.code(r.reference, size="1"), rx.text(r.event, size="1"), spacing="1")),
        rx.table.cell(r.buyer, display=["none", "table-cell"]),
        rx.table.cell(r.charged, white_space="nowrap"),
        rx.table.cell(r.order_total, white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                rx.badge(r.label, color_scheme="amber", variant="soft"),
                rx.tooltip(rx.icon("info", size=14, aria_label=t("Why")), content=r.reason),
                spacing="1",
                align="center",
            )
        ),
        data_testid="returned-payment",
    )


def _returned_payments() -> rx.Component:
    """Money that came in and bought nothing (mismatched or late payments), refunded automatically."""
    heads = [t("Order"), t("Charged"), t("Order total"), t("Status")]
    return rx.cond(
        S.returned.length() > 0,
        rx.vstack(
            rx.heading(t("Payments returned"), size="5", as_="h2"),
            rx.text(
                t("Payments that bought no tickets go back in full. A failed one must be refunded by hand."),
                size="2",
                color_scheme="gray",
            ),
            scrolling_table(
                [
                    rx.table.column_header_cell(heads[0]),
                    rx.table.column_header_cell(t("Buyer"), display=["none", "table-cell"]),
                    *[rx.table.column_header_cell(h) for h in heads[1:]],
                ],
                rx.foreach(S.returned, _returned_row),
                label=t("Money returned to buyers"),
            ),
            spacing="2",
            width="100%",
        ),
    )


def _daily_chart() -> rx.Component:
    """Gross, platform fees and refunds per day of the last 30, one currency at a time."""
    return money_chart_card(
        title=t("Last 30 days"),
        data=S.chart_data,
        x_key="day",
        bars=[Series("gross", "accent", label=t("Gross")), Series("refunds", "red", label=t("Refunds"))],
        line=Series("platform_fees", "green", 10, label=t("Platform fees")),
        currencies=S.chart_currencies,
        currency=S.chart_currency,
        on_pick=S.pick_chart_currency,
        aria_label=t("Gross, refunds and platform fees per day"),
        unit_note=t("days in UTC"),
        empty_text=t("No money moved in the last 30 days."),
    )


def _content() -> rx.Component:
    heads = [t("Workspace"), t("Amount"), t("Pay to")]
    return rx.vstack(
        rx.cond(
            S.totals.length() == 0,
            rx.text(t("No paid orders yet."), color_scheme="gray"),
            rx.flex(rx.foreach(S.totals, _totals_card), wrap="wrap", gap="16px", width="100%"),
        ),
        _daily_chart(),
        _returned_payments(),
        rx.heading(t("Withdrawals waiting"), size="5", as_="h2"),
        rx.cond(
            S.queue.length() == 0,
            rx.text(t("Nothing waiting. New requests appear here."), color_scheme="gray"),
            scrolling_table(
                [
                    *[rx.table.column_header_cell(h) for h in heads],
                    rx.table.column_header_cell(t("Requested"), display=["none", "table-cell"]),
                    rx.table.column_header_cell(t("Decision")),
                ],
                rx.foreach(S.queue, _row),
                label=t("Withdrawal requests"),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _not_found() -> rx.Component:
    """Admins of other levels see the admin area, but this page does not exist for them."""
    return rx.callout(t("This page does not exist."), icon="circle-help", color_scheme="gray")


@admin_page(ADMIN_REVENUE, N_("Admin · Revenue"), on_load=S.load, form=S)
def admin_revenue() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Revenue"), size="7", as_="h1"),
        rx.cond(
            ~S.loaded,
            loading(),
            rx.cond(S.allowed, _content(), _not_found()),
        ),
        spacing="4",
        width="100%",
    )
