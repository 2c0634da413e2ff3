"""/workspace/{id}/members: the team, invitations (several at once, a role each), roles and leaving."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.dialogs import confirm_button
from eventpalour.components.forms import form_error
from eventpalour.components.layout import page
from eventpalour.components.tables import scrolling_table
from eventpalour.components.workspace import role_badge, role_name, role_select, workspace_shell
from eventpalour.routes import WORKSPACE_MEMBERS
from eventpalour.state.language import fill, t
from eventpalour.state.members import MembersState
from eventpalour.state.workspace import WorkspaceState


def _role_control(member: rx.Var) -> rx.Component:
    """Admins and the owner may change roles below their own; everyone else sees the badge."""
    editable = WorkspaceState.can_manage_members & (member.role != "owner") & ~member.is_you
    return rx.cond(
        editable,
        role_select(
            member.role,
            lambda role: MembersState.change_role(member.user_id, role),
            fill(t("Role of {name}"), name=member.name),
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
                        rx.cond(member.is_you, rx.badge(t("you"), variant="outline")),
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
                    t("Remove"),
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=MembersState.remove_member(member.user_id),
                    aria_label=fill(t("Remove {name}"), name=member.name),
                ),
            )
        ),
        align="center",
    )


def _members_table() -> rx.Component:
    return scrolling_table(
        [
            rx.table.column_header_cell(t("Member")),
            rx.table.column_header_cell(t("Role")),
            rx.table.column_header_cell(t("Joined"), display=["none", "table-cell"]),
            rx.table.column_header_cell(""),
        ],
        rx.foreach(MembersState.members, _member_row),
        label=t("Members"),
    )


def _invite_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.input(
                value=row.email,
                on_change=lambda v: MembersState.set_invite_email(index, v),
                placeholder="teammate@example.com",
                type="email",
                aria_label=fill(t("Email {number}"), number=(index + 1).to_string()),
                aria_invalid=rx.cond(row.error != "", "true", "false"),
                color_scheme=rx.cond(row.error != "", "red", "gray"),
                width="100%",
            ),
            role_select(
                row.role,
                lambda v: MembersState.set_invite_role(index, v),
                fill(t("Role {number}"), number=(index + 1).to_string()),
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                color_scheme="gray",
                type="button",
                on_click=MembersState.remove_invite_row(index),
                aria_label=fill(t("Remove row {number}"), number=(index + 1).to_string()),
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
            rx.heading(t("Invite people"), size="4", as_="h2"),
            rx.text(t("They get an email with a link valid for 7 days."), size="2", color_scheme="gray"),
            form_error(MembersState.form_error),
            rx.cond(
                MembersState.field_errors.contains("invitations"),
                rx.text(MembersState.field_errors["invitations"], color_scheme="red", size="2", role="alert"),
            ),
            rx.foreach(MembersState.invite_rows, _invite_row),
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=14),
                    t("Add another"),
                    variant="soft",
                    type="button",
                    on_click=MembersState.add_invite_row,
                ),
                rx.button(
                    t("Send invitations"), loading=MembersState.is_submitting, on_click=MembersState.send_invitations
                ),
                wrap="wrap",
            ),
            rx.foreach(
                MembersState.invite_results,
                lambda r: rx.hstack(
                    rx.badge(r.label, color_scheme=r.color),
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
                fill(
                    t("Invited as {role} by {name} · expires {date}"),
                    role=role_name(invitation.role),
                    name=invitation.invited_by,
                    date=invitation.expires,
                ),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.button(
            t("Re-send"),
            size="1",
            variant="soft",
            on_click=MembersState.resend_invitation(invitation.id),
            aria_label=fill(t("Re-send to {email}"), email=invitation.email),
        ),
        rx.button(
            t("Revoke"),
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=MembersState.revoke_invitation(invitation.id),
            aria_label=fill(t("Revoke invitation to {email}"), email=invitation.email),
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _pending() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Pending invitations"), size="4", as_="h2"),
            rx.cond(
                MembersState.pending.length() == 0,
                rx.text(t("No pending invitations."), size="2", color_scheme="gray"),
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
            t("Leave workspace"),
            t("Leave this workspace?"),
            t("You will need a new invitation to come back."),
            t("Leave"),
            MembersState.leave_workspace,
            keep=t("Stay"),
            variant="ghost",
        ),
    )


@page(
    WORKSPACE_MEMBERS,
    t("Members"),
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
