"""The websocket's plumbing for a rush (#18): Reflex's socket skips the API's middlewares
(api/socket_shortcut.py), a closed connection's pending ping is cancelled (state/socket_pings.py), and
each worker sets the garbage collector for a server (collector.py). Their effect on the page rush is
measured by bench/rush.py (docs/performance.md, session 16); every browser test goes through them."""

from __future__ import annotations

import asyncio
import gc
import sys

import engineio
import pytest
from engineio.async_socket import AsyncSocket
from starlette.applications import Starlette
from starlette.routing import Mount

from eventpalour import collector
from eventpalour.api import create_api
from eventpalour.api.socket_shortcut import SocketShortcut, _event_path, straight_to_socket
from eventpalour.state import socket_pings

pytestmark = pytest.mark.no_db


def _stack_names() -> list[str]:
    frame, names = sys._getframe(1), []
    while frame is not None:
        names.append(frame.f_code.co_qualname)
        frame = frame.f_back
    return names


class SocketApp:
    """Stands for Reflex's Socket.IO app: notes each connection's path and the calls around it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, list[str]]] = []

    async def __call__(self, scope, receive, send) -> None:
        self.seen.append((scope["type"], scope["path"], _stack_names()))
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})


def _composed() -> tuple[object, SocketApp]:
    """As Reflex composes it: its app (with the socket mounted) inside the API app, then the shortcut."""
    socket_app = SocketApp()
    reflex_api = Starlette(routes=[Mount(_event_path(), socket_app)])
    api = create_api()
    api.mount("", reflex_api)
    return straight_to_socket(api), socket_app


def _scope(kind: str, path: str) -> dict:
    scope = {
        "type": kind,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 5000),
        "server": ("localhost", 3000),
        "scheme": "ws",
    }
    if kind == "http":
        scope.update(method="GET", scheme="http", http_version="1.1")
    return scope


async def _nothing():
    return {"type": "http.request", "body": b""}


def test_the_websocket_reaches_the_socket_app_without_the_api_middlewares():
    app, socket_app = _composed()
    assert isinstance(app, SocketShortcut)
    sent = []

    async def send(message):
        sent.append(message)

    socket_url = _event_path() + "/"  # as the browser asks: /_event/?EIO=4&transport=websocket
    asyncio.run(app(_scope("websocket", socket_url), _nothing, send))
    asyncio.run(app(_scope("http", socket_url), _nothing, send))
    (ws_kind, ws_path, ws_stack), (http_kind, _, http_stack) = socket_app.seen
    assert (ws_kind, http_kind) == ("websocket", "http")
    assert ws_path == socket_url  # the Mount's own scope, as without the shortcut
    assert not any("Middleware" in name for name in ws_stack), ws_stack
    # An HTTP request to the same path still goes through the API's stack (its access log, headers...).
    assert any(name.startswith("RequestLogMiddleware") for name in http_stack), http_stack


def test_other_websockets_and_requests_go_through_the_api():
    socket_app = SocketApp()
    plain = Starlette(routes=[Mount("/elsewhere", socket_app)])
    assert straight_to_socket(plain) is plain  # no socket mounted: nothing to take a shortcut to
    app, socket_app = _composed()

    async def send(message):
        pass

    asyncio.run(app(_scope("websocket", "/not-the-socket"), _nothing, send))
    assert socket_app.seen == []


def test_a_closed_connection_cancels_its_pending_ping():
    assert AsyncSocket._ep_releases_pings

    async def scenario() -> tuple[bool, bool]:
        server = engineio.AsyncServer(async_mode="asgi", ping_interval=25)
        open_socket, closed_socket = AsyncSocket(server, "open"), AsyncSocket(server, "closed")
        for socket in (open_socket, closed_socket):
            socket.schedule_ping()
        await asyncio.sleep(0)
        await closed_socket.close(wait=False, abort=True)
        await asyncio.sleep(0)
        closed_ping = getattr(closed_socket, socket_pings._PING_TASK)
        open_ping = getattr(open_socket, socket_pings._PING_TASK)
        still_waiting = open_ping is not None and not open_ping.done()
        open_ping.cancel()
        return closed_ping is None, still_waiting

    released, open_still_pings = asyncio.run(scenario())
    assert released and open_still_pings


def test_each_worker_sets_the_collector_for_a_server():
    from eventpalour.eventpalour import app

    assert collector.settle_collector in app._lifespan_tasks
    before = gc.get_threshold()
    try:
        collector.settle_collector()
        assert gc.get_threshold() == (collector.YOUNG_EVERY, collector.MIDDLE_EVERY, collector.FULL_EVERY)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
