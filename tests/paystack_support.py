"""Helpers for tests that talk to the Paystack sandbox: a loopback server runner, a webhook receiver
standing in for the app's webhook route, and shortcuts to the sandbox's API and test hooks."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from eventpalour.integrations.paystack import sandbox_account
from eventpalour.integrations.tls import outbound_tls

STARTUP_SECONDS = 20


@contextmanager
def serve(app: Any, health_path: str = "/") -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free 127.0.0.1 port in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"The server at {base_url} did not start.")
            time.sleep(0.02)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class ReceivedWebhook:
    body: bytes
    headers: dict[str, str]

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Stands in for `POST /api/payments/webhook/paystack`: records every delivery, answers `status_code`
    after `delay_seconds`; with `verify_first`, as the app does for a charge, it first asks the sandbox to
    verify the transaction (and answers 503 when that fails)."""

    url: str = ""
    status_code: int = 200
    delay_seconds: float = 0.0
    verify_first: bool = False
    received: list[ReceivedWebhook] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        async def receive(request: Request) -> Response:
            body = await request.body()
            with self._lock:
                self.received.append(ReceivedWebhook(body, dict(request.headers)))
            if self.delay_seconds:
                await asyncio.sleep(self.delay_seconds)
            if self.verify_first and not await _verified(json.loads(body)):
                return JSONResponse({"error": "verify failed"}, status_code=503)
            return JSONResponse({"ok": True}, status_code=self.status_code)

        return Starlette(routes=[Route("/hook", receive, methods=["POST"])])

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
        self.status_code = 200
        self.delay_seconds = 0.0
        self.verify_first = False

    def for_reference(self, reference: str, event: str | None = None) -> list[ReceivedWebhook]:
        with self._lock:
            found = list(self.received)
        return [
            hook
            for hook in found
            if _reference_of(hook.json()) == reference and (event is None or hook.json()["event"] == event)
        ]

    def wait_for(self, reference: str, event: str, timeout: float = 5.0) -> ReceivedWebhook:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.for_reference(reference, event)
            if found:
                return found[-1]
            time.sleep(0.02)
        raise AssertionError(f"no {event} webhook for {reference} within {timeout} s")


async def _verified(event: dict[str, Any]) -> bool:
    account = sandbox_account()
    async with httpx.AsyncClient(verify=outbound_tls(), timeout=10) as client:
        try:
            answer = await client.get(
                f"{account.base_url}/transaction/verify/{_reference_of(event)}", headers=sandbox_headers()
            )
        except httpx.HTTPError:
            return False
    return answer.status_code == 200


def _reference_of(event: dict[str, Any]) -> str | None:
    data = event.get("data") or {}
    return data.get("reference") or data.get("transaction_reference")


def sandbox_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox_account().secret_key}"}


def sandbox_call(method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A call to the sandbox with its secret key, e.g. `sandbox_call("PUT", "/_test/controls", json={...})`."""
    headers = {**sandbox_headers(), **kwargs.pop("headers", {})}
    return httpx.request(
        method, sandbox_account().base_url + path, headers=headers, timeout=10, **kwargs, verify=outbound_tls()
    )


def set_controls(**controls: Any) -> dict[str, Any]:
    response = sandbox_call("PUT", "/_test/controls", json=controls)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def settle(reference: str, action: str = "pay", **options: Any) -> dict[str, Any]:
    """Press Pay/Fail/Abandon without a browser; returns the hook's answer."""
    response = sandbox_call("POST", f"/_test/transactions/{reference}/{action}", json=options)
    assert response.status_code == 200, response.text
    return response.json()


def advance_refund(refund_id: int, status: str, **options: Any) -> httpx.Response:
    return sandbox_call("POST", f"/_test/refunds/{refund_id}/advance", json={"status": status, **options})


def recorded_webhooks(reference: str) -> list[dict[str, Any]]:
    response = sandbox_call("GET", "/_test/webhooks", params={"reference": reference})
    assert response.status_code == 200, response.text
    return response.json()["data"]
