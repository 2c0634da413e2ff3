"""/invite/{token} and /join/{code}: join a workspace from a link; sign in or sign up first if needed."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.layout import loading, page
from eventpalour.routes import INVITE, JOIN, WORKSPACES
from eventpalour.state.joining import JoinLinkState


def _card(*children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(rx.vstack(*children, spacing="4", align="center", text_align="center"), size="4", max_width="460px"),
        padding_y=["16px", "48px"],
    )


def _problem() -> rx.Component:
    return _card(
        rx.icon("link-2-off", size=36, color=rx.color("red", 9)),
        rx.heading("This link does not work", size="6", as_="h1"),
        rx.text(JoinLinkState.problem, color_scheme="gray"),
        rx.hstack(
            rx.cond(
                JoinLinkState.is_authenticated,
                rx.button("Sign out", variant="soft", on_click=JoinLinkState.sign_out),
            ),
            rx.link(rx.button("Your workspaces"), href=WORKSPACES),
        ),
    )


def _needs_account() -> rx.Component:
    return _card(
        rx.icon("users", size=36, color=rx.color("violet", 9)),
        rx.heading(
            rx.cond(JoinLinkState.workspace_name != "", "Join " + JoinLinkState.workspace_name, "Join the workspace"),
            size="6",
            as_="h1",
        ),
        rx.cond(
            JoinLinkState.invited_email != "",
            rx.text(
                JoinLinkState.invited_by,
                " invited ",
                rx.text.strong(JoinLinkState.invited_email),
                " to join as ",
                JoinLinkState.invited_role,
                ". Sign in with that address, or create an account with it.",
                color_scheme="gray",
            ),
            rx.text("Sign in or create an account to join.", color_scheme="gray"),
        ),
        rx.hstack(
            rx.link(rx.button("Create an account", size="3"), href=JoinLinkState.sign_up_link),
            rx.link(rx.button("Sign in", size="3", variant="soft"), href=JoinLinkState.sign_in_link),
            wrap="wrap",
            justify="center",
        ),
    )


def _join_page() -> rx.Component:
    return rx.cond(
        ~JoinLinkState.checked,
        loading("Opening your invitation…"),
        rx.cond(
            JoinLinkState.problem != "",
            _problem(),
            rx.cond(JoinLinkState.needs_account, _needs_account(), loading("Joining…")),
        ),
    )


@page(INVITE, "Workspace invitation", on_load=JoinLinkState.open_invitation)
def invitation() -> rx.Component:
    return _join_page()


@page(JOIN, "Join a workspace", on_load=JoinLinkState.open_join_link)
def join_link() -> rx.Component:
    return _join_page()
