"""An anonymous first visit of a public page gets the frames the page's last such visit got, and its
state is built only when it acts (#18 target 1: an on-sale rush is thousands of first visits).

Every visit of the event page opens Reflex's websocket and hydrates: the state tree is loaded under
the visitor's lock, the page's `on_load` reads the event, the tree is diffed and sent, and every
touched state is written to Redis. For visitors who are not signed in, hold no cookie but the
language's, and open the same URL in the same language, all of that gives the same frames but for
the connection's own router data (token, socket id, address, headers), which the first frame carries.

So, for a route registered here (`share_first_frames`):
- **A first visit that is the first of its kind** (no frames kept for its key, or older than
  `settings.public_event_cache_seconds`, the age the public page's data may have anyway) is served
  by Reflex as always, and the frames it sends are kept, unless the load sent the browser an event
  (a redirect to the event's queue, a toast), failed, or the visitor acted before it ended. While
  it loads, the older frames are still sent (for at most `_RENEWAL_SECONDS` more): in a rush, every
  visitor arriving meanwhile would otherwise be served by Reflex too. A page is thus at most about
  twice that age.
- **The next first visits with that key** (within that age) are sent those frames, with their own
  router data in place of the first visitor's, and nothing is built or stored: no lock, no Redis,
  no `on_load`. The visit is remembered (its hydrate event) in this process, where its socket is.
- **When such a visitor acts** (their socket's next event), the remembered hydrate is run first
  through Reflex, its frames not sent (the browser has them), and the action after it: the handler
  finds the state the load would have left. A reconnect sends a new hydrate, which starts over.

A visit is *first* when the store holds no state and no lock for its token: a tab that acted keeps its
token, so its reload is served from its stored state as before. Pinned by
tests/scale/test_first_frames.py (Redis, two workers): the frames sent equal Reflex's own for
visitors with other tokens and headers, an action after them finds the loaded state (over the
websocket and in Chromium), and a reconnect after it is served from the stored state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections import OrderedDict
from typing import Any

import socketio
from reflex.app import EventNamespace
from reflex.istate.data import HeaderData, SessionData
from reflex.istate.manager.disk import StateManagerDisk
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State, StateUpdate
from reflex_base import constants
from reflex_base.constants.state import FIELD_MARKER

from eventpalour.config import settings
from eventpalour.cookies import LANGUAGE_COOKIE

logger = logging.getLogger("eventpalour.first_frames")

_SHARED_ROUTES: set[str] = set()
_KEPT_KEYS = 512  # keys (URL x language x browser build) whose frames are kept at once, per process
_RENEWAL_SECONDS = 5.0  # longest a renewing load may keep older frames served
_MATERIALIZE_SECONDS = 15.0  # longest wait for a remembered hydrate before the action runs anyway

_HYDRATE = f"{State.get_full_name()}.{constants.CompileVars.HYDRATE_AND_LOAD}"
_ROOT = State.get_full_name()
_IS_HYDRATED = constants.CompileVars.IS_HYDRATED + FIELD_MARKER
_SESSION_FIELD = "rx_router_session" + FIELD_MARKER
_HEADERS_FIELD = "rx_router_headers" + FIELD_MARKER

# key -> (kept at, the updates a first visit was sent, each with its socket.io packet when it holds
# nothing of one connection's: encoded once, sent as is)
_frames: OrderedDict[tuple, tuple[float, list[tuple[StateUpdate, str | None]]]] = OrderedDict()
# token -> the key and updates of a first visit Reflex is serving now (to keep when it ends)
_capturing: dict[str, tuple[tuple, list[StateUpdate], list[bool]]] = {}
_renewing: set[tuple] = set()  # the keys of those visits
# token -> the hydrate event data of a visit served from kept frames, not yet built
_remembered: dict[str, dict[str, Any]] = {}
# token -> resolved when the remembered hydrate's load has run (its frames are not sent)
_building: dict[str, asyncio.Future] = {}


def share_first_frames(route: str) -> None:
    """Serve anonymous first visits of `route` (a route id, "/e/[short_id]") from kept frames."""
    _SHARED_ROUTES.add("/" + route.strip("/"))


def _cookie_names(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            cookies[name] = value
    return cookies


def _key(namespace: EventNamespace, sid: str, data: dict[str, Any]) -> tuple | None:
    """What the frames of this hydrate depend on, or None when it is not a shareable first visit:
    not a hydrate of a registered route, or a browser with a cookie other than the language's (a
    session, a queue pass, a workspace: state the frames would have to show)."""
    if settings.public_event_cache_seconds <= 0 or data.get("name") != _HYDRATE:
        return None
    static = namespace._static_router_data.get(sid)
    router_data = data.get("router_data")
    if static is None or not isinstance(router_data, dict):
        return None
    path = router_data.get(constants.RouteVar.PATH)
    if not isinstance(path, str) or "/" + (namespace.app.router(path) or "").strip("/") not in _SHARED_ROUTES:
        return None
    headers = static[constants.RouteVar.HEADERS]
    cookies = _cookie_names(headers.get("cookie", ""))
    if set(cookies) - {LANGUAGE_COOKIE}:
        return None
    payload = data.get("payload") or {}
    try:
        return (
            path,
            json.dumps(router_data, sort_keys=True),
            json.dumps(payload.get("vars"), sort_keys=True),
            tuple(payload.get("hashes") or ()),
            cookies.get(LANGUAGE_COOKIE),
            headers.get("accept-language"),
            headers.get("origin"),
            headers.get("host"),
        )
    except (TypeError, ValueError):  # a payload JSON cannot hold: Reflex refuses it as it always does
        return None


async def _nothing_stored(namespace: EventNamespace, token: str) -> bool:
    """Whether the state manager holds no state and no lock for `token` (a new tab's first visit)."""
    manager = namespace.app.state_manager
    root = BaseStateToken(ident=token, cls=State)
    if isinstance(manager, StateManagerRedis):
        key = root._state_key(State)
        return not await manager.redis.exists(key, StateManagerRedis._lock_key(root))
    if isinstance(manager, StateManagerDisk):
        return root.cache_key not in manager.states and not manager.token_path(root).exists()
    if isinstance(manager, StateManagerMemory):
        return root.cache_key not in manager.states
    return False


def _personal(update: StateUpdate, router_data: dict[str, Any]) -> StateUpdate:
    """`update` with this connection's session and headers in the root state's router data."""
    root = update.delta.get(_ROOT)
    if not root or _SESSION_FIELD not in root and _HEADERS_FIELD not in root:
        return update
    mine = dict(root)
    if _SESSION_FIELD in mine:
        mine[_SESSION_FIELD] = SessionData.from_router_data(router_data)
    if _HEADERS_FIELD in mine:
        mine[_HEADERS_FIELD] = HeaderData.from_router_data(router_data)
    return dataclasses.replace(update, delta={**update.delta, _ROOT: mine})


def _ends_load(update: StateUpdate) -> bool:
    """Whether `update` is the last of a page load (the root state says it is hydrated)."""
    return (update.delta.get(_ROOT) or {}).get(_IS_HYDRATED) is True


def _kept(key: tuple) -> list[tuple[StateUpdate, str | None]] | None:
    """The frames kept for `key`, while young enough, or while the visit that renews them loads (a
    rush's visitors would otherwise all be served by Reflex until one of their loads ended)."""
    kept = _frames.get(key)
    if kept is None:
        return None
    age, seconds = time.monotonic() - kept[0], settings.public_event_cache_seconds
    if age < seconds or (key in _renewing and age < seconds + _RENEWAL_SECONDS):
        return kept[1]
    return None


def _packet(namespace: EventNamespace, update: StateUpdate) -> str | None:
    """`update` as the socket.io packet `emit` would send, or None when it carries one connection's
    router data (made per visitor)."""
    root = update.delta.get(_ROOT) or {}
    if _SESSION_FIELD in root or _HEADERS_FIELD in root:
        return None
    event = [str(constants.SocketEvent.EVENT), update]
    encoded = namespace.server.packet_class(socketio.packet.EVENT, namespace=namespace.namespace, data=event).encode()
    return encoded if isinstance(encoded, str) else None


def _keep(namespace: EventNamespace, key: tuple, updates: list[StateUpdate]) -> None:
    _frames[key] = (time.monotonic(), [(update, _packet(namespace, update)) for update in updates])
    _frames.move_to_end(key)
    while len(_frames) > _KEPT_KEYS:
        _frames.popitem(last=False)


async def _build_remembered(namespace: EventNamespace, sid: str, token: str) -> None:
    """Run the remembered hydrate of `token` (once, however many events arrive meanwhile) and wait
    for its load to end; its frames are dropped in `emit_update`."""
    building = _building.get(token)
    if building is None:
        data = _remembered.pop(token)
        building = _building[token] = asyncio.get_running_loop().create_future()
        try:
            await _ORIGINAL_ON_EVENT(namespace, sid, data)
            await asyncio.wait_for(asyncio.shield(building), _MATERIALIZE_SECONDS)
        except TimeoutError:
            logger.warning(
                "The page load of %s did not end in %.0f s; its action runs anyway.", token, _MATERIALIZE_SECONDS
            )
        finally:
            _building.pop(token, None)
        return
    try:
        await asyncio.wait_for(asyncio.shield(building), _MATERIALIZE_SECONDS)
    except TimeoutError:
        pass


async def _on_event(self: EventNamespace, sid: str, data: Any) -> None:
    token = self.sid_to_token.get(sid)
    if token is None or not isinstance(data, dict):
        return await _ORIGINAL_ON_EVENT(self, sid, data)
    if data.get("name") == _HYDRATE:
        _remembered.pop(token, None)  # a reconnect's hydrate: it starts over
    else:
        if (capture := _capturing.get(token)) is not None:
            capture[2][0] = False  # it acted while loading: its frames may show its action
        if token in _remembered or token in _building:
            await _build_remembered(self, sid, token)
        return await _ORIGINAL_ON_EVENT(self, sid, data)
    key = _key(self, sid, data)
    if key is None or not await _nothing_stored(self, token):
        return await _ORIGINAL_ON_EVENT(self, sid, data)
    kept = _kept(key)
    if kept is None:
        _capturing[token] = (key, [], [True])
        _renewing.add(key)
        return await _ORIGINAL_ON_EVENT(self, sid, data)
    router_data = {**self._static_router_data[sid], constants.RouteVar.CLIENT_TOKEN: token}
    _remembered[token] = data
    eio_sid = self.server.manager.eio_sid_from_sid(sid, self.namespace)
    for update, packet in kept:
        if packet is None or eio_sid is None:
            await self.emit(str(constants.SocketEvent.EVENT), _personal(update, router_data), to=sid)
        else:
            await self.server.eio.send(eio_sid, packet)
    await asyncio.sleep(0)  # as Reflex's emit_update: let the socket's writer send them
    return None


async def _emit_update(self: EventNamespace, update: StateUpdate, token: str) -> None:
    building = _building.get(token)
    if building is not None:
        # The remembered hydrate's frames: the browser has them. An event it sends the browser (a
        # redirect to the event's queue that opened since) still goes.
        if update.events:
            await _ORIGINAL_EMIT_UPDATE(self, StateUpdate(events=update.events), token)
        if _ends_load(update) and not building.done():
            building.set_result(None)
        return None
    capture = _capturing.get(token)
    if capture is not None:
        key, updates, shareable = capture
        updates.append(update)
        if update.events:
            shareable[0] = False
        if _ends_load(update):
            _stop_capture(token)
            if shareable[0]:
                _keep(self, key, updates)
    return await _ORIGINAL_EMIT_UPDATE(self, update, token)


def _stop_capture(token: str) -> None:
    capture = _capturing.pop(token, None)
    if capture is not None:
        _renewing.discard(capture[0])


def _on_disconnect(self: EventNamespace, sid: str) -> asyncio.Task | None:
    token = self.sid_to_token.get(sid)
    if token is not None:
        _remembered.pop(token, None)
        _stop_capture(token)
    return _ORIGINAL_ON_DISCONNECT(self, sid)


_ORIGINAL_ON_EVENT = EventNamespace.on_event
_ORIGINAL_EMIT_UPDATE = EventNamespace.emit_update
_ORIGINAL_ON_DISCONNECT = EventNamespace.on_disconnect
EventNamespace.on_event = _on_event  # type: ignore[method-assign]
EventNamespace.emit_update = _emit_update  # type: ignore[method-assign]
EventNamespace.on_disconnect = _on_disconnect  # type: ignore[method-assign]
