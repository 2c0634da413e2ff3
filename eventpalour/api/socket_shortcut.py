"""Reflex's websocket (`/_event`) goes straight to its Socket.IO app, not through the API's stack (#18).

Reflex mounts its own app inside the API app (`api_transformer`), and its Socket.IO app inside that,
so every page's websocket passed through the API's middlewares (request log, security headers,
language cookie, page titles, waiting room, Open Graph, ...) and two Starlette apps' routers and
error layers on its way in: none of them does anything for a websocket (each passes non-HTTP scopes
on untouched), but each kept a coroutine frame, closures and a wrapped `send` alive for the whole
life of the connection. With 2,000 visitors sitting on a page, that was ~57 coroutines per
connection, most of the objects the garbage collector's full passes walk (stalls of 150-400 ms that
set the rush's p99, measured with a `gc.callbacks` probe), and ~25 calls more per connection opened.

`straight_to_socket` is the last `api_transformer`: it finds the Mount Reflex gave its Socket.IO app
and hands it websocket connections to that path directly (the Mount's own matching and scope), so
Reflex's outer app (its contexts middleware and lifespan) is still around them. Everything else, and
every HTTP request, goes through the API app as before.
"""

from __future__ import annotations

from reflex_base import constants
from reflex_base.config import get_config
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send


def _event_path() -> str:
    return get_config().prepend_backend_path(str(constants.Endpoint.EVENT))


def find_mount(app: ASGIApp, path: str) -> Mount | None:
    """The Mount at `path` among `app`'s routes, or those of the apps mounted in it (depth first)."""
    for route in getattr(app, "routes", None) or []:
        if isinstance(route, Mount):
            if route.path == path:
                return route
            found = find_mount(route.app, path)
            if found is not None:
                return found
    return None


class SocketShortcut:
    """Websockets matching `socket_mount` go to it; everything else to `app`."""

    def __init__(self, app: ASGIApp, socket_mount: Mount) -> None:
        self.app = app
        self.socket_mount = socket_mount

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            match, child_scope = self.socket_mount.matches(scope)
            if match is Match.FULL:
                await self.socket_mount.handle({**scope, **child_scope}, receive, send)
                return
        await self.app(scope, receive, send)


def straight_to_socket(app: ASGIApp) -> ASGIApp:
    """`app` with Reflex's websocket taken straight to its Socket.IO app (`app` as it is when Reflex
    mounted no Socket.IO app in it, e.g. with state off)."""
    socket_mount = find_mount(app, _event_path())
    return app if socket_mount is None else SocketShortcut(app, socket_mount)
