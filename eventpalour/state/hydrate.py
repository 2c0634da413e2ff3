"""A page load builds only the states that say something to this visitor (#18 targets 1 and 2).

Reflex loads a visitor's whole state tree (~60 states, one per page of the app) for the hydrate
that opens every page, builds a fresh instance of each state the visitor never stored, serialises
all of them into the first frame, and then diffs that frame against the compiled `initialState`
the browser already holds, which drops almost all of it: a fresh state of a page the visitor is not
on says exactly what the compiled bundle says. That was about half of the event page's CPU per
load (py-spy, session 11).

A state class is *constant when fresh* when its computed vars read none of another state's vars (so
the router, the user or the language cannot change them), none of them is uncached or timed, it
holds no cookie or local-storage field (the hydrate resets and sets those), and its fresh instance
serialises to exactly the defaults the backend hashes for the compiled bundle. Such a state, when
Redis holds nothing for the visitor, is not built at all when the Redis state manager loads a tree
(`get_state` below); states with stored data, the requested state, its ancestors and every state
whose computed vars depend on a loaded one are built as before, so deltas and handlers see what
they always saw, and a handler asking for a state left out gets it from Redis as Reflex always does
for a partial tree.

The first frame stays exact: a tree's `dict()` adds, for each state left out, its precomputed fresh
values (`_Unchanged`), and the diff against the compiled defaults drops those outright when the
browser's hash for that state matches the backend's (the vars would all compare equal: that is
what "constant when fresh" checked), and otherwise sends them in full as Reflex does. A browser
that sends no hashes gets the full dict, as before.
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

import reflex.state as reflex_state
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, State, _resolve_delta, all_base_state_classes
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils.exceptions import StateSchemaMismatchError

# Per state class: its fresh values (var name with Reflex's field marker -> value) when it is
# constant when fresh, else None. Made on the first load of a tree in this process (`_prepare`),
# again if state classes are added after it (a hot reload).
_fresh: dict[type[BaseState], dict[str, Any] | None] = {}
_fresh_for_classes = -1


class _Unchanged(dict):
    """A left-out state's fresh values in a first frame: what the compiled bundle holds for it."""


def _depends_on_others() -> set[str]:
    """Full names of the states whose computed vars read another state's vars."""
    dependent: set[str] = set()
    stack: list[type[BaseState]] = [State]
    while stack:
        cls = stack.pop()
        dependent |= cls._potentially_dirty_states - {cls.get_full_name()}
        stack.extend(cls.get_substates())
    return dependent


async def _prepare() -> None:
    """Decide, once per process (and after a hot reload), which classes are constant when fresh."""
    global _fresh_for_classes
    if _fresh_for_classes == len(all_base_state_classes):
        return
    # The backend's own serialised defaults, the ones hydrates are diffed against.
    snapshot = reflex_state._initial_snapshot_cache.get(State)
    if snapshot is None or snapshot.n_state_classes != len(all_base_state_classes):
        reflex_state.cache_initial_snapshot(
            State, await _resolve_delta(State(_reflex_internal_init=True).dict(initial=True))
        )
        snapshot = reflex_state._initial_snapshot_cache[State]
    dependent = _depends_on_others()
    fresh: dict[type[BaseState], dict[str, Any] | None] = {}
    stack: list[type[BaseState]] = list(State.get_substates())
    while stack:
        cls = stack.pop()
        stack.extend(cls.get_substates())
        name = cls.get_full_name()
        defaults = snapshot.serialized.get(name)
        if (
            name in dependent
            or cls._always_dirty_computed_vars
            or cls._interval_computed_var_names
            or any(cls._is_client_storage(name) for name in cls.base_vars)
            or defaults is None
        ):
            fresh[cls] = None
            continue
        alone = cls(init_substates=False, _reflex_internal_init=True)
        values = (await _resolve_delta(_ORIGINAL_DICT(alone)))[name]
        same = values.keys() == defaults.keys() and all(
            reflex_state._serialize_var(value) == defaults[var] for var, value in values.items()
        )
        fresh[cls] = values if same else None
    _fresh.clear()
    _fresh.update(fresh)
    _fresh_for_classes = len(all_base_state_classes)


