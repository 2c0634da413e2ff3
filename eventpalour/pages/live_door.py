"""/workspace/{id}/events/{short_id}/door: the live door dashboard (#21 §6) for moderators and above:
each check-in list's counters, entries per list per 15 minutes, devices and when they were last heard from,
and tickets let in twice. It reads itself again every few seconds while open."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.charts import chart_rows
from eventpalour.components.layout import page
from eventpalour.components.qr_scanner import every
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import workspace_shell
from eventpalour.services.platform import N_
from eventpalour.state.language import fill, t
from eventpalour.state.live_door import REFRESH_SECONDS, LiveDoorState
from eventpalour.state.workspace import WorkspaceState

S = LiveDoorState


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), S.title, align="center", spacing="1"), href=S.manage_url),
            rx.heading(t("Live door"), size="6", as_="h2"),
            rx.text(
                fill(t("Updated {time} · refreshes every few seconds"), time=S.updated), size="1", color_scheme="gray"
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.link(rx.button(rx.icon("scan-line", size=16), t("Scan tickets")), href=S.scan_url),
        width="100%",
        align="end",
        wrap="wrap",
    )


def _counter(c: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(c.name, size="3", as_="h3"),
                rx.spacer(),
                rx.text(
                    fill(t("{admitted} / {total} admitted"), admitted=c.admitted, total=c.total),
                    size="3",
                    weight="medium",
                ),
                width="100%",
                wrap="wrap",
                align="center",
            ),
            rx.progress(value=c.percent, max=100, width="100%", aria_label=fill(t("{list} admitted"), list=c.name)),
            rx.hstack(
                rx.text(c.tiers_label, size="1", color_scheme="gray"),
                rx.cond(c.count_exits, rx.text(fill(t("{count} inside now"), count=c.inside), size="2")),
                justify="between",
                width="100%",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="door-list-counter",
    )


def _series_bar(series: rx.Var) -> rx.Component:
    # No animation: the board is read again every few seconds and the bars should stand still.
    return rx.recharts.bar(
        data_key=series.key, name=series.name, fill=series.color, stack_id="lists", is_animation_active=False
    )


def _chart() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Admitted per list, per 15 minutes"), size="4", as_="h3"),
            rx.cond(
                S.buckets.length() > 0,
                rx.box(
                    rx.recharts.bar_chart(
                        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
                        rx.foreach(S.series, _series_bar),
                        rx.recharts.x_axis(data_key="label", stroke=rx.color("gray", 11)),
                        rx.recharts.y_axis(allow_decimals=False, stroke=rx.color("gray", 11), width=40),
                        rx.recharts.graphing_tooltip(
                            content_style={
                                "background": "var(--color-panel-solid)",
                                "border": "1px solid var(--gray-6)",
                                "color": "var(--gray-12)",
                            },
                            cursor={"fill": "var(--gray-a3)"},
                        ),
                        rx.recharts.legend(),
                        data=chart_rows(S.buckets),
                        width="100%",
                        height=260,
                    ),
                    role="img",
                    aria_label=t("Entries per check-in list, per 15 minutes"),
                    # Recharts colours a legend's words like its series: some (amber) are unreadable
                    # on a light panel, so the words take the text colour and the swatch the series'.
                    style={"& .recharts-legend-item-text": {"color": "var(--gray-12) !important"}},
                    width="100%",
                    data_testid="door-chart",
                ),
                rx.text(t("Nobody has been checked in yet."), size="2", color_scheme="gray"),
            ),
            rx.cond(
                S.buckets.length() > 0,
                rx.text(
                    t("Stacked: each colour is one check-in list. Times in the event's time zone."),
                    size="1",
                    color_scheme="gray",
                ),
            ),
            width="100%",
        ),
        width="100%",
    )


def _device_row(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(d.label),
        rx.table.cell(d.check_ins),
        rx.table.cell(rx.badge(d.last_seen, color_scheme=rx.cond(d.online, "green", "amber"), variant="soft")),
        data_testid="door-device",
    )


def _devices() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Devices"), size="4", as_="h3"),
            rx.cond(
                S.devices.length() > 0,
                scrolling_table(
                    [rx.table.column_header_cell(h) for h in (t("Device"), t("Check-ins"), t("Last seen"))],
                    rx.foreach(S.devices, _device_row),
                    label=t("Door devices"),
                    variant="ghost",
                ),
                rx.text(t("No scanner has opened this event's door yet."), size="2", color_scheme="gray"),
            ),
            width="100%",
        ),
        width="100%",
    )


def _conflict_row(c: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(c.code), " ", c.holder),
        rx.table.cell(c.list_name),
        rx.table.cell(c.first_device, " · ", c.first_at),
        rx.table.cell(c.second_device, " · ", c.second_at),
        data_testid="door-conflict",
    )


def _conflicts() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Let in twice"), size="4", as_="h3"),
            rx.cond(
                S.conflicts.length() > 0,
                scrolling_table(
                    [rx.table.column_header_cell(h) for h in (t("Ticket"), t("List"), t("First"), t("Again"))],
                    rx.foreach(S.conflicts, _conflict_row),
                    label=t("Tickets let in twice"),
                    variant="ghost",
                ),
                rx.text(t("No ticket was let in twice."), size="2", color_scheme="gray"),
            ),
            width="100%",
        ),
        width="100%",
    )


def _body() -> rx.Component:
    return rx.cond(
        ~S.board_loaded,
        rx.center(rx.spinner(size="3"), padding="32px", role="status", aria_label=t("Loading the door")),
        rx.cond(
            S.board_problem != "",
            rx.callout(S.board_problem, icon="triangle-alert", color_scheme="red", role="alert"),
            rx.vstack(
                _header(),
                rx.cond(
                    S.refresh_problem != "",
                    rx.callout(S.refresh_problem, icon="wifi-off", color_scheme="amber", role="alert"),
                ),
                rx.grid(rx.foreach(S.counters, _counter), columns=rx.breakpoints(initial="1", sm="2"), gap="12px"),
                _chart(),
                _devices(),
                _conflicts(),
                every(seconds=REFRESH_SECONDS, on_tick=S.refresh_board),
                spacing="4",
                width="100%",
            ),
        ),
    )


@page(
    routes.WORKSPACE_EVENT_DOOR,
    N_("Live door"),
    on_load=[WorkspaceState.load_workspace, S.load_board],
    require="user",
    width="1100px",
)
def live_door() -> rx.Component:
    return workspace_shell(_body())
