"""The base of every state: who is signed in, resolved from the HttpOnly cookie on each call.

Any browser can send any event to any handler (REFLEX.md §4), so private handlers never trust the
page they claim to be on: each one starts with `actor = await self.require_user()`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.cookies import BINDER_COOKIE, LANGUAGE_COOKIE, QUEUE_COOKIE, SESSION_COOKIE, cookies_in
from eventpalour.services import identity, platform, sales
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import (
    DomainError,
    NotAuthenticated,
    SecondFactorRequired,
    UploadResult,
    client_address,
    nul_in_input,
)
from eventpalour.state import first_frames, hydrate, socket_pings  # noqa: F401  (page loads in a rush: #18)
from eventpalour.state.pristine import keep_only_when_changed

T = TypeVar("T")


async def call_service(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Run a (synchronous, database-bound) service off the event loop.

    A NUL in an id sent through a (possibly forged) frame comes back as the same ValidationFailed the
    API answers with, so every handler's DomainError path shows it."""
    try:
        return await asyncio.to_thread(fn, **kwargs)
    except Exception as exc:
        if (refused := nul_in_input(exc)) is not None:
            raise refused from exc
        raise


def _as_user(
    *, token: str, fn: Callable[..., T], kwargs: dict[str, Any]
) -> tuple[UserSummary | None, T | None, DomainError | None]:
    """In a worker thread: the session's user and `fn` called as them (nothing without a user), or the
    DomainError it raised, handed back so the caller still learns who the user is."""
    user = identity.current_user(token=token)
    if user is None:
        return None, None, None
    try:
        return user, fn(actor=user, **kwargs), None
    except DomainError as error:
        return user, None, error


def second_factor_words(need: identity.SecondFactorNeed, language: str) -> identity.SecondFactorNeed:
    """The two-factor notice a page shows before a refund, a withdrawal or a cancellation, in the
    reader's language."""
    return replace(
        need, message=platform.said(language, need.message), link_label=platform.said(language, need.link_label)
    )