def constant_when_fresh(cls: type[BaseState]) -> bool:
    """Whether a fresh `cls` may be left out of a tree (known once a tree was loaded)."""
    return _fresh.get(cls) is not None


# --- The Redis state manager: build only what says something ------------------------------------

_ORIGINAL_REQUIRED = StateManagerRedis._get_required_state_classes
_required: dict[tuple[type[BaseState], bool], frozenset[type[BaseState]]] = {}
_required_for_classes = -1


def _get_required_state_classes(
    self: StateManagerRedis,
    target_state_cls: type[BaseState],
    subclasses: bool = False,
    required_state_classes: set[type[BaseState]] | None = None,
) -> set[type[BaseState]]:
    """Reflex's walk of the classes a state needs (ancestors, dependents, substates), once per
    class: it depends only on the classes, and it walked the whole tree for every load (~13 % of a
    hydrate's CPU in process)."""
    global _required_for_classes
    if required_state_classes is not None:  # Reflex's own recursion
        return _ORIGINAL_REQUIRED(self, target_state_cls, subclasses, required_state_classes)
    if _required_for_classes != len(all_base_state_classes):
        _required.clear()
        _required_for_classes = len(all_base_state_classes)
    key = (target_state_cls, subclasses)
    found = _required.get(key)
    if found is None:
        found = _required[key] = frozenset(_ORIGINAL_REQUIRED(self, target_state_cls, subclasses))
    return set(found)


_ORIGINAL_GET_STATE = StateManagerRedis.get_state


async def _get_state(
    self: StateManagerRedis,
    token: Any,
    top_level: bool = True,
    for_state_instance: BaseState | None = None,
) -> Any:
    """`StateManagerRedis.get_state`, leaving out the states constant when fresh that Redis holds
    nothing for. Only a request for a state with substates can leave any out: a leaf's tree is its
    ancestors and their dependents, which Reflex builds as it always did."""
    token = self._coerce_token(token)
    if not isinstance(token, BaseStateToken) or not token.cls.get_substates():
        return await _ORIGINAL_GET_STATE(self, token, top_level, for_state_instance)
    await _prepare()
    flat_state_tree: dict[str, BaseState] = self._get_populated_states(for_state_instance) if for_state_instance else {}
    have = {type(state) for state in flat_state_tree.values()}
    wanted = sorted(
        self._get_required_state_classes(token.cls, subclasses=True) - have,
        key=lambda cls: cls.get_full_name(),
    )
    # One MGET for every key, as Reflex reads them (Redis answers nil for the absent ones cheaply);
    # only the building and serialising of fresh states is saved.
    stored = await self.redis.mget([token._state_key(cls) for cls in wanted]) if wanted else []
    keep = {cls for cls, data in zip(wanted, stored, strict=True) if data is not None or not constant_when_fresh(cls)}
    # The requested state and its ancestors, and for every state kept its ancestors and the states
    # whose computed vars read it (their deltas must be computed when it changes).
    for cls in [token.cls, *keep]:
        keep |= self._get_required_state_classes(cls, subclasses=False)
    for cls, data in zip(wanted, stored, strict=True):
        if cls not in keep:
            continue
        state = None
        if data is not None:
            with contextlib.suppress(StateSchemaMismatchError):
                state = BaseState._deserialize(data=data)
        if state is None:
            state = cls(init_substates=False, _reflex_internal_init=True)
        full_name = state.get_full_name()
        flat_state_tree[full_name] = state
        if cls.get_parent_state() is not None:
            parent_name, _dot, name = full_name.rpartition(".")
            # `wanted` is sorted by full name, so a kept state's parent (kept too) came first.
            parent = flat_state_tree[parent_name]
            parent.substates[name] = state
            state.parent_state = parent
    if top_level:
        return flat_state_tree[token.cls.get_root_state().get_full_name()]
    return flat_state_tree[token.cls.get_full_name()]


# --- The first frame: what a left-out state would have said -------------------------------------

_ORIGINAL_DICT = BaseState.dict

# Per state class: its fields' defaults as its `dict()` gives them for a fresh instance.
_field_defaults: dict[type[BaseState], dict[str, Any]] = {}


