"""/workspace/{id}/events: the workspace's events, by status, searchable, paginated."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.draft_notice import unfinished_draft
from eventpalour.components.layout import page
from eventpalour.components.lists import count_words
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_EVENTS
from eventpalour.state.events import WorkspaceEventsState
from eventpalour.state.language import t
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
        rx.select(
            ["all", "draft", "active", "inactive", "postponed", "cancelled", "completed"],
            default_value="all",
            on_change=S.filter_status,
            custom_attrs={"aria-label": "Filter by status"},  # rx.select names its trigger only this way
        ),
        rx.input(
            placeholder="Search events", on_blur=S.search, aria_label="Search events", max_width="280px", width="100%"
        ),
        rx.spacer(),
        rx.cond(
            WorkspaceState.can_edit,
            rx.link(
                rx.button(rx.icon("plus", size=16), "New event"),
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
                rx.heading("No events here yet", size="4", as_="h3"),
                rx.text("Create your first event: it starts as a draft only your team can see.", color_scheme="gray"),
                align="center",
                padding="24px",
            ),
            width="100%",
        ),
        rx.vstack(
            scrolling_table(
                [
                    rx.table.column_header_cell("Event"),
                    rx.table.column_header_cell("Status"),
                    rx.table.column_header_cell("When", display=["none", "table-cell"]),
                    rx.table.column_header_cell("Where", display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell("Tickets"),
                ],
                rx.foreach(S.event_rows, _row),
                label="Events",
            ),
            rx.hstack(
                rx.button("Previous", variant="soft", disabled=S.events_page <= 1, on_click=S.turn_page(-1)),
                rx.text(
                    "Page ",
                    S.events_page,
                    " · ",
                    count_words(S.total_events, t("{count} event"), t("{count} events")),
                    size="2",
                    color_scheme="gray",
                ),
                rx.button("Next", variant="soft", disabled=~S.has_next_page, on_click=S.turn_page(1)),
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
