"""/invite/{token} and /join/{code}: joining a workspace from a link, signed in or not yet."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, NotAuthenticated
from eventpalour.state.base import AuthState, call_service


class JoinLinkState(AuthState):
    """What the link offers, and what stands between the visitor and joining."""

    workspace_name: str = ""
    invited_email: str = ""
    invited_role: str = ""
    invited_by: str = ""
    problem: str = ""
    needs_account: bool = False
    checked: bool = False

    def _link_part(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    @rx.var
    def sign_in_link(self) -> str:
        return routes.with_next(routes.SIGN_IN, self.router.url.path)

    @rx.var
    def sign_up_link(self) -> str:
        return routes.with_next(routes.SIGN_UP, self.router.url.path)

    def _reset(self) -> None:
        self.workspace_name = self.invited_email = self.invited_role = self.invited_by = self.problem = ""
        self.needs_account, self.checked = False, False

    @rx.event
    async def open_invitation(self):
        """Show the invitation; a signed-in, verified invitee joins at once and lands on the dashboard."""
        self._reset()
        token = self._link_part()
        try:
            preview = await call_service(workspaces.preview_invitation, token=token)
        except DomainError as error:
            self.problem, self.checked = error.in_language(self._language()), True
            return None
        self.workspace_name, self.invited_email = preview.workspace_name, preview.email
        self.invited_role, self.invited_by = preview.role, preview.invited_by
        return await self._join(workspaces.accept_invitation, token=token)

    @rx.event
    async def open_join_link(self):
        self._reset()
        return await self._join(workspaces.join_with_invite_code, code=self._link_part())

    async def _join(self, fn, **kwargs) -> list[rx.event.EventSpec] | None:  # noqa: ANN001
        user = await self.current_user()
        try:
            workspace_id = await call_service(fn, actor=user, **kwargs)
        except NotAuthenticated:
            self.needs_account, self.checked = True, True
            return None
        except DomainError as error:
            self.problem, self.checked = error.in_language(self._language()), True
            return None
        self.checked = True
        return [rx.toast.success(self._t(N_("Welcome to the team!"))), rx.redirect(routes.workspace_url(workspace_id))]
