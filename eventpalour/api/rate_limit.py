"""Every POST under /api/ counts against the general per-client limit (the webhook is exempt)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from eventpalour.api.deps import address_of
from eventpalour.api.errors import domain_error_response
from eventpalour.services import platform
from eventpalour.services.platform import RateLimited

EXEMPT_PREFIXES = ("/api/payments/webhook/", "/api/sandbox/")


class PostRateLimitMiddleware:
    """Pure ASGI middleware, so it also sees requests before routing and body parsing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and path.startswith("/api/")
            and not path.startswith(EXEMPT_PREFIXES)
        ):
            try:
                await platform.hit_rate_limit_on_loop("general", address_of(scope) or "")
            except RateLimited as exc:
                await domain_error_response(exc, Request(scope))(scope, receive, send)
                return
        await self.app(scope, receive, send)
