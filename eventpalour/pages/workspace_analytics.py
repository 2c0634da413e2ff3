"""/workspace/{id}/analytics (#22 §1): a period and an event, then tickets and revenue per day, money
per currency (admins and the owner), tiers, payment channels, buyers, events with their door and
funnel, buyers by country and city, and where page views came from; each table with its CSV.
Moderators and above; the service checks again on every call."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from eventpalour.components.charts import chart_rows
from eventpalour.components.forms import field
from eventpalour.components.layout import page
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_ANALYTICS
from eventpalour.services.platform import N_
from eventpalour.state.analytics import AnalyticsState
from eventpalour.state.language import fill, t
from eventpalour.state.workspace import WorkspaceState

S = AnalyticsState


def _not_allowed() -> rx.Component:
    return rx.callout(t("Only moderators, admins and the owner can see analytics."), icon="lock", width="100%")


def _select(name: str, label: str, options: rx.Var, value: rx.Var, **props) -> rx.Component:
    select_id = f"analytics-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=select_id, style={"font-size": "12px", "color": "var(--gray-11)"}),
        rx.el.select(
            rx.foreach(options, lambda o: rx.el.option(o.label, value=o.value)),
            id=select_id,
            name=name,
            default_value=value,
            key=value,
            style={"padding": "6px", "border-radius": "8px", "min-width": "160px", "max-width": "100%"},
            **props,
        ),
        spacing="1",
    )


def _picker() -> rx.Component:
    dates = rx.cond(
        S.is_custom,
        rx.flex(
            rx.box(
                field(t("First day"), "start", S.field_errors, type_="date", default_value=S.start), min_width="160px"
            ),
            rx.box(field(t("Last day"), "end", S.field_errors, type_="date", default_value=S.end), min_width="160px"),
            gap="12px",
            wrap="wrap",
        ),
    )
    return rx.form(
        rx.flex(
            _select("span", t("Period"), S.span_options, S.span, on_change=S.pick_span),
            dates,
            _select("event", t("Event"), S.event_options, S.event_id),
            rx.button(
                rx.cond(S.is_submitting, rx.spinner(size="1"), rx.icon("refresh-cw", size=14)),
                t("Show"),
                type="submit",
                variant="soft",
                disabled=S.is_submitting,
            ),
            wrap="wrap",
            gap="12px",
            align="end",
        ),
        rx.cond(
            S.field_errors.contains("event"),
            rx.text(S.field_errors["event"], color_scheme="red", size="2", role="alert"),
        ),
        rx.cond(
            S.field_errors.contains("span"),
            rx.text(S.field_errors["span"], color_scheme="red", size="2", role="alert"),
        ),
        on_submit=S.apply_period,
        aria_label=t("What the figures cover"),
        width="100%",
    )


def _csv(table: str, what: rx.Var) -> rx.Component:
    return rx.el.a(
        rx.button(rx.icon("download", size=14), "CSV", variant="outline", size="1", type="button"),
        href=S.csv_urls[table],
        download=True,
        aria_label=fill(t("Download {what} as CSV"), what=what),
    )


def _section(title: rx.Var, table: str, body: rx.Component, empty: rx.Var, empty_text: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.heading(title, size="4", as_="h2"), rx.spacer(), _csv(table, title.lower()), width="100%"),
        rx.cond(empty, rx.card(rx.text(empty_text, color_scheme="gray", size="2"), width="100%"), body),
        spacing="2",
        width="100%",
    )


def _stat(label: str, value: rx.Var, test_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.heading(value, size="6", as_="p", data_testid=test_id),
            spacing="1",
        ),
        flex="1 1 160px",
    )


def _stats() -> rx.Component:
    return rx.flex(
        _stat(t("Tickets sold"), S.tickets_sold, "stat-tickets"),
        _stat(t("Paid orders"), S.paid_orders, "stat-orders"),
        _stat(t("Refunded or cancelled"), S.tickets_refunded, "stat-refunded"),
        _stat(t("Page views"), S.views, "stat-views"),
        _stat(t("Checkouts started"), S.checkouts_started, "stat-checkouts"),
        wrap="wrap",
        gap="12px",
        width="100%",
    )


def _day_chart(with_revenue: bool) -> rx.Component:
    """Tickets per day as bars; with the revenue line on its own axis for those who see money."""
    grid = rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6))
    axes = [
        rx.recharts.x_axis(data_key="day", stroke=rx.color("gray", 9)),
        rx.recharts.y_axis(y_axis_id="tickets", stroke=rx.color("gray", 9), allow_decimals=False, width=50),
    ]
    series = [rx.recharts.bar(data_key="tickets", name=t("Tickets"), fill=rx.color("accent", 8), y_axis_id="tickets")]
    if with_revenue:
        axes.append(rx.recharts.y_axis(y_axis_id="money", orientation="right", stroke=rx.color("gray", 9), width=70))
        series.append(
            rx.recharts.line(
                data_key="revenue",
                name=t("Revenue"),
                stroke=rx.color("green", 10),
                stroke_width=2,
                type_="monotone",
                y_axis_id="money",
            )
        )
    return rx.recharts.composed_chart(
        grid,
        *axes,
        rx.recharts.tooltip(),
        rx.recharts.legend(),
        *series,
        data=chart_rows(S.chart_data),
        height=300,
        width="100%",
    )


def _chart() -> rx.Component:
    return _section(
        t("Tickets and revenue per day"),
        "daily",
        rx.card(
            rx.box(
                rx.cond(S.can_view_money, _day_chart(True), _day_chart(False)),
                role="img",
                aria_label=t("Tickets sold and revenue per day"),
                width="100%",
            ),
            rx.cond(
                S.can_view_money,
                rx.text(
                    fill(t("Revenue in whole units of {currency}; days in UTC."), currency=S.currency),
                    size="1",
                    color_scheme="gray",
                ),
                rx.text(t("Days in UTC."), size="1", color_scheme="gray"),
            ),
            width="100%",
        ),
        ~S.has_sales,
        t("No tickets were sold in this period."),
    )


def _money() -> rx.Component:
    heads = [
        N_("Currency"),
        N_("Paid orders"),
        N_("Gross"),
        N_("Platform fees"),
        N_("Paystack fees"),
        N_("Refunds"),
        N_("Net"),
        N_("Discounts"),
    ]
    return rx.cond(
        S.can_view_money,
        _section(
            t("Money"),
            "money",
            scrolling_table(
                [rx.table.column_header_cell(t(h)) for h in heads],
                rx.foreach(
                    S.money,
                    lambda f: rx.table.row(
                        rx.table.cell(f.currency),
                        rx.table.cell(f.paid_orders),
                        *[
                            rx.table.cell(value, white_space="nowrap")
                            for value in (f.gross, f.platform_fees, f.provider_fees, f.refunds, f.net, f.discounts)
                        ],
                        data_testid="money-row",
                    ),
                ),
                label=t("Money"),
            ),
            S.money.length() == 0,
            t("No money moved in this period."),
        ),
    )


def _simple_table(
    title: str, table: str, heads: list[str], rows: rx.Var, cells: Callable[[rx.Var], tuple], empty_text: str
) -> rx.Component:
    return _section(
        title,
        table,
        scrolling_table(
            [rx.table.column_header_cell(t(h)) for h in heads],
            rx.foreach(rows, lambda r: rx.table.row(*[rx.table.cell(c) for c in cells(r)], data_testid=f"{table}-row")),
            label=title,
        ),
        rows.length() == 0,
        empty_text,
    )


def _channels() -> rx.Component:
    return rx.cond(
        S.can_view_money,
        _simple_table(
            t("Payment channels"),
            "channels",
            [N_("Channel"), N_("Paid orders"), N_("Gross")],
            S.channels,
            lambda c: (c.label, c.orders, c.gross),
            t("No paid orders in this period."),
        ),
        _simple_table(
            t("Payment channels"),
            "channels",
            [N_("Channel"), N_("Paid orders")],
            S.channels,
            lambda c: (c.label, c.orders),
            t("No paid orders in this period."),
        ),
    )


def _buyers() -> rx.Component:
    return _section(
        t("Buyers"),
        "buyers",
        rx.flex(
            _stat(t("Orders from new buyers"), S.buyers_new, "stat-new-buyers"),
            _stat(t("Orders from returning buyers"), S.buyers_returning, "stat-returning-buyers"),
            wrap="wrap",
            gap="12px",
            width="100%",
        ),
        (S.buyers_new + S.buyers_returning) == 0,
        t("No buyers in this period."),
    )


def _door_cells(e: rx.Var) -> tuple:
    return (e.check_in, e.views, e.checkouts, e.conversion)


def _events() -> rx.Component:
    base = [N_("Event"), N_("Tickets sold"), N_("Paid orders")]
    door = [N_("Checked in"), N_("Page views"), N_("Checkouts started"), N_("Views → paid")]
    return rx.cond(
        S.can_view_money,
        _simple_table(
            t("Top events"),
            "events",
            [*base, N_("Gross"), N_("Refunds"), N_("Net"), *door],
            S.events,
            lambda e: (
                e.title,
                e.sold,
                e.orders,
                e.gross,
                e.refunds,
                e.net,
                e.check_in,
                e.views,
                e.checkouts,
                e.conversion,
            ),
            t("No event had sales or views in this period."),
        ),
        _simple_table(
            t("Top events"),
            "events",
            [*base, *door],
            S.events,
            lambda e: (e.title, e.sold, e.orders, *_door_cells(e)),
            t("No event had sales or views in this period."),
        ),
    )


def _places() -> rx.Component:
    """Where buyers paid from: Paystack's card or wallet country, or their billing address."""
    return rx.grid(
        _simple_table(
            t("Buyers by country"),
            "countries",
            [N_("Country"), N_("Paid orders"), N_("Tickets")],
            S.countries,
            lambda p: (p.country, p.orders, p.tickets),
            t("No sales in this period."),
        ),
        _simple_table(
            t("Buyers by city"),
            "cities",
            [N_("Country"), N_("City"), N_("Paid orders"), N_("Tickets")],
            S.cities,
            lambda p: (p.country, p.city, p.orders, p.tickets),
            t("No buyer's city is known for this period (cities come from billing addresses)."),
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        gap="16px",
        width="100%",
    )


def _analytics() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading(t("Analytics"), size="6", as_="h2"),
            rx.text(S.period_label, color_scheme="gray", size="2"),
            spacing="1",
        ),
        _picker(),
        rx.cond(
            S.analytics_problem != "",
            rx.callout(S.analytics_problem, icon="triangle-alert", color_scheme="red", width="100%"),
            rx.cond(
                ~S.analytics_loaded,
                rx.center(rx.spinner(size="3"), min_height="30vh", role="status"),
                rx.vstack(
                    _stats(),
                    _chart(),
                    _money(),
                    _simple_table(
                        t("Tickets by tier"),
                        "tiers",
                        [N_("Event"), N_("Tier"), N_("Sold"), N_("Refunded or cancelled")],
                        S.tiers,
                        lambda t: (t.event, t.tier, t.sold, t.refunded),
                        t("No tickets were sold in this period."),
                    ),
                    _channels(),
                    _buyers(),
                    _events(),
                    _places(),
                    rx.grid(
                        _simple_table(
                            t("Referrers"),
                            "referrers",
                            [N_("Referrer"), N_("Views")],
                            S.referrers,
                            lambda s: (s.name, s.views),
                            t("No page views in this period."),
                        ),
                        _simple_table(
                            t("Campaigns (utm_campaign)"),
                            "campaigns",
                            [N_("Campaign"), N_("Views")],
                            S.campaigns,
                            lambda s: (s.name, s.views),
                            t("No views came from a link with a campaign."),
                        ),
                        columns=rx.breakpoints(initial="1", md="2"),
                        gap="16px",
                        width="100%",
                    ),
                    spacing="5",
                    width="100%",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


@page(
    WORKSPACE_ANALYTICS,
    N_("Analytics"),
    on_load=[WorkspaceState.load_workspace, AnalyticsState.open_analytics],
    require="user",
    form=AnalyticsState,
)
def workspace_analytics() -> rx.Component:
    return workspace_shell(rx.cond(WorkspaceState.can_view_analytics, _analytics(), _not_allowed()))
