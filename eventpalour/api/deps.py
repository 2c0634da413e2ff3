"""Request dependencies: who is calling, from where, and the per-route rate limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Cookie, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import Scope

from eventpalour.cookies import SESSION_COOKIE
from eventpalour.services import identity, platform
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import NotAuthenticated, client_address


def address_of(scope: Scope) -> str | None:
    """The client's address for an HTTP request (behind TRUSTED_PROXIES, the one they forwarded)."""
    peer = scope.get("client")
    forwarded_for = ", ".join(Headers(scope=scope).getlist("x-forwarded-for"))
    return client_address(peer[0] if peer else None, forwarded_for)


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(ip=address_of(request.scope), user_agent=request.headers.get("user-agent"))


async def optional_user(request: Request) -> UserSummary | None:
    return await run_in_threadpool(identity.current_user, request.cookies.get(SESSION_COOKIE))


async def current_user(user: Annotated[UserSummary | None, Depends(optional_user)]) -> UserSummary:
    if user is None:
        raise NotAuthenticated()
    return user


def signed_in_user(token: str | None) -> UserSummary:
    """The user behind a session cookie, looked up in the calling (sync) handler's own thread.

    For the hottest route, placing an order: `CurrentUser` looks the session up in a thread of its
    own before the handler's, and each hop costs the event loop a turn and a GIL handover.
    """
    user = identity.current_user(token)
    if user is None:
        raise NotAuthenticated()
    return user


async def limit_auth_attempts(request: Request) -> None:
    """The stricter limit for sign-in, code and reset attempts (SPEC §8: 10/min by default). Awaited
    on the loop: a sync dependency would cost its own thread hop before the handler's."""
    await platform.hit_rate_limit_on_loop("auth", client_info(request).ip or "")


Client = Annotated[ClientInfo, Depends(client_info)]
OptionalUser = Annotated[UserSummary | None, Depends(optional_user)]
CurrentUser = Annotated[UserSummary, Depends(current_user)]
SessionToken = Annotated[str | None, Cookie(alias=SESSION_COOKIE, include_in_schema=False)]
AuthLimited = Depends(limit_auth_attempts)
