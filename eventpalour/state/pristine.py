"""Page state still at its defaults is not written to Redis (#18: <= 5 KB of Redis per visitor).

Reflex writes every state a request touched, and reading a cached computed var counts as touching:
the first frame of every visitor (the whole state tree, hydrated) evaluates every page's computed
vars, so each visitor of one event page had some twenty states written for pages they never opened.
A state whose own fields all hold their defaults says nothing a fresh instance would not: it is
not written, and the next request builds it afresh, computing the same vars again.

Once written, a state is always written again (even back at its defaults), so Redis never keeps an
older version of it: `mark_stored` records that it came from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.state import _ROUTER_FIELD_NAMES

_STORED = "_ep_stored"  # set on instances loaded from the store (not a field: never sent anywhere)


def is_pristine(state: rx.State) -> bool:
    """Whether every field this state's class owns still holds its default (unread ones do)."""
    cls = type(state)
    values = vars(state)
    for name, field in cls.__fields__.items():
        if field._owner is not cls or name in _ROUTER_FIELD_NAMES or name not in values:
            continue
        if values[name] != field.default_value():
            return False
    return True


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
