"""Serve an app of a test's own making over real HTTP, mounted the way `make run` mounts Reflex.

The package's `api_url` server is built once with the test settings; tests that need an API built
with other settings (production, say) build it themselves and serve it here, on its own port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

STARTUP_SECONDS = 20
NOT_FOUND_PAGE = '<!DOCTYPE html><html lang="en"><head><title>404</title></head><body>Page not found</body></html>'


async def _reflex_not_found(_request: Request) -> HTMLResponse:
    """What Reflex's production app answers for a path it has no page for: its HTML 404 page."""
    return HTMLResponse(NOT_FOUND_PAGE, status_code=404)


def with_reflex_mount(api: FastAPI) -> FastAPI:
    """`api` with a stand-in for Reflex's app mounted at "" after every API route, as Reflex mounts
    its own (`api.mount("", ...)` in `App.__call__`): every path and method the API does not claim
    reaches it."""
    catch_all = Route("/{path:path}", _reflex_not_found, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    api.mount("", Starlette(routes=[catch_all]))
    return api


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port for the duration of the block; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="test-app-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("The test app server did not start; see the log above.")
            time.sleep(0.02)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def assert_json_error(response: httpx.Response, status: int) -> str:
    """The app's JSON error format with `status`; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert set(body) <= {"error", "details"} and isinstance(body["error"], str) and body["error"]
    return body["error"]
