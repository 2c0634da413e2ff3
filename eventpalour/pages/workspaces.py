"""/workspaces: every workspace the signed-in user belongs to."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import loading, page
from eventpalour.components.workspace import role_badge, verified_badge, workspace_avatar
from eventpalour.state.language import t
from eventpalour.state.workspaces import WorkspaceSwitcherState


def _card(ws: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                workspace_avatar(ws.logo_url, ws.initials),
                rx.vstack(
                    rx.hstack(rx.text(ws.name, weight="bold", size="4"), verified_badge(ws.verified)),
                    role_badge(ws.role),
                    spacing="1",
                ),
                align="center",
                spacing="3",
            ),
            size="3",
            width="100%",
        ),
        href=ws.url,
        underline="none",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("users", size=32, color=rx.color("violet", 9)),
            rx.heading(t("No workspaces yet"), size="5", as_="h2"),
            rx.text(t("Create one for your team, or ask a teammate for an invitation."), color_scheme="gray"),
            rx.link(rx.button(t("Create a workspace"), size="3"), href=routes.WORKSPACE_NEW),
            align="center",
            spacing="3",
            padding="24px",
        ),
        width="100%",
    )


@page(routes.WORKSPACES, "Your workspaces", on_load=WorkspaceSwitcherState.load_my_workspaces, require="user")
def workspaces_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t("Your workspaces"), size="8", as_="h1"),
            rx.spacer(),
            rx.link(rx.button(rx.icon("plus", size=16), t("New workspace"), size="3"), href=routes.WORKSPACE_NEW),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            ~WorkspaceSwitcherState.workspaces_loaded,
            loading(),
            rx.cond(
                WorkspaceSwitcherState.my_workspaces.length() == 0,
                _empty(),
                rx.grid(
                    rx.foreach(WorkspaceSwitcherState.my_workspaces, _card),
                    columns=rx.breakpoints(initial="1", sm="2", md="3"),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        spacing="5",
        width="100%",
    )
