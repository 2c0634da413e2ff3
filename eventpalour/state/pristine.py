"""Page state still at its defaults is not written to Redis (#18: <= 5 KB of Redis per visitor).

Reflex writes every state a request touched, and reading a cached computed var counts as touching:
the first frame of every visitor (the whole state tree, hydrated) evaluates every page's computed
vars, so each visitor of one event page had some twenty states written for pages they never opened.
A state whose own fields all hold their defaults says nothing a fresh instance would not: it is
not written, and the next request builds it afresh, computing the same vars again.

Once written, a state is always written again (even back at its defaults), so Redis never keeps an
older version of it: `mark_stored` records that it came from the store.

What is written is compressed (zlib at its fastest level: a few microseconds a state): the event
page's state is mostly the event's words and tiers, and the root state the handshake's headers, so
a visitor's states take about 40 % less Redis. The stored bytes stay a pickle that Reflex loads as
it always does (`_inflate` is named in it), so the state managers need no change.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.state import _ROUTER_FIELD_NAMES

_STORED = "_ep_stored"  # set on instances loaded from the store (not a field: never sent anywhere)


_defaults: dict[type, tuple[tuple[str, Any], ...]] = {}


def own_defaults(cls: type[rx.State]) -> tuple[tuple[str, Any], ...]:
    """(name, default) of every field `cls` owns, made once per class: `Field.default_value()`
    deep-copies a list or dict default on every call, which cost a rush's every write (#18: an
    eighth of the event page's CPU). Only compared with, never handed to a state."""
    kept = _defaults.get(cls)
    if kept is None:
        kept = tuple(
            (name, field.default_value())
            for name, field in cls.__fields__.items()
            if field._owner is cls and name not in _ROUTER_FIELD_NAMES
        )
        _defaults[cls] = kept
    return kept


def is_pristine(state: rx.State) -> bool:
    """Whether every field this state's class owns still holds its default (unread ones do)."""
    values = vars(state)
    return all(values[name] == default for name, default in own_defaults(type(state)) if name in values)


def serialize_unless_pristine(state: rx.State, serialize: Callable[[], bytes]) -> bytes:
    """`serialize()`, or b"" (Reflex's state managers then write nothing) for a pristine state that
    was never stored."""
    if not vars(state).get(_STORED) and is_pristine(state):
        return b""
    return serialize()


def mark_stored(state: Any) -> None:
    vars(state)[_STORED] = True


def keep_only_when_changed(cls: type[rx.State]) -> None:
    """Give `cls` and its subclasses the behaviour above. Assigned after the class is made: Reflex
    refuses a state class that defines methods of its own base under those names."""
    serialize, setstate = cls._serialize, cls.__setstate__

    def _serialize(self: rx.State) -> bytes:
        return serialize_unless_pristine(self, lambda: serialize(self))

    def restore(self: rx.State, state: dict[str, Any]) -> None:
        setstate(self, state)
        mark_stored(self)

    cls._serialize = _serialize  # type: ignore[method-assign]
    cls.__setstate__ = restore  # type: ignore[method-assign]


def _inflate(compressed: bytes) -> Any:
    """What a compressed state's pickle loads as: the (schema, state) pair Reflex pickled."""
    return pickle.loads(zlib.decompress(compressed))  # our own states, from our own Redis


class _Compressed:
    """Pickles as a call of `_inflate` on the compressed bytes of another pickle."""

    def __init__(self, payload: bytes) -> None:
        self.compressed = zlib.compress(payload, 1)

    def __reduce__(self) -> tuple[Callable[[bytes], Any], tuple[bytes]]:
        return _inflate, (self.compressed,)


def compressed(payload: bytes) -> bytes:
    """`payload` (a pickle) as a smaller pickle that loads the same, or `payload` itself when that is
    no larger (a small state, whose few fields zlib cannot shrink by its own overhead; b"")."""
    if not payload:
        return payload
    smaller = pickle.dumps(_Compressed(payload), protocol=pickle.HIGHEST_PROTOCOL)
    return smaller if len(smaller) < len(payload) else payload


def store_compressed(cls: type[rx.State]) -> None:
    """Write `cls` and every state under it compressed (assigned after the class is made, as above)."""
    serialize = cls._serialize

    def _serialize(self: rx.State) -> bytes:
        return compressed(serialize(self))

    cls._serialize = _serialize  # type: ignore[method-assign]


# Every state, from the root (whose router data is most of what a visitor keeps) down; before any
# `keep_only_when_changed`, which wraps what it finds here.
store_compressed(rx.State)
