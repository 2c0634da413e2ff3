"""A request body under /api/ may be at most 1 MB: larger ones get 413 JSON before they are read.

A declared Content-Length above the limit is answered at once, without reading a byte of the body.
A body without one (chunked) is taken in up to the limit and handed on whole; one byte more and the
request is refused, the rest never read. Uploads are exempt here: their route counts its own,
larger limit the same way (api/uploads.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventpalour import routes
from eventpalour.api.errors import domain_error_response
from eventpalour.services.platform import N_, PayloadTooLarge

JSON_BODY_LIMIT = 1024 * 1024
OWN_LIMITS = (routes.API_UPLOAD,)
"""Routes that take more than JSON and enforce their own limit."""


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        N_("The request body is too large: at most {megabytes} MB."),
        values={"megabytes": JSON_BODY_LIMIT // (1024 * 1024)},
    )


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimitMiddleware:
    """Pure ASGI, so nothing is parsed before the size is known."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api/") or path in OWN_LIMITS:
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None:
            # The server itself never passes on more bytes than were declared.
            if declared > JSON_BODY_LIMIT:
                await domain_error_response(_too_large(), Request(scope))(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body, finished = bytearray(), False
        while not finished:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            body += message.get("body", b"")
            finished = not message.get("more_body", False)
            if len(body) > JSON_BODY_LIMIT:
                await domain_error_response(_too_large(), Request(scope))(scope, receive, send)
                return
        whole = {"type": "http.request", "body": bytes(body), "more_body": False}
        await self.app(scope, _replay([whole], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`messages` first, then whatever the connection sends next (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
