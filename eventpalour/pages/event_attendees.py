"""/workspace/{id}/events/{short_id}/attendees: the attendee list of one event, for moderators and above."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.attendees import attendees_table, filters_bar, pager, progress_card
from eventpalour.components.layout import page
from eventpalour.components.workspace import workspace_shell
from eventpalour.services.platform import N_
from eventpalour.state.attendees import AttendeesState
from eventpalour.state.language import t
from eventpalour.state.workspace import WorkspaceState

S = AttendeesState


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), S.attendee_event.title, align="center", spacing="1"),
                href=S.attendee_event.manage_url,
            ),
            rx.heading(t("Attendees"), size="6", as_="h2"),
            spacing="1",
        ),
        rx.spacer(),
        rx.link(rx.button(rx.icon("scan-line", size=16), t("Scan tickets")), href=S.attendee_event.scan_url),
        width="100%",
        align="end",
        wrap="wrap",
    )


def _body() -> rx.Component:
    return rx.cond(
        S.attendees_problem != "",
        rx.callout(S.attendees_problem, icon="triangle-alert", color_scheme="red", role="alert"),
        rx.cond(
            ~S.attendees_loaded & (S.attendee_rows.length() == 0),
            rx.center(rx.spinner(size="3"), padding="32px", role="status"),
            rx.vstack(_header(), progress_card(), filters_bar(), attendees_table(), pager(), spacing="4", width="100%"),
        ),
    )


@page(
    routes.WORKSPACE_EVENT_ATTENDEES,
    N_("Attendees"),
    on_load=[WorkspaceState.load_workspace, S.reset_filters, S.load_attendees],
    require="user",
    width="1100px",
)
def event_attendees() -> rx.Component:
    return workspace_shell(_body())
