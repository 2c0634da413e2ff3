"""The members page: the team, invitations, roles, removing people and leaving."""

from __future__ import annotations

from dataclasses import dataclass, replace

import reflex as rx

from eventpalour import routes
from eventpalour.services import workspaces
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, DomainError, count_words, date_label
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.workspace import WorkspaceState, workspace_in

ROLE_NAMES = workspaces.ROLE_NAMES
INVITE_STATUS_LABELS = {
    "invited": N_("invited"),
    "already_member": N_("already a member"),
    "already_invited": N_("already invited"),
    "invalid": N_("invalid"),
    "too_many_emails": N_("too many emails"),
}
INVITE_STATUS_COLORS = {
    "invited": "green",
    "already_member": "gray",
    "already_invited": "amber",
    "invalid": "red",
    "too_many_emails": "red",
}


@dataclass(frozen=True)
class MemberRow:
    user_id: str
    name: str
    email: str
    avatar_url: str
    initials: str
    role: str
    joined: str
    is_you: bool


@dataclass(frozen=True)
class PendingInvitation:
    id: str
    email: str
    role: str
    invited_by: str
    expires: str


@dataclass(frozen=True)
class InviteRow:
    """One line of the invitation form, as typed, and why it could not be sent ("" until tried)."""

    email: str = ""
    role: str = "member"
    error: str = ""


@dataclass(frozen=True)
class InviteResult:
    """What became of one invited address (the status word picks only the badge's colour)."""

    email: str
    status: str
    label: str  # the status in the reader's words
    message: str
    color: str


class MembersState(FormMixin, AuthState):
    members: list[MemberRow] = []
    pending: list[PendingInvitation] = []
    invite_rows: list[InviteRow] = [InviteRow()]
    invite_results: list[InviteResult] = []
    members_loaded: bool = False

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    async def _refresh(self) -> None:
        actor = await self.require_user()
        team = await call_service(workspaces.list_members, actor=actor, workspace_id=self._workspace_id())
        self.members = [_member_row(m, actor, self._language()) for m in team]
        self.pending = []
        if (await self.get_state(WorkspaceState)).can_manage_members:
            rows = await call_service(
                workspaces.list_pending_invitations, actor=actor, workspace_id=self._workspace_id()
            )
            language = self._language()
            self.pending = [
                PendingInvitation(
                    id=i.id,
                    email=i.email,
                    role=i.role,
                    invited_by=i.invited_by,
                    expires=date_label(i.expires_at, language),
                )
                for i in rows
            ]
        self.members_loaded = True

    @rx.event
    async def load_members(self):
        """on_load, after the shell loaded the workspace (nothing to list for a non-member)."""
        self.members_loaded, self.invite_results, self.invite_rows = False, [], [InviteRow()]
        if not (await self.get_state(WorkspaceState)).workspace.id:
            return None
        try:
            await self._refresh()
        except DomainError as error:
            return self.show_error(error)
        return None

    @rx.event
    def add_invite_row(self) -> None:
        if len(self.invite_rows) < workspaces.MAX_BATCH:
            self.invite_rows = [*self.invite_rows, InviteRow()]

    @rx.event
    def remove_invite_row(self, index: int) -> None:
        rows = [r for i, r in enumerate(self.invite_rows) if i != index]
        self.invite_rows = rows or [InviteRow()]

    @rx.event
    def set_invite_email(self, index: int, value: str) -> None:
        self.invite_rows = [
            replace(r, email=value, error="") if i == index else r for i, r in enumerate(self.invite_rows)
        ]

    @rx.event
    def set_invite_role(self, index: int, value: str) -> None:
        self.invite_rows = [replace(r, role=value) if i == index else r for i, r in enumerate(self.invite_rows)]

    @rx.event
    async def send_invitations(self):
        self._start()
        yield
        typed = [r for r in self.invite_rows if r.email.strip()]
        requests = [workspaces.InviteRequest(r.email, r.role) for r in typed]
        try:
            actor = await self.require_user()
            outcomes = await call_service(
                workspaces.invite_members, actor=actor, workspace_id=self._workspace_id(), invitations=requests
            )
            await self._refresh()
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        # An address that cannot be invited stays in the form as typed, its reason under it; the rest
        # are done (sent, or already a member or invited) and listed below the form.
        refused = [
            replace(r, error=self._t(o.message)) for r, o in zip(typed, outcomes, strict=True) if o.refused_input
        ]
        self.invite_rows = refused or [InviteRow()]
        self.invite_results = [
            InviteResult(
                email=o.email,
                status=o.status,
                label=self._t(INVITE_STATUS_LABELS[o.status]),
                message=self._t(o.message),
                color=INVITE_STATUS_COLORS[o.status],
            )
            for o in outcomes
            if not o.refused_input
        ]
        sent = sum(1 for o in outcomes if o.sent)
        if refused:
            self.form_error = self._t(
                N_("Check the address marked below.") if len(refused) == 1 else N_("Check the addresses marked below.")
            )
        if sent:
            yield rx.toast.success(
                count_words(sent, N_("{count} invitation sent."), N_("{count} invitations sent."), self._language())
            )
        elif refused:
            yield rx.toast.error(self.form_error)
        else:
            yield rx.toast.info(self._t(N_("No invitations sent: see why below the form.")))

    async def _act(self, fn, message: str, **kwargs) -> list[rx.event.EventSpec]:  # noqa: ANN001
        """Run one member action for the signed-in user, then reload the lists."""
        try:
            actor = await self.require_user()
            await call_service(fn, actor=actor, workspace_id=self._workspace_id(), **kwargs)
            await self._refresh()
        except DomainError as error:
            return self.show_error(error)
        return [rx.toast.success(self._t(message))]

    @rx.event
    async def change_role(self, user_id: str, role: str):
        try:
            actor = await self.require_user()
            await call_service(
                workspaces.update_member_role,
                actor=actor,
                workspace_id=self._workspace_id(),
                member_user_id=user_id,
                role=role,
            )
            await self._refresh()
        except DomainError as error:
            return self.show_error(error)
        changed = self._t(N_("Role changed to {role}.")).format(role=self._t(ROLE_NAMES.get(role, role)))
        return [rx.toast.success(changed)]

    @rx.event
    async def remove_member(self, user_id: str):
        return await self._act(workspaces.remove_member, N_("Member removed."), member_user_id=user_id)

    @rx.event
    async def revoke_invitation(self, invitation_id: str):
        return await self._act(workspaces.revoke_invitation, N_("Invitation revoked."), invitation_id=invitation_id)

    @rx.event
    async def resend_invitation(self, invitation_id: str):
        return await self._act(workspaces.resend_invitation, N_("Invitation sent again."), invitation_id=invitation_id)

    @rx.event
    async def leave_workspace(self):
        try:
            actor = await self.require_user()
            await call_service(workspaces.leave_workspace, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            return self.show_error(error)
        return [rx.toast.success(self._t(N_("You left the workspace."))), rx.redirect(routes.WORKSPACES)]


def _member_row(m: workspaces.MemberView, actor: UserSummary, language: str) -> MemberRow:
    name = m.full_name or m.username
    return MemberRow(
        user_id=m.user_id,
        name=name,
        email=m.email,
        avatar_url=m.avatar_url,
        initials="".join(p[0] for p in name.split()[:2]).upper(),
        role=m.role,
        joined=date_label(m.joined_at, language),
        is_you=m.user_id == actor.id,
    )
