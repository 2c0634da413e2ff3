"""Drive Reflex state handlers directly, as a browser's websocket would, with any cookie and path.

Handlers trust nothing but the cookie, so tests here give them whatever a forged frame could carry.
"""

from __future__ import annotations

import inspect
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData
from reflex_base.registry import RegistrationContext

import eventpalour.eventpalour  # noqa: F401  (registers every page and state)

# What that import registered. Reflex keeps it in a context variable, so when this module is first
# imported inside an async test (a task's copy of the context) the registrations vanish with that
# test; `state_for` puts them back for the tests that come after.
_REGISTRATIONS = RegistrationContext.get()


def state_for(
    state_cls: type[rx.State],
    *,
    token: str | None,
    path: str,
    ip: str = "127.0.0.9",
    headers: dict[str, str] | None = None,
) -> Any:
    """A fresh state tree whose connection carries `token` as its session cookie and claims `path`.

    `ip` is the websocket's TCP peer and `headers` any other handshake headers (X-Forwarded-For...).
    """
    try:
        RegistrationContext.get()
    except LookupError:
        RegistrationContext.set(_REGISTRATIONS)
    root = rx.State()
    router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"ep_session={token}" if token else "", **(headers or {})},
            "pathname": path,
            "asPath": path,
            "token": "test-client",
            "ip": ip,
        }
    )
    substate = root.get_substate(state_cls.get_full_name().split(".")[1:])
    node = substate
    while node is not None:
        node.router = router
        node = node.parent_state
    return substate


async def run_handler(state: rx.State, name: str, *args: Any) -> list[Any]:
    """Call handler `name` the way Reflex does (generators drained) and return what it emitted."""
    result = getattr(type(state), name).fn(state, *args)
    emitted: list[Any] = []
    if inspect.isasyncgen(result):
        async for item in result:
            emitted.append(item)
    elif inspect.isawaitable(result):
        emitted.append(await result)
    else:
        emitted.append(result)
    return emitted
