"""The API under test: `create_api()` served by uvicorn on a free loopback port and reached over real HTTP.

The Google sign-in sandbox is part of the same app, so authlib's discovery, token and JWKS calls
travel over the same loopback socket, exactly as they would to Google.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from eventpalour.api import create_api
from eventpalour.config import settings
from eventpalour.integrations import paystack
from eventpalour.integrations.tls import outbound_tls

STARTUP_SECONDS = 20
# As the build's shell: the global stylesheet (its preload, then the link itself) in the <head>.
PAGE_SHELL = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Event · EventPalour</title>'
    '<link as="style" href="/assets/__reflex_global_styles-T3st_1.css" rel="preload"/>'
    '<link href="/assets/__reflex_global_styles-T3st_1.css" rel="stylesheet" type="text/css"/></head>'
    '<body><div id="root"></div></body></html>'
)


async def _page_shell(request: Request) -> Response:
    """The same HTML for every page path, as Reflex's compiled frontend serves it (`?json=1`: a non-HTML reply)."""
    if request.query_params.get("json"):
        return JSONResponse({"page": request.url.path})
    return HTMLResponse(PAGE_SHELL)


def _app_with_pages() -> FastAPI:
    """The API with a stand-in for the pages Reflex mounts inside it under `make run`, at /e/... only."""
    api = create_api()
    api.mount("/e", Starlette(routes=[Route("/{path:path}", _page_shell)]))
    return api


def _listening_socket() -> socket.socket:
    """A socket bound to a free loopback port; handing it to uvicorn leaves no window for another process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_until_healthy(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("The API server stopped while starting; see the log above.")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=2, verify=outbound_tls()).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"The API server did not answer {base_url}/api/health within {STARTUP_SECONDS} s.")


@contextmanager
def serving(app: ASGIApp, sock: socket.socket | None = None) -> Iterator[str]:
    """Serve `app` with uvicorn (on `sock`, else a free port) until the block ends; yield its base URL."""
    sock = sock or _listening_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    # No proxy_headers: uvicorn would otherwise rewrite the peer from X-Forwarded-For itself (it trusts
    # 127.0.0.1 by default), which granian under `make run` never does; the app alone decides (TRUSTED_PROXIES).
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="api-server", daemon=True)
    thread.start()
    try:
        _wait_until_healthy(base_url, thread)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="package")
def api_url() -> Iterator[str]:
    """Base URL of the running API; it is also the app URL, so redirects and the sandbox stay on it."""
    sock = _listening_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    patch = pytest.MonkeyPatch()
    patch.setattr(settings, "api_url", base_url)
    patch.setattr(settings, "app_url", base_url)
    try:
        with serving(_app_with_pages(), sock) as served:
            yield served
    finally:
        patch.undo()


@pytest.fixture
def http(api_url: str) -> Iterator[httpx.Client]:
    """A fresh browser-like client (its own cookie jar) that does not follow redirects."""
    with httpx.Client(base_url=api_url, follow_redirects=False, timeout=10, verify=outbound_tls()) as client:
        yield client


@pytest.fixture
def sandbox(api_url: str):
    """A client for the Paystack sandbox's test hooks; its controls are reset around each test."""
    account = paystack.sandbox_account()
    client = httpx.Client(
        base_url=account.base_url,
        headers={"Authorization": f"Bearer {account.secret_key}"},
        timeout=30,
        verify=outbound_tls(),
    )
    client.delete("/_test/controls")
    yield client
    client.delete("/_test/controls")
    client.close()
