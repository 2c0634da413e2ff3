"""/workspace/{id}: the team's home, where an organizer lands after signing in: its upcoming events
with sales and check-ins, its latest orders, a t("New event") button, who is in it and your role."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.draft_notice import unfinished_draft
from eventpalour.components.layout import page
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE
from eventpalour.state.language import fill, t
from eventpalour.state.workspace import WorkspaceState
from eventpalour.state.workspace_dashboard import WorkspaceDashboardState

D = WorkspaceDashboardState


def _stat(label: str | rx.Var, value: rx.Var | str, icon: str) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(icon, size=24, color=rx.color("violet", 9)),
            rx.vstack(rx.text(label, size="2", color_scheme="gray"), rx.heading(value, size="6"), spacing="0"),
            align="center",
            spacing="3",
        ),
        size="3",
        width="100%",
    )


def _about() -> rx.Component:
    ws = WorkspaceState.workspace
    return rx.card(
        rx.vstack(
            rx.heading(t("About"), size="4", as_="h2"),
            rx.text(ws.description, white_space="pre-wrap"),
            rx.hstack(
                rx.cond(
                    ws.website != "",
                    rx.link(rx.icon("globe", size=16), ws.website, href=ws.website, is_external=True),
                ),
                rx.cond(ws.phone != "", rx.text(rx.icon("phone", size=16), ws.phone)),
                wrap="wrap",
                spacing="4",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _invite_hint() -> rx.Component:
    ws = WorkspaceState.workspace
    return rx.cond(
        WorkspaceState.can_manage_members,
        rx.card(
            rx.vstack(
                rx.heading(t("Bring your team"), size="4", as_="h2"),
                rx.text(
                    t("Invite people by email from Members, or share this link to let them join as members:"),
                    size="2",
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.code(ws.invite_link, size="2", overflow_wrap="anywhere"),
                    rx.button(
                        rx.icon("copy", size=14),
                        t("Copy"),
                        size="1",
                        variant="soft",
                        on_click=WorkspaceState.copy_invite_link,
                    ),
                    align="center",
                    wrap="wrap",
                ),
                spacing="3",
            ),
            size="3",
            width="100%",
        ),
    )


def _empty(icon: str, title: str | rx.Var, text: str | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.icon(icon, size=28, color=rx.color("violet", 9)),
        rx.text(title, weight="bold"),
        rx.text(text, size="2", color_scheme="gray", text_align="center"),
        align="center",
        padding="16px",
        width="100%",
    )


def _event_row(event: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.link(event.title, href=event.manage_url, weight="bold"),
                rx.text(event.when, size="1", color_scheme="gray", display=["block", "none"]),
                spacing="1",
            )
        ),
        rx.table.cell(event.when, display=["none", "table-cell"]),
        rx.table.cell(status_badge(event.status, "event"), display=["none", "none", "table-cell"]),
        rx.table.cell(event.sold_of_capacity),
        rx.table.cell(event.checked_in),
        rx.table.cell(
            rx.link(t("Manage"), href=event.manage_url, aria_label=fill(t("Manage {event}"), event=event.title))
        ),
        align="center",
    )


def _upcoming() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("Upcoming events"), size="4", as_="h2"),
                rx.spacer(),
                rx.text(D.upcoming_count, size="2", color_scheme="gray"),
                align="center",
                width="100%",
            ),
            rx.cond(
                D.upcoming.length() == 0,
                _empty(
                    "calendar-plus",
                    t("No upcoming events"),
                    rx.cond(
                        D.can_create_events,
                        t("Create an event: it starts as a draft only your team can see."),
                        t("Events your team creates will show here."),
                    ),
                ),
                scrolling_table(
                    [
                        rx.table.column_header_cell(t("Event")),
                        rx.table.column_header_cell(t("When"), display=["none", "table-cell"]),
                        rx.table.column_header_cell(t("Status"), display=["none", "none", "table-cell"]),
                        rx.table.column_header_cell(t("Tickets")),
                        rx.table.column_header_cell(t("Door")),
                        rx.table.column_header_cell(rx.el.span(t("Actions"), class_name="rt-sr-only")),
                    ],
                    rx.foreach(D.upcoming, _event_row),
                    label=t("Sales and check-ins per event"),
                    variant="ghost",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        role="region",
        aria_label=t("Upcoming events"),
    )


def _order_row(order: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.code(order.reference, size="1")),
        rx.table.cell(
            rx.vstack(
                rx.text(order.buyer, weight="medium"),
                rx.text(order.event_title, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(order.amount, white_space="nowrap"),
        rx.table.cell(status_badge(order.status, "order", order.status_label)),
        rx.table.cell(order.placed, display=["none", "table-cell"], white_space="nowrap"),
        align="center",
    )


def _recent_orders() -> rx.Component:
    return rx.cond(
        D.can_view_orders,
        rx.card(
            rx.vstack(
                rx.heading(t("Recent orders"), size="4", as_="h2"),
                rx.cond(
                    D.recent_orders.length() == 0,
                    _empty("receipt", t("No orders yet"), t("Orders for your events will show here as they come in.")),
                    scrolling_table(
                        [
                            rx.table.column_header_cell(t("Reference")),
                            rx.table.column_header_cell(t("Buyer")),
                            rx.table.column_header_cell(t("Amount")),
                            rx.table.column_header_cell(t("Status")),
                            rx.table.column_header_cell(t("Placed"), display=["none", "table-cell"]),
                        ],
                        rx.foreach(D.recent_orders, _order_row),
                        label=t("Latest orders"),
                        variant="ghost",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            role="region",
            aria_label=t("Recent orders"),
        ),
    )


def _new_event_button() -> rx.Component:
    return rx.cond(
        D.can_create_events,
        rx.link(rx.button(rx.icon("plus", size=18), t("New event"), size="3"), href=D.new_event_url),
    )


def _activity() -> rx.Component:
    return rx.cond(
        D.dashboard_loaded,
        rx.cond(
            D.dashboard_problem != "",
            rx.callout(D.dashboard_problem, icon="triangle-alert", color_scheme="red", width="100%"),
            rx.vstack(_upcoming(), _recent_orders(), spacing="4", width="100%"),
        ),
        rx.center(rx.spinner(), padding="32px", width="100%"),
    )


@page(WORKSPACE, "Workspace", on_load=[WorkspaceState.load_workspace, D.load_dashboard], require="user")
def workspace_dashboard() -> rx.Component:
    ws = WorkspaceState.workspace
    return workspace_shell(
        rx.vstack(
            rx.hstack(
                rx.heading(t("Dashboard"), size="5", as_="h2"),
                rx.spacer(),
                _new_event_button(),
                align="center",
                width="100%",
            ),
            unfinished_draft(D),
            _activity(),
            rx.grid(
                _stat(t("Team members"), ws.member_count, "users"),
                _stat(t("Your role"), WorkspaceState.role_label, "shield"),
                _stat(t("Payout verification"), ws.kyc_label, "landmark"),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="4",
                width="100%",
            ),
            _about(),
            _invite_hint(),
            spacing="4",
            width="100%",
        )
    )
