"""Creating workspaces, the workspace switcher, and logo uploads shared by the create and settings forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.models import UploadBucket
from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError
from eventpalour.services.workspaces import WorkspaceInput, initials_of
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin

LOGO_UPLOAD_ID = "workspace-logo"


def workspace_input(form: dict[str, Any], logo_url: str) -> WorkspaceInput:
    """The form's text fields plus the uploaded logo, as the service expects them."""
    text = {k: str(v or "") for k, v in form.items()}
    return WorkspaceInput(
        name=text.get("name", ""),
        description=text.get("description", ""),
        website=text.get("website", ""),
        phone=text.get("phone", ""),
        logo_url=logo_url,
        social_x=text.get("social_x", ""),
        social_facebook=text.get("social_facebook", ""),
        social_linkedin=text.get("social_linkedin", ""),
        social_instagram=text.get("social_instagram", ""),
        social_github=text.get("social_github", ""),
    )


@dataclass(frozen=True)
class WorkspaceLink:
    """One of the signed-in user's workspaces, as the switcher and /workspaces list it."""

    id: str
    name: str
    logo_url: str
    role: str
    verified: bool
    initials: str
    url: str


class WorkspaceSwitcherState(AuthState):
    """The signed-in user's workspaces, for the navbar switcher and /workspaces."""

    my_workspaces: list[WorkspaceLink] = []
    workspaces_loaded: bool = False

    @rx.event
    async def load_my_workspaces(self) -> None:
        user = await self.current_user()
        if user is None:
            self.my_workspaces, self.workspaces_loaded = [], True
            return
        rows = await call_service(workspaces.list_my_workspaces, actor=user)
        self.my_workspaces = [
            WorkspaceLink(
                id=w.id,
                name=w.name,
                logo_url=w.logo_url,
                role=w.role,
                verified=w.verified,
                initials=initials_of(w.name),
                url=routes.workspace_url(w.id),
            )
            for w in rows
        ]
        self.workspaces_loaded = True

    @rx.event
    async def refresh_on_open(self, is_open: bool):
        """The navbar menu lists workspaces fresh each time it opens."""
        if is_open:
            await self.load_my_workspaces()


class LogoUploadMixin(FormMixin, mixin=True):
    """A logo picked in a form: uploaded at once (with progress) so the form can preview it.

    Its vars are what the uploader shows (the stored logo's URL, the progress bar); a refused file's
    message goes under the form's `logo_url` field, so this is a form too."""

    logo_url: str = ""
    upload_progress: int = 0
    is_uploading: bool = False

    @rx.event
    def track_upload(self, progress: dict[str, Any]) -> None:
        self.is_uploading = progress.get("progress", 1) < 1
        self.upload_progress = round(progress.get("progress", 0) * 100)

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        """Store the picked image in the LOGOS bucket; the form saves only its URL."""
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "logo_url"}
        if not files:
            return None
        try:
            result = await self._store_picked_file(files, UploadBucket.LOGOS, "workspaces")
        except DomainError as error:
            self.is_uploading = False
            self.field_errors = {**self.field_errors, "logo_url": error.in_language(self._language())}
            return rx.toast.error(error.in_language(self._language()))
        self.logo_url, self.is_uploading, self.upload_progress = result.url, False, 100
        return rx.toast.success(self._t(N_("Logo uploaded.")))

    @rx.event
    def remove_logo(self) -> None:
        self.logo_url = ""


class WorkspaceCreateState(LogoUploadMixin, AuthState):
    """/workspaces/new: the new workspace's form, and becoming an organizer first."""

    @rx.event
    def start_new(self) -> None:
        """on_load of /workspaces/new: no logo left over from an earlier form."""
        self.logo_url, self.upload_progress, self.is_uploading = "", 0, False

    @rx.event
    async def submit(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            workspace = await call_service(
                workspaces.create_workspace, actor=actor, data=workspace_input(form, self.logo_url)
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        yield rx.toast.success(self._t(N_("{name} is ready.")).format(name=workspace.name))
        # Onboarding sends a new organizer here with `next` when they were on their way somewhere.
        home = routes.workspace_url(workspace.id)
        yield rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next"), default=home))

    @rx.event
    async def become_organizer(self):
        try:
            actor = await self.require_user()
            await call_service(workspaces.become_organizer, actor=actor)
        except DomainError as error:
            return self.show_error(error)
        await self.current_user()
        return rx.toast.success(self._t(N_("Your account is now an organizer account.")))
