"""/workspace/{id}/events: the workspace's events, by status, searchable, paginated."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.draft_notice import unfinished_draft
from eventpalour.components.forms import choice_select
from eventpalour.components.layout import page
from eventpalour.components.lists import count_words
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_EVENTS
from eventpalour.state.events import WorkspaceEventsState
from eventpalour.state.language import fill, t
from eventpalour.state.workspace import WorkspaceState

S = WorkspaceEventsState


def _row(event: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(event.title, href=event.url, weight="bold")),
        rx.table.cell(status_badge(event.status, "event")),
        rx.table.cell(event.when, display=["none", "table-cell"]),
        rx.table.cell(event.where, display=["none", "none", "table-cell"]),
        rx.table.cell(event.sold_of_capacity),
        align="center",
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        choice_select(
            [
                ("all", t("all")),
                ("draft", t("draft")),
                ("active", t("active")),
                ("inactive", t("inactive")),
                ("postponed", t("postponed")),
                ("cancelled", t("cancelled")),
                ("completed", t("completed")),
            ],
            t("Filter by status"),
            default_value="all",
            on_change=S.filter_status,
        ),
        rx.input(
            placeholder=t("Search events"),
            on_blur=S.search,
            aria_label=t("Search events"),
            max_width="280px",
            width="100%",
        ),
        rx.spacer(),
        rx.cond(
            WorkspaceState.can_edit,
            rx.link(
                rx.button(rx.icon("plus", size=16), t("New event")),
                href="/workspace/" + WorkspaceState.workspace.id + "/events/new",
            ),
        ),
        width="100%",
        wrap="wrap",
    )


def _table() -> rx.Component:
    return rx.cond(
        S.event_rows.length() == 0,
        rx.card(
            rx.vstack(
                rx.icon("calendar-plus", size=32, color=rx.color("violet", 9)),
                rx.heading(t("No events here yet"), size="4", as_="h3"),
                rx.text(
                    t("Create your first event: it starts as a draft only your team can see."), color_scheme="gray"
                ),
                align="center",
                padding="24px",
            ),
            width="100%",
        ),
        rx.vstack(
            scrolling_table(
                [
                    rx.table.column_header_cell(t("Event")),
                    rx.table.column_header_cell(t("Status")),
                    rx.table.column_header_cell(t("When"), display=["none", "table-cell"]),
                    rx.table.column_header_cell(t("Where"), display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell(t("Tickets")),
                ],
                rx.foreach(S.event_rows, _row),
                label=t("Events"),
            ),
            rx.hstack(
                rx.button(t("Previous"), variant="soft", disabled=S.events_page <= 1, on_click=S.turn_page(-1)),
                rx.text(
                    fill(t("Page {number}"), number=S.events_page),
                    " · ",
                    count_words(S.total_events, t("{count} event"), t("{count} events")),
                    size="2",
                    color_scheme="gray",
                ),
                rx.button(t("Next"), variant="soft", disabled=~S.has_next_page, on_click=S.turn_page(1)),
                align="center",
                justify="center",
                width="100%",
            ),
            width="100%",
        ),
    )


@page(WORKSPACE_EVENTS, "Events", on_load=[WorkspaceState.load_workspace, S.load_events], require="user")
def workspace_events() -> rx.Component:
    return workspace_shell(
        rx.vstack(
            _toolbar(),
            unfinished_draft(S),
            rx.cond(S.events_loaded, _table(), rx.center(rx.spinner(), padding="32px")),
            spacing="4",
            width="100%",
        )
    )
