"""The event page's door while its waiting room is active (#18).

A browser asking for GET /e/{short_id} without an admission from the event's queue is sent to the
queue's page (303) before the page, its scripts or any websocket are served. The event page's own
handlers and the checkout ask the same question (sales.needs_queue, sales.place_order), so the HTML
is not the only door: this one only spares a waiting browser the app it cannot use yet.
"""

from __future__ import annotations

import functools

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from eventpalour.api.og import EVENT_PATH
from eventpalour.cookies import QUEUE_COOKIE, cookies_in
from eventpalour.services import sales


def queue_cookie_of(scope: Scope) -> str | None:
    """The `ep_queue` cookie of a request, or None."""
    header = next((v for k, v in scope.get("headers", []) if k.lower() == b"cookie"), b"").decode("latin-1")
    return cookies_in(header).get(QUEUE_COOKIE)


class WaitingRoomGateMiddleware:
    """Sends GET /e/{short_id} to the event's queue when its waiting room wants this browser there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = EVENT_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None or scope.get("method") != "GET" or sales.known_without_room(match.group(1)):
            await self.app(scope, receive, send)  # no room on (known without a trip to a thread)
            return
        ask = functools.partial(
            sales.needs_queue, event_ref=match.group(1), browser_cookie=queue_cookie_of(scope), door=True
        )
        queue = await to_thread.run_sync(ask)
        if queue is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"location", queue.encode()), (b"cache-control", b"no-store"), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