class _Defaulted(dict):
    """A built state's values in a first frame, whose fields (`defaults`) were never set or read:
    they hold their defaults, taken once per class instead of deep-copied and serialised per load."""

    defaults: frozenset[str] = frozenset()


def _fields_untouched(state: BaseState) -> bool:
    """Whether none of the state's fields was ever set or read (Reflex makes a field's value, a
    deep copy of its default, on first access), so each holds its default. Only for a class that
    owns every field it sends (an inherited one's value lives on the state that owns it)."""
    cls = type(state)
    values = vars(state)
    return all(cls.__fields__[name]._owner is cls for name in cls.base_vars) and not any(
        name in values for name in cls.base_vars
    )


def _own_values(state: BaseState) -> dict[str, Any]:
    """What `BaseState.dict` gives for `state` itself, for a state whose fields are untouched."""
    cls = type(state)
    defaults = _field_defaults.get(cls)
    if defaults is None:
        alone = cls(init_substates=False, _reflex_internal_init=True)
        defaults = _field_defaults[cls] = {name: alone.get_value(name) for name in cls.base_vars}
    state._mark_dirty_computed_vars()
    variables = {
        **defaults,
        **{name: state.get_value(name) for name, var in state.computed_vars.items() if not var._backend},
    }
    own = _Defaulted({name + FIELD_MARKER: variables[name] for name in sorted(variables)})
    own.defaults = frozenset(name + FIELD_MARKER for name in defaults if name not in state.computed_vars)
    return own


def _dict(self: BaseState, include_computed: bool = True, initial: bool = False, **kwargs: Any) -> dict[str, Any]:
    """`BaseState.dict`, with each substate left out of the tree given its fresh values, and the
    untouched fields of a built state given as their defaults."""
    if not include_computed or initial or not _fresh or not _fields_untouched(self):
        d = _ORIGINAL_DICT(self, include_computed=include_computed, initial=initial, **kwargs)
    else:
        d = {self.get_full_name(): _own_values(self)}
        for substate in self.substates.values():
            d.update(substate.dict(include_computed=include_computed, initial=initial, **kwargs))
    if not include_computed or initial or len(self.substates) == len(type(self).get_substates()):
        return d
    stack = [cls for cls in type(self).get_substates() if cls.get_name() not in self.substates]
    while stack:
        cls = stack.pop()
        values = _fresh.get(cls)
        if values is None:
            # Not constant when fresh, so never left out by `_get_state`: a tree Reflex loaded
            # partially itself (a substate's event rehydrating), whose dict never had it either.
            continue
        d[cls.get_full_name()] = _Unchanged(values)
        stack.extend(cls.get_substates())
    return d


_ORIGINAL_DIFF = reflex_state._diff_against_initial_state


async def _diff_against_initial_state(root_cls: type[BaseState], delta: dict[str, Any], hashes: list[str]) -> Any:
    """Reflex's diff, after dropping what is known to be at the defaults the browser holds (when its
    hash for the state matches the backend's): the left-out states, and the untouched fields of
    built ones. Nothing to compare or send there; the rest is compared by Reflex as before."""
    snapshot = reflex_state._initial_snapshot_cache.get(root_cls)
    if (
        snapshot is not None
        and snapshot.n_state_classes == len(all_base_state_classes)
        and len(hashes) == len(snapshot.hashes) + 1
        and hashes[0] == snapshot.names_digest
    ):
        browser = dict(zip(sorted(snapshot.hashes), hashes[1:], strict=True))
        kept: dict[str, Any] = {}
        for name, values in delta.items():
            if browser.get(name) != snapshot.hashes.get(name):
                kept[name] = values
            elif isinstance(values, _Defaulted):
                kept[name] = {var: value for var, value in values.items() if var not in values.defaults}
            elif not isinstance(values, _Unchanged):
                kept[name] = values
        delta = kept
    return await _ORIGINAL_DIFF(root_cls, delta, hashes)


StateManagerRedis._get_required_state_classes = _get_required_state_classes  # type: ignore[method-assign]
StateManagerRedis.get_state = _get_state  # type: ignore[method-assign]
BaseState.dict = _dict  # type: ignore[method-assign]
reflex_state._diff_against_initial_state = cast(Any, _diff_against_initial_state)
