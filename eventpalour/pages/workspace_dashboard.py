"""/workspace/{id}: the team's home: who is in it, your role, and where to go next."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.layout import page
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE
from eventpalour.state.workspace import WorkspaceState


def _stat(label: str, value: rx.Var | str, icon: str) -> rx.Component:
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
            rx.heading("About", size="4", as_="h2"),
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
                rx.heading("Bring your team", size="4", as_="h2"),
                rx.text(
                    "Invite people by email from Members, or share this link to let them join as members:",
                    size="2",
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.code(ws.invite_link, size="2", overflow_wrap="anywhere"),
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy",
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


@page(WORKSPACE, "Workspace", on_load=WorkspaceState.load_workspace, require="user")
def workspace_dashboard() -> rx.Component:
    ws = WorkspaceState.workspace
    return workspace_shell(
        rx.vstack(
            rx.grid(
                _stat("Team members", ws.member_count, "users"),
                _stat("Your role", WorkspaceState.role_label, "shield"),
                _stat("Payout verification", ws.kyc_label, "landmark"),
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
