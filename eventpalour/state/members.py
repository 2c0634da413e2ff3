"""The members page: the team, invitations, roles, removing people and leaving."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.services import invitations, members
from eventpalour.services.errors import DomainError
from eventpalour.state.base import call_service
from eventpalour.state.workspace import WorkspaceState

INVITE_STATUS_COLORS = {
    "invited": "green",
    "already_member": "gray",
    "already_invited": "amber",
    "invalid": "red",
    "too_many_emails": "red",
}


def _blank_row() -> dict[str, str]:
    return {"email": "", "role": "member"}


class MembersState(WorkspaceState):
    members: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []
    invite_rows: list[dict[str, str]] = [_blank_row()]
    invite_results: list[dict[str, str]] = []
    members_loaded: bool = False

    async def _refresh(self) -> None:
        actor = await self.require_user()
        team = await call_service(members.list_members, actor=actor, workspace_id=self._workspace_id())
        self.members = [
            {
                "user_id": m.user_id,
                "name": m.full_name or m.username,
                "email": m.email,
                "avatar_url": m.avatar_url,
                "initials": "".join(p[0] for p in (m.full_name or m.username).split()[:2]).upper(),
                "role": m.role,
                "joined": m.joined_at.strftime("%d %b %Y"),
                "is_you": "yes" if m.user_id == actor.id else "",
            }
            for m in team
        ]
        self.pending = []
        if self.can_manage_members:
            rows = await call_service(
                invitations.list_pending_invitations, actor=actor, workspace_id=self._workspace_id()
            )
            self.pending = [
                {
                    "id": i.id,
                    "email": i.email,
                    "role": i.role,
                    "invited_by": i.invited_by,
                    "expires": i.expires_at.strftime("%d %b %Y"),
                }
                for i in rows
            ]
        self.members_loaded = True

    @rx.event
    async def load_members(self):
        self.members_loaded, self.invite_results, self.invite_rows = False, [], [_blank_row()]
        if not self.workspace:
            return None
        try:
            await self._refresh()
        except DomainError as error:
            return self.show_error(error)
        return None

    @rx.event
    def add_invite_row(self) -> None:
        if len(self.invite_rows) < invitations.MAX_BATCH:
            self.invite_rows = [*self.invite_rows, _blank_row()]

    @rx.event
    def remove_invite_row(self, index: int) -> None:
        rows = [r for i, r in enumerate(self.invite_rows) if i != index]
        self.invite_rows = rows or [_blank_row()]

    @rx.event
    def set_invite_email(self, index: int, value: str) -> None:
        self.invite_rows = [{**r, "email": value} if i == index else r for i, r in enumerate(self.invite_rows)]

    @rx.event
    def set_invite_role(self, index: int, value: str) -> None:
        self.invite_rows = [{**r, "role": value} if i == index else r for i, r in enumerate(self.invite_rows)]

    @rx.event
    async def send_invitations(self):
        self._start()
        yield
        requests = [invitations.InviteRequest(r["email"], r["role"]) for r in self.invite_rows if r["email"].strip()]
        try:
            actor = await self.require_user()
            outcomes = await call_service(
                invitations.invite_members, actor=actor, workspace_id=self._workspace_id(), invitations=requests
            )
            await self._refresh()
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.invite_results = [
            {"email": o.email, "status": o.status, "message": o.message, "color": INVITE_STATUS_COLORS[o.status]}
            for o in outcomes
        ]
        sent = sum(1 for o in outcomes if o.sent)
        self.invite_rows = [_blank_row()]
        yield rx.toast.success(f"{sent} invitation{'s' if sent != 1 else ''} sent.")

    async def _act(self, fn, message: str, **kwargs) -> list[rx.event.EventSpec]:  # noqa: ANN001
        """Run one member action for the signed-in user, then reload the lists."""
        try:
            actor = await self.require_user()
            await call_service(fn, actor=actor, workspace_id=self._workspace_id(), **kwargs)
            await self._refresh()
        except DomainError as error:
            return self.show_error(error)
        return [rx.toast.success(message)]

    @rx.event
    async def change_role(self, user_id: str, role: str):
        return await self._act(
            members.update_member_role, f"Role changed to {role}.", member_user_id=user_id, role=role
        )

    @rx.event
    async def remove_member(self, user_id: str):
        return await self._act(members.remove_member, "Member removed.", member_user_id=user_id)

    @rx.event
    async def revoke_invitation(self, invitation_id: str):
        return await self._act(invitations.revoke_invitation, "Invitation revoked.", invitation_id=invitation_id)

    @rx.event
    async def resend_invitation(self, invitation_id: str):
        return await self._act(invitations.resend_invitation, "Invitation sent again.", invitation_id=invitation_id)

    @rx.event
    async def leave_workspace(self):
        try:
            actor = await self.require_user()
            await call_service(members.leave_workspace, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            return self.show_error(error)
        return [rx.toast.success("You left the workspace."), rx.redirect(routes.WORKSPACES)]
