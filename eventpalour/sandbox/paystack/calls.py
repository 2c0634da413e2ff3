"""How the sandbox answers a call: the Bearer key check, the request body, and the thread hop.

Every Paystack endpoint and test hook goes through these, so a wrong key or an unreadable body gets
Paystack's own error wherever it is sent, and no blocking database work runs on the event loop.
"""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import Request
from fastapi.responses import JSONResponse

from eventpalour.integrations.paystack import sandbox_account
from eventpalour.sandbox.paystack.controls import Controls, hang, read_controls
from eventpalour.sandbox.paystack.shapes import fail

SANDBOX_THREADS = 16
"""Threads that answer Paystack calls and test hooks."""
DELIVERY_THREADS = 16
"""Threads that deliver webhooks; see `off_loop_delivering`."""
T = TypeVar("T")
_threads: RunVar[CapacityLimiter] = RunVar("paystack_sandbox_threads")
_delivery_threads: RunVar[CapacityLimiter] = RunVar("paystack_sandbox_delivery_threads")


async def _run_on(pool: RunVar[CapacityLimiter], size: int, fn: Callable[..., T], *args: Any) -> T:
    try:
        limiter = pool.get()
    except LookupError:
        limiter = CapacityLimiter(size)
        pool.set(limiter)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=limiter)


async def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking sandbox work on threads of its own, never on the app's shared pool.

    The sandbox is served by the app it stands in for: an app request waiting on initialize or
    verify holds one of the app's 40 worker threads meanwhile, so 40 such requests at once would
    leave the sandbox no thread to answer them with, and every call would time out.
    """
    return await _run_on(_threads, SANDBOX_THREADS, fn, *args)


async def off_loop_delivering(fn: Callable[..., T], *args: Any) -> T:
    """Run a webhook delivery on threads apart from those that answer Paystack calls.

    A delivery waits for the app's webhook route, and that route calls the sandbox back (verify
    for a charge): were deliveries to share the call threads, enough of them at once would hold
    every thread while each waited on a verify that had no thread left to run on, until the
    timeouts broke the knot (an initialize in the refunds test timed out after 10 s in the CI of
    session 21's stop).
    """
    return await _run_on(_delivery_threads, DELIVERY_THREADS, fn, *args)


def auth_problem(authorization: str | None) -> JSONResponse | None:
    """Paystack's 401 for a missing, malformed or wrong secret key; None when the key is the sandbox's."""
    if not authorization:
        return fail("No Authorization Header was found", 401, kind=None)
    scheme, _, key = authorization.strip().partition(" ")
    if scheme != "Bearer" or not key.strip():
        return fail("Format is Authorization Bearer [secret key]", 401, kind=None)
    if not hmac.compare_digest(key.strip().encode(), sandbox_account().secret_key.encode()):
        return fail("Invalid key", 401, kind=None)
    return None


async def read_body(request: Request) -> dict[str, Any] | None:
    """The request fields, from JSON or a form (Paystack takes both); None when unreadable."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def invalid_body() -> JSONResponse:
    return fail("Invalid request body: send a JSON object", code="invalid_params")


def _no_refusal(_controls: Controls) -> JSONResponse | None:
    return None


async def controlled(
    work: Callable[[], JSONResponse],
    refusal: Callable[[Controls], JSONResponse | None] = _no_refusal,
) -> JSONResponse:
    """Answer a Paystack call with `work` once the controls have had their say, in one thread hop.

    The controls are read on a sandbox thread and, when they neither hang nor refuse the call, the
    work runs right after on that same thread. A hang is sat out on the event loop (holding no
    thread), and only then do the refusal or the work follow, the work in a second hop.
    """

    def read_controls_then_work() -> tuple[Controls, JSONResponse | None]:
        controls = read_controls()
        if controls.hang > 0:
            return controls, None
        refused = refusal(controls)
        return controls, refused if refused is not None else work()

    controls, answer = await off_loop(read_controls_then_work)
    if answer is not None:
        return answer
    await hang(controls)
    refused = refusal(controls)
    return refused if refused is not None else await off_loop(work)
