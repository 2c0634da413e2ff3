"""/invite/{token} and /join/{code}: join a workspace from a link; sign in or sign up first if needed."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.layout import loading, page
from eventpalour.components.workspace import role_name
from eventpalour.routes import INVITE, JOIN, WORKSPACES
from eventpalour.state.joining import JoinLinkState
from eventpalour.state.language import fill, t


def _card(*children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(rx.vstack(*children, spacing="4", align="center", text_align="center"), size="4", max_width="460px"),
        padding_y=["16px", "48px"],
    )


def _problem() -> rx.Component:
    return _card(
        rx.icon("link-2-off", size=36, color=rx.color("red", 9)),
        rx.heading(t("This link does not work"), size="6", as_="h1"),
        rx.text(JoinLinkState.problem, color_scheme="gray"),
        rx.hstack(
            rx.cond(
                JoinLinkState.is_authenticated,
                rx.button(t("Sign out"), variant="soft", on_click=JoinLinkState.sign_out),
            ),
            rx.link(rx.button(t("Your workspaces")), href=WORKSPACES),
        ),
    )


def _needs_account() -> rx.Component:
    return _card(
        rx.icon("users", size=36, color=rx.color("violet", 9)),
        rx.heading(
            rx.cond(
                JoinLinkState.workspace_name != "",
                fill(t("Join {workspace}"), workspace=JoinLinkState.workspace_name),
                t("Join the workspace"),
            ),
            size="6",
            as_="h1",
        ),
        rx.cond(
            JoinLinkState.invited_email != "",
            rx.text(
                fill(
                    t(
                        "{name} invited {email} to join as {role}. "
                        "Sign in with that address, or create an account with it."
                    ),
                    name=JoinLinkState.invited_by,
                    email=JoinLinkState.invited_email,
                    role=role_name(JoinLinkState.invited_role),
                ),
                color_scheme="gray",
            ),
            rx.text(t("Sign in or create an account to join."), color_scheme="gray"),
        ),
        rx.hstack(
            rx.link(rx.button(t("Create an account"), size="3"), href=JoinLinkState.sign_up_link),
            rx.link(rx.button(t("Sign in"), size="3", variant="soft"), href=JoinLinkState.sign_in_link),
            wrap="wrap",
            justify="center",
        ),
    )


def _join_page() -> rx.Component:
    return rx.cond(
        ~JoinLinkState.checked,
        loading(t("Opening your invitation…")),
        rx.cond(
            JoinLinkState.problem != "",
            _problem(),
            rx.cond(JoinLinkState.needs_account, _needs_account(), loading(t("Joining…"))),
        ),
    )


@page(INVITE, "Workspace invitation", on_load=JoinLinkState.open_invitation)
def invitation() -> rx.Component:
    return _join_page()


@page(JOIN, "Join a workspace", on_load=JoinLinkState.open_join_link)
def join_link() -> rx.Component:
    return _join_page()
