"""The open workspace: the shell every /workspace/{id} page shows (its header, tabs and the viewer's
role), and its settings page. Every handler re-checks the member's role in the service, whatever
the page showed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, count_words, date_label, gettext
from eventpalour.services.workspaces import WorkspaceAction, WorkspaceView, allows
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.navigation import LastWorkspaceState
from eventpalour.state.workspaces import LogoUploadMixin, workspace_input

KYC_LABELS = {
    "none": N_("Not started"),
    "pending": N_("In review"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "requires_update": N_("Needs an update"),
}
ROLE_LABELS = {"owner": N_("Owner"), "admin": N_("Admin"), "moderator": N_("Moderator"), "member": N_("Member")}


def workspace_in(path: str) -> str:
    """The workspace id of a /workspace/{id}/… path, or "" on any other page."""
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "workspace" else ""


WORKSPACE_TABS = ("events", "members", "settings", "analytics", "billing", "verification")


def workspace_tab(path: str) -> str:
    """The header tab a /workspace/{id}/… page belongs to ("dashboard" for the workspace's own page;
    an event's pages, its attendees included, are under "events")."""
    parts = [part for part in path.split("/") if part]
    section = parts[2] if len(parts) > 2 and parts[0] == "workspace" else ""
    return section if section in WORKSPACE_TABS else "dashboard"


@dataclass(frozen=True)
class WorkspacePanel:
    """The open workspace as its pages show it; blank until loaded (or when it cannot be opened)."""

    id: str = ""
    name: str = ""
    slug: str = ""
    public_url: str = ""  # the organizer page, /o/{slug}, as a full address to share
    description: str = ""
    website: str = ""
    phone: str = ""
    logo_url: str = ""
    social_x: str = ""
    social_facebook: str = ""
    social_linkedin: str = ""
    social_instagram: str = ""
    social_github: str = ""
    invite_code: str = ""
    invite_link: str = ""
    verified: bool = False
    kyc_status: str = ""
    kyc_label: str = ""
    member_count: int = 0
    member_label: str = ""
    initials: str = ""
    created_on: str = ""


def invite_link(invite_code: str) -> str:
    return settings.app_url + routes.join_url(invite_code) if invite_code else ""


def public_url(slug: str) -> str:
    return settings.app_url + routes.organizer_url(slug) if slug else ""


def workspace_panel(view: WorkspaceView, language: str) -> WorkspacePanel:
    """The panel's texts in `language`: the KYC state, and "3 members · since 5 Dec 2026"."""
    members = count_words(view.member_count, N_("{count} member"), N_("{count} members"), language)
    return WorkspacePanel(
        id=view.id,
        name=view.name,
        slug=view.slug,
        public_url=public_url(view.slug),
        description=view.description,
        website=view.website,
        phone=view.phone,
        logo_url=view.logo_url,
        social_x=view.social_x,
        social_facebook=view.social_facebook,
        social_linkedin=view.social_linkedin,
        social_instagram=view.social_instagram,
        social_github=view.social_github,
        invite_code=view.invite_code,
        invite_link=invite_link(view.invite_code),
        verified=view.verified,
        kyc_status=view.kyc_status,
        kyc_label=gettext(language, KYC_LABELS.get(view.kyc_status, view.kyc_status)),
        member_count=view.member_count,
        member_label=gettext(language, "{members} · since {date}").format(
            members=members, date=date_label(view.created_at, language)
        ),
        initials=view.initials,
        created_on=date_label(view.created_at, language),
    )


@dataclass(frozen=True)
class AdminChoice:
    """An admin the owner may hand the workspace to."""

    user_id: str
    name: str
    email: str


class WorkspaceState(AuthState):
    """The workspace in the URL, as the signed-in member may see it: the shell of every workspace
    page (components/workspace.py). Page states read it with `await self.get_state(WorkspaceState)`;
    the role flags below only hide UI."""

    workspace: WorkspacePanel = WorkspacePanel()
    role: str = ""
    load_problem: str = ""
    loaded: bool = False
    current_tab: str = "dashboard"  # the header tab shown as the current one (`workspace_tab`)

    def _allows(self, action: WorkspaceAction) -> bool:
        return bool(self.role) and allows(self.role, action)

    @rx.var
    def can_edit(self) -> bool:
        return self._allows(WorkspaceAction.EDIT_SETTINGS)

    @rx.var
    def can_manage_events(self) -> bool:
        return self._allows(WorkspaceAction.MANAGE_EVENTS)

    @rx.var
    def can_manage_members(self) -> bool:
        return self._allows(WorkspaceAction.MANAGE_MEMBERS)

    @rx.var
    def can_manage_integrations(self) -> bool:
        return self._allows(WorkspaceAction.MANAGE_INTEGRATIONS)

    @rx.var
    def can_manage_billing(self) -> bool:
        """Billing, refunds and KYC go together in the permission table."""
        return self._allows(WorkspaceAction.MANAGE_BILLING)

    @rx.var
    def can_view_analytics(self) -> bool:
        return self._allows(WorkspaceAction.VIEW_ANALYTICS)

    @rx.var
    def is_owner(self) -> bool:
        return self._allows(WorkspaceAction.OWN)

    @rx.var
    def role_label(self) -> str:
        return self._t(ROLE_LABELS[self.role]) if self.role in ROLE_LABELS else ""

    def show(self, view: WorkspaceView) -> None:
        """Show `view` (as loaded, or as a settings save returned it)."""
        self.workspace, self.role = workspace_panel(view, self._language()), view.role
        self.load_problem, self.loaded = "", True

    @rx.event
    async def load_workspace(self) -> None:
        """on_load of every workspace page: the workspace for a member, a clear message for others."""
        self.loaded, self.load_problem = False, ""
        self.current_tab = workspace_tab(self.router.url.path)
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.get_workspace, actor=actor, workspace_id=workspace_in(self.router.url.path)
            )
        except DomainError as error:
            self.workspace, self.role, self.load_problem, self.loaded = (
                WorkspacePanel(),
                "",
                error.in_language(self._language()),
                True,
            )
            return
        self.show(view)
        last = await self.get_state(LastWorkspaceState)
        last.workspace_id = view.id

    @rx.event
    def copy_invite_link(self):
        return [rx.set_clipboard(self.workspace.invite_link), rx.toast.success(self._t(N_("Invite link copied.")))]


