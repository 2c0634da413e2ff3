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

Two more shortcuts (session 13): the computed vars of states that read only their own fields and
the router (other pages' states, built for every visitor because the router dirties them) are
computed once per value of the router parts they read, not per visitor (`_router_keyed_values`);
and within Reflex's opportunistic lock, Redis is not asked again for states it held nothing for at
the tree's first read (`_known_absent`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any, cast

import reflex.state as reflex_state
from reflex.istate.data import RouterData
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, State, _resolve_delta, all_base_state_classes
from reflex_base import constants
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils.exceptions import StateSchemaMismatchError

from eventpalour.state.pristine import is_pristine

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

# Per visitor's lock key: the tree Reflex's opportunistic lock keeps in this process for the burst of
# a load's events, and the state classes Redis was seen to hold nothing for when it was read.
_absent: dict[Any, tuple[BaseState, set[type[BaseState]]]] = {}


def _known_absent(manager: StateManagerRedis, token: BaseStateToken, tree: BaseState | None) -> set[type[BaseState]]:
    """The classes Redis holds nothing for in `tree`, the tree this process keeps for the visitor
    under its opportunistic lock (so holds the visitor's Redis lock: no one else writes their states
    meanwhile); empty for any other tree."""
    if tree is None or token.lock_key not in manager._local_leases:
        return set()
    root = tree._get_root_state()
    kept = _absent.get(token.lock_key)
    if kept is None or kept[0] is not root or manager._cached_states.get(token.lock_key) is not root:
        return set()
    return kept[1]


def _remember_absent(manager: StateManagerRedis, token: BaseStateToken, root: BaseState, absent: set) -> None:
    if token.lock_key not in manager._local_leases:
        return
    kept = _absent.get(token.lock_key)
    if kept is not None and kept[0] is root:
        kept[1].update(absent)
        return
    _absent[token.lock_key] = (root, absent)
    if len(_absent) > 2 * len(manager._cached_states) + 64:  # trees no longer kept
        for key in [key for key, (tree, _) in _absent.items() if manager._cached_states.get(key) is not tree]:
            if key != token.lock_key:
                del _absent[key]


async def _get_state(
    self: StateManagerRedis,
    token: Any,
    top_level: bool = True,
    for_state_instance: BaseState | None = None,
) -> Any:
    """`StateManagerRedis.get_state`, leaving out the states constant when fresh that Redis holds
    nothing for (only a request for a state with substates can leave any out: a leaf's tree is its
    ancestors and their dependents, which are built as Reflex builds them), and not asking Redis
    again, within one opportunistic lock's hold, for states it was seen to hold nothing for (a load's
    later events asked for them twice more: the tree's missing substates, the on_load state)."""
    token = self._coerce_token(token)
    if not isinstance(token, BaseStateToken):
        return await _ORIGINAL_GET_STATE(self, token, top_level, for_state_instance)
    await _prepare()
    flat_state_tree: dict[str, BaseState] = self._get_populated_states(for_state_instance) if for_state_instance else {}
    have = {type(state) for state in flat_state_tree.values()}
    wanted = sorted(
        self._get_required_state_classes(token.cls, subclasses=True) - have,
        key=lambda cls: cls.get_full_name(),
    )
    # One MGET for every key not known absent, as Reflex reads them (Redis answers nil for the absent
    # ones cheaply); the building and serialising of fresh states is saved.
    absent = _known_absent(self, token, for_state_instance)
    asked = [cls for cls in wanted if cls not in absent]
    answers = await self.redis.mget([token._state_key(cls) for cls in asked]) if asked else []
    found = dict(zip(asked, answers, strict=True))
    stored = [found.get(cls) for cls in wanted]
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
    root = flat_state_tree[token.cls.get_root_state().get_full_name()]
    _remember_absent(self, token, root, {cls for cls in asked if found[cls] is None})
    if top_level:
        return root
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
    computed = _router_keyed_values(state)
    if computed is None:
        computed = {name: state.get_value(name) for name, var in state.computed_vars.items() if not var._backend}
    variables = {**defaults, **computed}
    own = _Defaulted({name + FIELD_MARKER: variables[name] for name in sorted(variables)})
    own.defaults = frozenset(name + FIELD_MARKER for name in defaults if name not in state.computed_vars)
    return own


# --- Computed vars that read only their own fields and the router: once per router value ---------
#
# Of the 19 states a first visit of the event page builds, 13 are other pages' states (account,
# admin, analytics, billing, ...) built only because a computed var of theirs reads the router (a
# query parameter, the path, the language cookie): Reflex makes every such state a dependent of the
# root, so it is in every tree and its vars are computed for every visitor's first frame. With its
# own fields untouched (so at their defaults) and its ancestors below the root at their defaults, such
# a var is a function of the router parts it reads: computed once, it is given again to every visitor
# whose router has the same values in those parts (the same URL, the same cookie: a rush's visitors),
# instead of being computed per visitor (#18).
#
# Which parts a class's vars read is recorded while they are computed (`_Recording*` below: the
# router's url and route id, and each field of its session, headers and page), and the values are
# kept under those parts' values. The vars take the same path again for the same values, so they read
# nothing else; a computation that reads a part not seen before adds it to the class's parts and
# starts its values afresh. Only the first frame is given these values: the state's own cache is left
# as it was, so a later event computes them itself, as Reflex does.

_ROUTER_PARTS = frozenset(constants.ROUTER_VARS)
# Per class: whether its computed vars may be kept per router value (decided once per class).
_router_keyed: dict[type[BaseState], bool] = {}
# Per class: the router parts its vars were seen to read, and its vars' values per those parts' values.
_router_reads: dict[type[BaseState], frozenset[tuple[str, ...]]] = {}
_router_values: dict[type[BaseState], dict[tuple[Any, ...], dict[str, Any]]] = {}
_MAX_KEPT_PER_CLASS = 256  # distinct URLs and cookies per class, before its values start afresh
_reads: set[tuple[str, ...]] | None = None  # the parts read by the computation under way


def _keyed_by_router(cls: type[BaseState]) -> bool:
    """Whether every computed var of `cls` reads only fields `cls` owns, its other computed vars and
    the router (Reflex's own dependency tracking), none is uncached or timed, and `cls` has no cookie
    or local-storage field (the hydrate resets and sets those)."""
    found = _router_keyed.get(cls)
    if found is None:
        own = {name for name in cls.base_vars if cls.__fields__[name]._owner is cls}
        allowed = own | set(cls.computed_vars) | _ROUTER_PARTS
        name = cls.get_full_name()
        found = _router_keyed[cls] = bool(cls.computed_vars) and not (
            cls._always_dirty_computed_vars
            or cls._interval_computed_var_names
            or any(cls._is_client_storage(var) for var in cls.base_vars)
            or any(
                state != name or not names <= allowed
                for var in cls.computed_vars.values()
                for state, names in var._deps(objclass=cls).items()
            )
        )
    return found


def _router_keyed_values(state: BaseState) -> dict[str, Any] | None:
    """The first frame's values of `state`'s computed vars (untouched fields), kept per the router
    values they read; None when they are not kept that way (computed by the caller as before)."""
    global _reads
    cls = type(state)
    if _reads is not None or not _keyed_by_router(cls):
        return None
    values = vars(state)
    if any(var._cache_attr in values for var in cls.computed_vars.values()):
        return None  # computed before: what it read would not be seen again
    parent = state.parent_state
    while parent is not None and parent.parent_state is not None:
        if not is_pristine(parent):  # e.g. a signed-in visitor's AuthState
            return None
        parent = parent.parent_state
    router = _router_parts(state)
    reads = _router_reads.get(cls, frozenset())
    kept = _router_values.setdefault(cls, {})
    key = _router_key(router, reads)
    if key is not None and (values := kept.get(key)) is not None:
        return values
    _reads = set()
    try:
        values = {name: state.get_value(name) for name, var in cls.computed_vars.items() if not var._backend}
        read = frozenset(_reads)
    finally:
        _reads = None
    if not read <= reads:
        reads = _router_reads[cls] = reads | read
        kept.clear()
        key = _router_key(router, reads)
    if key is not None:
        if len(kept) >= _MAX_KEPT_PER_CLASS:
            kept.clear()
        kept[key] = values
    return values


def _router_parts(state: BaseState) -> dict[str, Any]:
    """The router's parts as `state.router` gives them, read straight from the root state's fields
    (building the router object, with Reflex's proxy around each part, was most of a lookup's cost)."""
    root = state._get_root_state()
    fields = vars(root)
    if not all(name in fields for name in _ROUTER_PARTS):  # a router never set: its defaults
        router = _ORIGINAL_ROUTER_FGET(state)
        return {
            "session": router.session,
            "headers": router.headers,
            "_page": router._page,
            "url": router.url,
            "route_id": router.route_id,
        }
    return {
        "session": fields[constants.ROUTER_SESSION],
        "headers": fields[constants.ROUTER_HEADERS],
        "_page": fields[constants.ROUTER_PAGE],
        "url": fields[constants.ROUTER_URL].href,
        "route_id": fields[constants.ROUTER_ROUTE_ID],
    }


def _router_key(router: dict[str, Any], reads: frozenset[tuple[str, ...]]) -> tuple[Any, ...] | None:
    """The values of the router parts `reads`, hashable; None when one cannot be (not kept)."""
    key = []
    for part, *names in sorted(reads):
        value = router[part]
        for name in names:
            value = getattr(value, name)
        try:
            hash(value)
        except TypeError:
            return None
        key.append(value)
    return tuple(key)


def _recording(value: Any, part: str) -> Any:
    """`value` (the router's session, headers or page data) as an equal object that notes each field
    read while a computation is recorded; hashing, comparing or copying it reads every field."""
    value = getattr(value, "__wrapped__", value)  # Reflex hands fields out in its MutableProxy
    recording_cls = _recording_classes.get(type(value))
    if recording_cls is None:
        fields = frozenset(field.name for field in dataclasses.fields(value))

        def __getattribute__(self: Any, name: str) -> Any:  # noqa: N807
            if name in fields and _reads is not None:
                _reads.add((object.__getattribute__(self, "_ep_part"), name))
            return object.__getattribute__(self, name)

        recording_cls = _recording_classes[type(value)] = type(
            f"Recording{type(value).__name__}", (type(value),), {"__getattribute__": __getattribute__}
        )
    recording = object.__new__(recording_cls)
    recording.__dict__.update(value.__dict__)
    recording.__dict__["_ep_part"] = part
    return recording


_recording_classes: dict[type, type] = {}


class _RecordingRouter(RouterData):
    """The router a recorded computation sees: its url and route id noted when read, its session,
    headers and page recording their own fields."""

    def __getattribute__(self, name: str) -> Any:
        if name in ("url", "route_id") and _reads is not None:
            _reads.add((name,))
        return object.__getattribute__(self, name)


_ORIGINAL_ROUTER_FGET = reflex_state._router_fget


def _router_fget(self: BaseState) -> RouterData:
    """`state.router`: Reflex's own, or while a computation is recorded one that notes what is read.
    Written as Reflex's `_router_fget` is: Reflex finds a computed var's dependencies by reading the
    code of this getter too (its `self.rx_router_*` reads make every var reading the router depend on
    them). Outside a recording it is built from the root's fields as they are stored (`_router_parts`):
    through each field's descriptor and Reflex's proxy, a handler's every `self.router` (its cookie,
    its language, its device) cost more than the router it gave."""
    if _reads is None:
        return RouterData(**_router_parts(self))
    router = RouterData(
        session=self.rx_router_session,
        headers=self.rx_router_headers,
        _page=self.rx_router_page,
        url=cast(Any, self.rx_router_url.href),
        route_id=self.rx_router_route_id,
    )
    return _RecordingRouter(
        session=_recording(router.session, "session"),
        headers=_recording(router.headers, "headers"),
        _page=_recording(router._page, "_page"),
        url=router.url,
        route_id=router.route_id,
    )


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
# Every state's `router` (the descriptor lives on BaseState; no state class defines its own).
type.__setattr__(BaseState, "router", reflex_state._RouterDescriptor(_router_fget, reflex_state._router_fset))
