"""/workspace/{id}/members: the team, invitations (several at once, a role each), roles and leaving."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.dialogs import confirm_button
from eventpalour.components.forms import form_error
from eventpalour.components.layout import page
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import role_badge, workspace_shell
from eventpalour.routes import WORKSPACE_MEMBERS
from eventpalour.state.members import MembersState
from eventpalour.state.workspace import WorkspaceState

ASSIGNABLE = ["admin", "moderator", "member"]


def _role_control(member: rx.Var) -> rx.Component:
    """Admins and the owner may change roles below their own; everyone else sees the badge."""
    editable = WorkspaceState.can_manage_members & (member.role != "owner") & ~member.is_you
    return rx.cond(
        editable,
        rx.select(
            ASSIGNABLE,
            value=member.role,
            on_change=lambda role: MembersState.change_role(member.user_id, role),
            size="1",
            custom_attrs={"aria-label": f"Role of {member.name}"},  # rx.select names its trigger only this way
        ),
        role_badge(member.role),
    )


def _member_row(member: rx.Var) -> rx.Component:
    removable = WorkspaceState.can_manage_members & (member.role != "owner") & ~member.is_you
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.avatar(
                    src=member.avatar_url, fallback=member.initials, size="2", radius="full", custom_attrs={"alt": ""}
                ),
                rx.vstack(
                    rx.hstack(
                        rx.text(member.name, weight="bold"),
                        rx.cond(member.is_you, rx.badge("you", variant="outline")),
                    ),
                    rx.text(member.email, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                align="center",
            )
        ),
        rx.table.cell(_role_control(member)),
        rx.table.cell(member.joined, display=["none", "table-cell"]),
        rx.table.cell(
            rx.cond(
                removable,
                rx.button(
                    "Remove",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=MembersState.remove_member(member.user_id),
                    aria_label=f"Remove {member.name}",
                ),
            )
        ),
        align="center",
    )


def _members_table() -> rx.Component:
    return scrolling_table(
        [
            rx.table.column_header_cell("Member"),
            rx.table.column_header_cell("Role"),
            rx.table.column_header_cell("Joined", display=["none", "table-cell"]),
            rx.table.column_header_cell(""),
        ],
        rx.foreach(MembersState.members, _member_row),
        label="Members",
    )


def _invite_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.input(
                value=row.email,
                on_change=lambda v: MembersState.set_invite_email(index, v),
                placeholder="teammate@example.com",
                type="email",
                aria_label=f"Email {index + 1}",
                aria_invalid=rx.cond(row.error != "", "true", "false"),
                color_scheme=rx.cond(row.error != "", "red", "gray"),
                width="100%",
            ),
            rx.select(
                ASSIGNABLE,
                value=row.role,
                on_change=lambda v: MembersState.set_invite_role(index, v),
                custom_attrs={"aria-label": f"Role {index + 1}"},
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                color_scheme="gray",
                type="button",
                on_click=MembersState.remove_invite_row(index),
                aria_label=f"Remove row {index + 1}",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(row.error != "", rx.text(row.error, color_scheme="red", size="2", role="alert")),
        width="100%",
        spacing="1",
    )


def _invite_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Invite people", size="4", as_="h2"),
            rx.text("They get an email with a link valid for 7 days.", size="2", color_scheme="gray"),
            form_error(MembersState.form_error),
            rx.cond(
                MembersState.field_errors.contains("invitations"),
                rx.text(MembersState.field_errors["invitations"], color_scheme="red", size="2", role="alert"),
            ),
            rx.foreach(MembersState.invite_rows, _invite_row),
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=14),
                    "Add another",
                    variant="soft",
                    type="button",
                    on_click=MembersState.add_invite_row,
                ),
                rx.button(
                    "Send invitations", loading=MembersState.is_submitting, on_click=MembersState.send_invitations
                ),
                wrap="wrap",
            ),
            rx.foreach(
                MembersState.invite_results,
                lambda r: rx.hstack(
                    rx.badge(r.status, color_scheme=r.color),
                    rx.text(r.email, size="2"),
                    rx.text(r.message, size="1", color_scheme="gray"),
                    wrap="wrap",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _pending_row(invitation: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(invitation.email, weight="bold"),
            rx.text(
                "Invited as ",
                invitation.role,
                " by ",
                invitation.invited_by,
                " · expires ",
                invitation.expires,
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.button(
            "Re-send",
            size="1",
            variant="soft",
            on_click=MembersState.resend_invitation(invitation.id),
            aria_label=f"Re-send to {invitation.email}",
        ),
        rx.button(
            "Revoke",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=MembersState.revoke_invitation(invitation.id),
            aria_label=f"Revoke invitation to {invitation.email}",
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _pending() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Pending invitations", size="4", as_="h2"),
            rx.cond(
                MembersState.pending.length() == 0,
                rx.text("No pending invitations.", size="2", color_scheme="gray"),
                rx.vstack(rx.foreach(MembersState.pending, _pending_row), width="100%", spacing="3"),
            ),
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _leave() -> rx.Component:
    return rx.cond(
        ~WorkspaceState.is_owner,
        confirm_button(
            "Leave workspace",
            "Leave this workspace?",
            "You will need a new invitation to come back.",
            "Leave",
            MembersState.leave_workspace,
            keep="Stay",
            variant="ghost",
        ),
    )


@page(
    WORKSPACE_MEMBERS,
    "Members",
    on_load=[WorkspaceState.load_workspace, MembersState.load_members],
    require="user",
    form=MembersState,
)
def workspace_members() -> rx.Component:
    return workspace_shell(
        rx.vstack(
            rx.cond(WorkspaceState.can_manage_members, _invite_form()),
            rx.cond(
                MembersState.members_loaded,
                _members_table(),
                rx.center(rx.spinner(), padding="24px"),
            ),
            rx.cond(WorkspaceState.can_manage_members, _pending()),
            _leave(),
            spacing="4",
            width="100%",
        )
    )