def navigate_hard(url: str) -> rx.event.EventSpec:
    """A full page load, so the next websocket handshake carries a cookie the API just set."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def exchange_in_this_browser(result: identity.SignInResult, next_path: str) -> rx.event.EventSpec:
    """Send this browser to exchange its sign-in grant for the session cookie (a full page load),
    after giving it the grant's binder in a cookie for that one route: the link alone, wherever it
    ends up (history, a shared screen, a proxy's log), signs nobody in during its minute."""
    cookie = f"{BINDER_COOKIE}={result.binder}; path={routes.API_SESSION}; max-age={identity.GRANT_SECONDS}"
    cookie += "; samesite=strict" + ("; secure" if settings.secure_cookies else "")
    url = f"{settings.api_url}{routes.API_SESSION}?{urlencode({'grant': result.grant, 'next': next_path})}"
    return rx.call_script(f"document.cookie = {json.dumps(cookie)}; window.location.assign({json.dumps(url)})")


class AuthState(rx.State):
    """Public summary of the signed-in user, for the navbar and guards; never a token or hash."""

    user_id: str = ""
    user_email: str = ""
    user_name: str = ""
    user_initials: str = ""
    account_type: str = ""
    is_verified: bool = False
    admin_level: str = ""
    auth_checked: bool = False

    @rx.var
    def is_authenticated(self) -> bool:
        return self.user_id != ""

    def _cookie(self, name: str) -> str | None:
        """A cookie the browser sent with this connection's handshake (HttpOnly ones included)."""
        return cookies_in(self.router.headers.cookie or "").get(name)

    def _language(self) -> str:
        """This browser's language, from its handshake's cookie: no database read (state/language.py)."""
        return platform.language_or_default(self._cookie(LANGUAGE_COOKIE))

    def _t(self, text: str) -> str:
        """A text the server writes (an error, a notice) in this browser's language."""
        return platform.gettext(self._language(), text)

    def _queue_cookie(self) -> str | None:
        """This browser's place in events' waiting rooms (#18), which checkouts and event pages ask for."""
        return self._cookie(QUEUE_COOKIE)

    def _session_token(self) -> str | None:
        return self._cookie(SESSION_COOKIE)

    def _client(self) -> ClientInfo:
        """Who is connected, from the websocket handshake: its peer and X-Forwarded-For (Reflex's own
        `trusted_proxy_hops` stays 0, so `client_ip` is the peer and TRUSTED_PROXIES decides)."""
        address = client_address(
            self.router.session.client_ip or None, self.router.headers.raw_headers.get("x-forwarded-for")
        )
        return ClientInfo(ip=address, user_agent=self.router.headers.user_agent)

    def _remember(self, user: UserSummary | None) -> None:
        """Copy the public fields of `user` into the navbar's vars (substates write through to here);
        only those that changed, so an event that finds the same user leaves AuthState out of its delta
        and out of the state written back."""
        self._assign(
            user_id=user.id if user else "",
            user_email=user.email if user else "",
            user_name=user.display_name if user else "",
            user_initials=user.initials if user else "",
            account_type=(user.account_type or "") if user else "",
            is_verified=user.is_verified if user else False,
            admin_level=(user.admin_level or "") if user else "",
            auth_checked=True,
        )

    def _assign(self, **values: Any) -> None:
        """Set these vars, leaving alone those that already hold the value: Reflex marks a var dirty
        (sent in the delta, its state written back) on every assignment, equal or not."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    async def current_user(self) -> UserSummary | None:
        """The user behind this connection's session cookie, resolved now from the database."""
        token = self._session_token()
        # No cookie, nobody: most visitors of a rush, spared a trip to a thread.
        user = await call_service(identity.current_user, token=token) if token else None
        self._remember(user)
        return user

    async def require_user(self) -> UserSummary:
        """The signed-in user, or NotAuthenticated: the first line of every private handler."""
        user = await self.current_user()
        if user is None:
            raise NotAuthenticated()
        return user

    async def call_as_user(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """`require_user`, then the service `fn(actor=user, **kwargs)`, in one trip to a worker thread
        instead of two: each trip costs the event loop a turn and the GIL two handovers, and a scan or
        a payment is one service call after the session lookup. Raises NotAuthenticated and the
        service's DomainErrors, after the navbar's user is brought up to date as `current_user` does."""
        return cast(T, await self._call_with_session(fn, kwargs, required=True))

    async def call_as_visitor(self, fn: Callable[..., T], /, **kwargs: Any) -> T | None:
        """`current_user`, then `fn(actor=user, **kwargs)` when someone is signed in (None for a visitor
        who is not, with no trip at all without a session cookie), in one trip as `call_as_user`."""
        return await self._call_with_session(fn, kwargs, required=False)

    async def _call_with_session(self, fn: Callable[..., T], kwargs: dict[str, Any], *, required: bool) -> T | None:
        token = self._session_token()
        if token:
            user, result, error = await call_service(_as_user, token=token, fn=fn, kwargs=kwargs)
        else:
            user, result, error = None, None, None
        self._remember(user)
        if user is None and required:
            raise NotAuthenticated()
        if error is not None:
            raise error
        return result

    async def _store_picked_file(self, files: list[rx.UploadFile], bucket: str, folder: str) -> UploadResult:
        """Store the first picked file for the signed-in user (platform.store_upload checks it).
        Raises NotAuthenticated and the service's DomainErrors; callers put them under their field."""
        actor = await self.require_user()
        picked = files[0]
        return await call_service(
            platform.store_upload,
            actor=actor,
            bucket=bucket,
            folder=folder,
            filename=picked.name,
            data=await picked.read(),
        )

    async def _limit(self, rule: str, user: UserSummary | None = None) -> None:
        """Count this action against the same limits the API routes use, per client address; and per
        account too when `user` is given, so one account cannot spread its attempts over addresses."""
        await platform.hit_rate_limit_on_loop(rule, self._client().ip or self.router.session.client_token)
        if user is not None:
            await platform.hit_rate_limit_on_loop(rule, f"user:{user.id}")

    def _sign_in_url(self) -> str:
        return routes.with_next(routes.SIGN_IN, self.router.url.path)

    def show_error(self, error: DomainError) -> list[rx.event.EventSpec]:
        """The one mapping from a service error to what the person sees."""
        message = error.in_language(self._language())
        if isinstance(error, NotAuthenticated):
            return [rx.toast.error(message), rx.redirect(self._sign_in_url())]
        if isinstance(error, SecondFactorRequired):
            return [rx.toast.error(message), rx.redirect(routes.two_factor_setup(error.reason))]
        if isinstance(error, sales.WaitingRoomRequired):  # the queue's page is served by the API: a full load
            return [rx.toast.error(message), navigate_hard(error.queue_url)]
        return [rx.toast.error(message)]

    @rx.event
    async def load_user(self) -> None:
        """on_load of every page: refresh the navbar's idea of who is signed in."""
        await self.current_user()

    @rx.event
    async def require_signed_in(self) -> list[rx.event.EventSpec] | None:
        """on_load of private pages: send anonymous visitors to sign in, then back here."""
        if await self.current_user() is None:
            return [rx.redirect(self._sign_in_url())]
        return None

    @rx.event
    def sign_out(self) -> rx.event.EventSpec:
        """Ask the API to delete the session and clear the HttpOnly cookie, then reload."""
        endpoint = json.dumps(settings.api_url + routes.API_SIGN_OUT)
        home = json.dumps(settings.app_url + routes.HOME)
        return rx.call_script(
            f"fetch({endpoint}, {{method: 'POST', credentials: 'include'}})"
            f".finally(() => window.location.assign({home}))"
        )


# Every page's state derives from AuthState: those still at their defaults stay out of Redis.
keep_only_when_changed(AuthState)
