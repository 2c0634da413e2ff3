"""/workspaces/new: an organizer creates a team workspace (createWorkspace)."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import form_error, submit_button
from eventpalour.components.layout import page
from eventpalour.components.workspace import general_fields, logo_uploader, social_fields
from eventpalour.state.base import AuthState
from eventpalour.state.language import t
from eventpalour.state.workspaces import WorkspaceCreateState


def _attendee_notice() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("calendar-plus", size=32, color=rx.color("violet", 9)),
            rx.heading(t("Workspaces are for organizers"), size="5", as_="h2"),
            rx.text(
                t(
                    "Your account is set up for attending events. Switch it to an organizer account to create a "
                    "workspace, invite your team and sell tickets. You keep your tickets either way."
                ),
                color_scheme="gray",
            ),
            rx.button(t("Become an organizer"), size="3", on_click=WorkspaceCreateState.become_organizer),
            spacing="3",
            align="start",
        ),
        size="4",
    )


def _unverified_notice() -> rx.Component:
    return rx.callout(
        rx.text(
            t("Verify your email before creating a workspace."), " ", rx.link(t("Enter your code"), href=routes.VERIFY)
        ),
        icon="mail-warning",
        color_scheme="amber",
    )


def _form() -> rx.Component:
    errors = WorkspaceCreateState.field_errors
    return rx.form(
        rx.vstack(
            form_error(WorkspaceCreateState.form_error),
            rx.card(
                rx.vstack(rx.heading(t("About"), size="4", as_="h2"), general_fields(errors), width="100%"),
                width="100%",
            ),
            rx.card(
                rx.vstack(
                    rx.heading(t("Branding"), size="4", as_="h2"), logo_uploader(WorkspaceCreateState), width="100%"
                ),
                width="100%",
            ),
            rx.card(
                rx.vstack(
                    rx.heading(t("Social links"), size="4", as_="h2"),
                    rx.text(t("Optional. Shown on your public organizer profile."), size="2", color_scheme="gray"),
                    social_fields(errors),
                    width="100%",
                ),
                width="100%",
            ),
            rx.box(
                submit_button(t("Create workspace"), WorkspaceCreateState.is_submitting, t("Creating…")), width="100%"
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=WorkspaceCreateState.submit,
        width="100%",
    )


@page(
    routes.WORKSPACE_NEW,
    "New workspace",
    on_load=WorkspaceCreateState.start_new,
    require="user",
    form=WorkspaceCreateState,
    width="760px",
)
def workspace_new() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Create a workspace"), size="8", as_="h1"),
        rx.text(
            t("A workspace is your team's home: events, tickets, payouts and members live here."), color_scheme="gray"
        ),
        rx.cond(
            AuthState.account_type != "organizer",
            _attendee_notice(),
            rx.cond(AuthState.is_verified, _form(), _unverified_notice()),
        ),
        spacing="4",
        width="100%",
    )
