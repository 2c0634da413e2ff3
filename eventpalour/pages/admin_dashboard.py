"""/admin: the platform's figures (SPEC §7) with their change, and 30-day charts."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, error_callout, heading
from eventpalour.components.charts import chart_rows
from eventpalour.components.layout import loading
from eventpalour.routes import ADMIN
from eventpalour.services.platform import N_
from eventpalour.state.admin import AdminDashboardState as S
from eventpalour.state.language import fill, t

TREND_COLORS = [("up", "green"), ("down", "red")]
FEES_KEY = "fees."  # each currency's fees series in the chart rows: "fees.KES"
SERIES_COLORS = ["var(--violet-9)", "var(--cyan-9)", "var(--amber-9)", "var(--crimson-9)", "var(--green-9)"]


def _note(text: rx.Var, direction: rx.Var) -> rx.Component:
    return rx.text(text, size="1", color_scheme=rx.match(direction, *TREND_COLORS, "gray"))


def _card(card: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(card.label, size="2", color_scheme="gray"),
                rx.heading(card.value, size="7"),
                _note(card.note, card.trend),
                spacing="1",
            ),
            rx.spacer(),
            rx.icon(card.icon, size=22, color=rx.color("violet", 9)),
            align="start",
        ),
        size="2",
    )


def _revenue_card(r: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(fill(t("Revenue · {currency}"), currency=r.currency), size="2", color_scheme="gray"),
            rx.heading(r.gross, size="6"),
            _note(r.gross_note, r.trend),
            rx.separator(),
            rx.text(fill(t("Platform fees {amount}"), amount=r.fee), size="2"),
            rx.text(r.fee_note, size="1", color_scheme="gray"),
            spacing="1",
        ),
        size="2",
    )


def _chart(title: str | rx.Var, chart: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="4", as_="h2"), chart, width="100%"), width="100%")


def _axes() -> list[rx.Component]:
    return [
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke="var(--gray-6)"),
        rx.recharts.x_axis(data_key="day", tick={"fill": "var(--gray-11)", "fontSize": 12}),
        rx.recharts.y_axis(allow_decimals=False, tick={"fill": "var(--gray-11)", "fontSize": 12}),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
    ]


def _charts() -> rx.Component:
    revenue = rx.recharts.bar_chart(
        rx.foreach(
            S.currencies,
            lambda c, i: rx.recharts.bar(
                data_key=FEES_KEY + c,
                name=fill(t("{currency} fees"), currency=c),
                fill=rx.Var.create(SERIES_COLORS)[i % 5],
            ),
        ),
        *_axes(),
        data=chart_rows(S.revenue_days),
        height=280,
        width="100%",
    )
    activity = rx.recharts.line_chart(
        rx.recharts.line(data_key="signups", name=t("Sign-ups"), stroke="var(--violet-9)", type_="monotone"),
        rx.recharts.line(data_key="tickets", name=t("Tickets sold"), stroke="var(--cyan-9)", type_="monotone"),
        *_axes(),
        data=chart_rows(S.activity_days),
        height=280,
        width="100%",
    )
    return rx.grid(
        _chart(t("Platform revenue, last 30 days (major units)"), revenue),
        _chart(t("Sign-ups and tickets sold, last 30 days"), activity),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
    )


def _figures() -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.foreach(S.cards, _card), columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="3", width="100%"
        ),
        rx.heading(t("Revenue by currency"), size="4", as_="h2"),
        rx.cond(
            S.revenue_cards.length() == 0,
            rx.text(t("No paid orders yet."), color_scheme="gray"),
            rx.grid(
                rx.foreach(S.revenue_cards, _revenue_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="3",
                width="100%",
            ),
        ),
        _charts(),
        spacing="4",
        width="100%",
    )


@admin_page(ADMIN, N_("Admin · Dashboard"), on_load=S.load_dashboard)
def admin_dashboard() -> rx.Component:
    return rx.vstack(
        heading(t("Dashboard"), t("Platform figures right now, compared with the period before.")),
        rx.cond(
            ~S.dashboard_loaded,
            loading(),
            rx.cond(S.dashboard_error != "", error_callout(S.dashboard_error), _figures()),
        ),
        spacing="4",
        width="100%",
    )
