"""The open workspace: its dashboard and settings. Every handler re-checks the member's role in the
service, whatever the page showed."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import members, workspaces
from eventpalour.services.access import WorkspaceAction, allows
from eventpalour.services.errors import DomainError
from eventpalour.services.workspaces import WorkspaceView
from eventpalour.state.base import call_service
from eventpalour.state.workspaces import LogoUploadState, workspace_input

KYC_LABELS = {
    "none": "Not started",
    "pending": "In review",
    "approved": "Approved",
    "rejected": "Rejected",
    "requires_update": "Needs an update",
}
ROLE_LABELS = {"owner": "Owner", "admin": "Admin", "moderator": "Moderator", "member": "Member"}


def workspace_dict(view: WorkspaceView) -> dict[str, str]:
    return {
        "id": view.id,
        "name": view.name,
        "description": view.description,
        "website": view.website,
        "phone": view.phone,
        "logo_url": view.logo_url,
        "social_x": view.social_x,
        "social_facebook": view.social_facebook,
        "social_linkedin": view.social_linkedin,
        "social_instagram": view.social_instagram,
        "social_github": view.social_github,
        "invite_code": view.invite_code,
        "invite_link": settings.app_url + routes.join_url(view.invite_code) if view.invite_code else "",
        "verified": "yes" if view.verified else "",
        "kyc_status": view.kyc_status,
        "kyc_label": KYC_LABELS.get(view.kyc_status, view.kyc_status),
        "member_count": str(view.member_count),
        "member_label": f"{view.member_count} member{'s' if view.member_count != 1 else ''}",
        "initials": view.initials,
        "created_on": view.created_at.strftime("%d %b %Y"),
    }


class WorkspaceState(LogoUploadState):
    """The workspace in the URL, as the signed-in member may see it."""

    workspace: dict[str, str] = {}
    role: str = ""
    load_problem: str = ""
    loaded: bool = False
    admins: list[dict[str, str]] = []

    @rx.var
    def can_edit(self) -> bool:
        return bool(self.role) and allows(self.role, WorkspaceAction.EDIT_SETTINGS)

    @rx.var
    def can_manage_members(self) -> bool:
        return bool(self.role) and allows(self.role, WorkspaceAction.MANAGE_MEMBERS)

    @rx.var
    def can_manage_billing(self) -> bool:
        return bool(self.role) and allows(self.role, WorkspaceAction.MANAGE_BILLING)

    @rx.var
    def is_owner(self) -> bool:
        return self.role == "owner"

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "")

    def _workspace_id(self) -> str:
        return self.router.url.path.split("/")[2] if self.router.url.path.startswith("/workspace/") else ""

    def _show(self, view: WorkspaceView) -> None:
        self.workspace, self.role, self.logo_url = workspace_dict(view), view.role, view.logo_url
        self.load_problem, self.loaded = "", True

    @rx.event
    async def load_workspace(self) -> None:
        """on_load: the workspace for a member, or a clear message for everyone else."""
        self.loaded, self.load_problem, self.field_errors, self.form_error = False, "", {}, ""
        try:
            actor = await self.require_user()
            view = await call_service(workspaces.get_workspace, actor=actor, workspace_id=self._workspace_id())
            team = await call_service(members.list_members, actor=actor, workspace_id=view.id)
        except DomainError as error:
            self.workspace, self.role, self.load_problem, self.loaded = {}, "", error.message, True
            return
        self._show(view)
        self.admins = [
            {"user_id": m.user_id, "name": m.full_name or m.username, "email": m.email}
            for m in team
            if m.role == "admin"
        ]

    @rx.event
    async def save_settings(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.update_workspace,
                actor=actor,
                workspace_id=self._workspace_id(),
                data=workspace_input({**self.workspace, **form}, self.logo_url),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self._show(view)
        yield rx.toast.success("Settings saved.")

    @rx.event
    async def regenerate_invite_code(self):
        try:
            actor = await self.require_user()
            code = await call_service(workspaces.regenerate_invite_code, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            return self.show_error(error)
        self.workspace = {
            **self.workspace,
            "invite_code": code,
            "invite_link": settings.app_url + routes.join_url(code),
        }
        return rx.toast.success("New invite link created. Old links no longer work.")

    @rx.event
    def copy_invite_link(self):
        return [rx.set_clipboard(self.workspace.get("invite_link", "")), rx.toast.success("Invite link copied.")]

    @rx.event
    async def transfer_ownership(self, form: dict[str, Any]):
        try:
            actor = await self.require_user()
            await call_service(
                workspaces.transfer_ownership,
                actor=actor,
                workspace_id=self._workspace_id(),
                new_owner_id=str(form.get("new_owner_id", "")),
            )
        except DomainError as error:
            return self._fail(error)
        return [rx.toast.success("Ownership transferred. You are now an admin."), WorkspaceState.load_workspace]

    @rx.event
    async def delete_workspace(self, form: dict[str, Any]):
        try:
            actor = await self.require_user()
            await call_service(
                workspaces.delete_workspace,
                actor=actor,
                workspace_id=self._workspace_id(),
                confirm_name=str(form.get("confirm_name", "")),
            )
        except DomainError as error:
            return self._fail(error)
        return [rx.toast.success("Workspace deleted."), rx.redirect(routes.WORKSPACES)]