class WorkspaceSettingsState(LogoUploadMixin, AuthState):
    """/workspace/{id}/settings: the profile form, the invite link and the danger zone."""

    admins: list[AdminChoice] = []

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    @rx.event
    async def load_settings(self) -> None:
        """on_load, after the shell loaded: the saved logo in the uploader, and the admins who could
        take over the workspace."""
        shell = await self.get_state(WorkspaceState)
        self.logo_url, self.admins = shell.workspace.logo_url, []
        if not shell.workspace.id:
            return
        try:
            actor = await self.require_user()
            team = await call_service(workspaces.list_members, actor=actor, workspace_id=shell.workspace.id)
        except DomainError:
            return  # the shell already shows why the workspace cannot be opened
        self.admins = [
            AdminChoice(user_id=m.user_id, name=m.full_name or m.username, email=m.email)
            for m in team
            if m.role == "admin"
        ]

    @rx.event
    async def save_settings(self, form: dict[str, Any]):
        self._start()
        yield
        shell = await self.get_state(WorkspaceState)
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.update_workspace,
                actor=actor,
                workspace_id=self._workspace_id(),
                data=workspace_input({**asdict(shell.workspace), **form}, self.logo_url),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        shell.show(view)
        yield rx.toast.success(self._t(N_("Settings saved.")))

    @rx.event
    async def change_slug(self, form: dict[str, Any]):
        """The owner gives the organizer page a new address; old /o/ links stop working."""
        self._start()
        yield
        try:
            actor = await self.require_user()
            slug = await call_service(
                workspaces.change_slug,
                actor=actor,
                workspace_id=self._workspace_id(),
                slug=str(form.get("slug") or ""),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        shell = await self.get_state(WorkspaceState)
        shell.workspace = replace(shell.workspace, slug=slug, public_url=public_url(slug))
        yield rx.toast.success(self._t(N_("Page address saved.")))

    @rx.event
    async def regenerate_invite_code(self):
        try:
            actor = await self.require_user()
            code = await call_service(workspaces.regenerate_invite_code, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            return self.show_error(error)
        shell = await self.get_state(WorkspaceState)
        shell.workspace = replace(shell.workspace, invite_code=code, invite_link=invite_link(code))
        return rx.toast.success(self._t(N_("New invite link created. Old links no longer work.")))

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
        return [
            rx.toast.success(self._t(N_("Ownership transferred. You are now an admin."))),
            WorkspaceState.load_workspace,
            WorkspaceSettingsState.load_settings,
        ]

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
        return [rx.toast.success(self._t(N_("Workspace deleted."))), rx.redirect(routes.WORKSPACES)]
