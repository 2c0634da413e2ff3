"""A closed websocket is let go at once, not 25 seconds later (#18 target 1: the page rush's p99).

python-engineio starts, for every connection, a task that sleeps one ping interval (Reflex: 25 s) and
then pings the client. Nothing cancels it when the connection closes, so every closed connection
(its socket, queue, events, timers: ~60 objects) stays alive until that sleep ends. In a rush of
short visits that is thousands of dead connections per worker at any moment, many of them in the
garbage collector's oldest generation, whose full collections stop the worker (150-360 ms under
`bench/rush.py`, which set the page's p99; a `gc.callbacks` probe found ~1,800 closed sockets still
alive in each worker after a run).

Here the pending ping is cancelled when its connection closes. A live connection pings exactly as
before. The patch is on engine.io's internals (`schedule_ping`, `_send_ping`, `close`), pinned in
requirements.txt; it leaves engine.io alone, with a warning, if they are not there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from engineio.async_socket import AsyncSocket

logger = logging.getLogger(__name__)
_PING_TASK = "_ep_ping_task"


def _schedule_ping(self: AsyncSocket) -> None:
    """engine.io's `schedule_ping`, keeping the task so that `close` can cancel it."""
    if self.last_ping:
        self.last_ping = None
        setattr(self, _PING_TASK, self.server.start_background_task(self._send_ping))


def _close_with_ping(original: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    async def close(self: AsyncSocket, *args: Any, **kwargs: Any) -> None:
        try:
            await original(self, *args, **kwargs)
        finally:
            if self.closed:
                _cancel_ping(self)

    return close


def _cancel_ping(socket: AsyncSocket) -> None:
    task = getattr(socket, _PING_TASK, None)
    if task is not None and not task.done() and task is not asyncio.current_task():
        task.cancel()
    setattr(socket, _PING_TASK, None)


def release_closed_sockets() -> None:
    """Patch engine.io once (importing this module does it)."""
    if getattr(AsyncSocket, "_ep_releases_pings", False):
        return
    if not all(hasattr(AsyncSocket, name) for name in ("schedule_ping", "_send_ping", "close")):
        logger.warning("engine.io's sockets changed: closed connections keep their pending ping (25 s)")
        return
    AsyncSocket.schedule_ping = _schedule_ping
    AsyncSocket.close = _close_with_ping(AsyncSocket.close)
    AsyncSocket._ep_releases_pings = True


release_closed_sockets()
