"""Where people go around signing in: the navbar's links to sign in, sign up and verify, each coming
back to the page it is on, and the page a sign-in ends on (`destination_after_sign_in`)."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import ReflexURL

from eventpalour import routes
from eventpalour.cookies import LAST_WORKSPACE_COOKIE, LAST_WORKSPACE_DAYS
from eventpalour.services import workspaces
from eventpalour.services.identity import UserSummary
from eventpalour.state.base import call_service
from eventpalour.state.pristine import keep_only_when_changed

AUTH_PAGES = "/auth/"


def coming_back_to(url: ReflexURL) -> str:
    """The page to return to after signing in from `url`: the page itself (with its query, e.g. the
    tickets picked on an event), or on the sign-in pages the `next` they were already given."""
    if url.path.startswith(AUTH_PAGES):
        return url.query_parameters.get("next", "")
    return f"{url.path}?{url.query}" if url.query else url.path


class AuthLinksState(rx.State):
    """Computed from the URL on every navigation (read through `self.router` in each var's own body,
    which is what makes Reflex recompute it), so a link never points at a page seen earlier."""

    @rx.var
    def sign_in_url(self) -> str:
        return routes.with_next(routes.SIGN_IN, coming_back_to(self.router.url))

    @rx.var
    def sign_up_url(self) -> str:
        return routes.with_next(routes.SIGN_UP, coming_back_to(self.router.url))

    @rx.var
    def verify_url(self) -> str:
        return routes.with_next(routes.VERIFY, coming_back_to(self.router.url))


keep_only_when_changed(AuthLinksState)  # derived from the URL only: nothing of its own to keep


class LastWorkspaceState(rx.State):
    """The workspace this browser opened last, kept in a cookie by the workspace pages so that an
    organizer with several workspaces lands back on it after signing in (the API reads it too)."""

    workspace_id: str = rx.Cookie(
        "", name=LAST_WORKSPACE_COOKIE, max_age=LAST_WORKSPACE_DAYS * 24 * 3600, same_site="lax"
    )


keep_only_when_changed(LastWorkspaceState)  # no workspace opened yet (every buyer): nothing to keep


async def destination_after_sign_in(state: rx.State, user: UserSummary, next_path: str) -> str:
    """`routes.after_sign_in` with the workspace an organizer lands on when `next_path` leads nowhere
    in particular (`workspaces.landing_workspace`; a `next` always wins)."""
    workspace_id = ""
    if next_path == routes.HOME:
        last = await state.get_state(LastWorkspaceState)
        workspace_id = await call_service(workspaces.landing_workspace, actor=user, last_used=last.workspace_id)
    return routes.after_sign_in(user, next_path, workspace_id)
