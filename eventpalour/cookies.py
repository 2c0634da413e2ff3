"""The names of the cookies this app sets, each written once: the API, the Reflex state and the
privacy policy (services/platform/legal.py lists them) read them from here; and the one parse of a
raw Cookie header (`cookies_in`) for the code that sees the header itself (the websocket's handshake,
pure ASGI middlewares)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from types import MappingProxyType


@functools.lru_cache(maxsize=1024)
def cookies_in(header: str) -> Mapping[str, str]:
    """The cookies of a raw Cookie header, by name; a header that does not parse gives none. Parsed
    once per header text: SimpleCookie's parse is slow, and a websocket's handlers ask its handshake's
    header for several cookies on every event (~2 % of a door scan's app CPU, py-spy, session 16)."""
    cookie = SimpleCookie()
    try:
        cookie.load(header)
    except CookieError:
        return MappingProxyType({})
    return MappingProxyType({name: morsel.value for name, morsel in cookie.items()})


SESSION_COOKIE = "ep_session"
"""The signed-in session's token (HttpOnly, set by /api/auth/session)."""

BINDER_COOKIE = "ep_grant"
"""Binds a sign-in grant to the browser that asked for it (HttpOnly, the grant's minute)."""

LAST_WORKSPACE_COOKIE = "ep_last_workspace"
"""The workspace this browser opened last (set by the workspace pages), where an organizer lands."""
LAST_WORKSPACE_DAYS = 365

TRUSTED_BROWSER_COOKIE = "ep_trusted_browser"
"""A browser trusted after passing two-factor sign-in skips the code for a while (HttpOnly, signed
for one account and its authenticator: services/identity/auth.py)."""
TRUSTED_BROWSER_DAYS = 30

CHALLENGE_COOKIE = "ep_2fa_challenge"
"""A Google sign-in waiting for its two-factor code: the sign-in page asks for it (HttpOnly, minutes)."""
CHALLENGE_MINUTES = 5

LANGUAGE_COOKIE = "ep_lang"
"""The language this browser reads the site in ("en", "sw", "fr"): set from Accept-Language on the
first page load, by the footer's switcher, and from the account's choice at sign-in. Not HttpOnly:
the pages read it to pick their texts (state/language.py)."""
LANGUAGE_DAYS = 365

QUEUE_COOKIE = "ep_queue"
"""This browser's identity in events' waiting rooms (#18): a signed random id, so a refresh or another
tab keeps one place in the queue and a pass works only in the browser it was issued to (HttpOnly)."""
QUEUE_COOKIE_DAYS = 7
