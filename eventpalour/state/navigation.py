"""The navbar's links to sign in, sign up and verify, each coming back to the page it is on."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import ReflexURL

from eventpalour import routes

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
