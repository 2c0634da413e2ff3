"""A page load builds only the states that say something (#18, eventpalour/state/hydrate.py), and its
first frame is the one the whole tree would have given the browser."""

from __future__ import annotations

import json
import os
import uuid

import pytest
import reflex.state as reflex_state
from redis.asyncio import Redis
from reflex.istate.data import RouterData
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State, _resolve_delta, state_snapshot_hashes
from reflex_base.utils.format import json_dumps

from eventpalour.state import hydrate
from eventpalour.state.account import AccountState
from eventpalour.state.analytics import AnalyticsState
from eventpalour.state.base import AuthState
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.joining import JoinLinkState
from eventpalour.state.language import LanguageState
from eventpalour.state.navigation import AuthLinksState
from eventpalour.state.orders import OrdersState
from tests.state_support import state_for

# Reads no database: the states are filled in by hand, as a load would fill them.
no_db = pytest.mark.no_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def _tree(root):
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.substates.values())


def _signed_in(page: EventDetailState) -> None:
    auth = page.parent_state
    auth.user_id = "u-1"
    auth.user_name = "Amina Otieno"
    auth.user_email = "amina@example.com"


def _leave_out_fresh(root: State) -> list[str]:
    """Detach what the Redis manager leaves out of a first visit's tree: the states constant when
    fresh that hold only their defaults here. Returns their names."""
    left_out = []
    for state in list(_tree(root)):
        for name, sub in list(state.substates.items()):
            if hydrate.constant_when_fresh(type(sub)) and not any(s is not sub and _is_kept(s) for s in _tree(sub)):
                left_out.append(sub.get_full_name())
                del state.substates[name]
    return left_out


def _is_kept(state) -> bool:
    return not hydrate.constant_when_fresh(type(state))


async def _frame(root: State, hashes: list[str] | None, *, reflex_own: bool = False):
    """What `State.hydrate_and_load` sends as the first frame (before the dirty vars it adds), as
    the browser reads it; `reflex_own`: with Reflex's own `dict` and diff, not ours."""
    delta = await _resolve_delta(hydrate._ORIGINAL_DICT(root) if reflex_own else root.dict())
    if hashes:
        diff = hydrate._ORIGINAL_DIFF if reflex_own else reflex_state._diff_against_initial_state
        delta = await diff(State, delta, hashes)
    return json.loads(json_dumps(delta))


async def _compiled_hashes() -> list[str]:
    """The hashes a browser sends: those of the compiled `initialState`, the backend's defaults."""
    return state_snapshot_hashes(await _resolve_delta(State(_reflex_internal_init=True).dict(initial=True)))


async def _page(signed_in: bool, path: str = "/e/abc123", ip: str = "127.0.0.9", cookie: str = "") -> EventDetailState:
    await hydrate._prepare()
    page = state_for(EventDetailState, token=None, path=path, ip=ip, headers={"cookie": cookie} if cookie else None)
    if signed_in:
        _signed_in(page)
    page.subtotal_label = "KES 1,500.00"
    page.quantities = {"tier-1": 2}
    return page


@no_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
async def test_the_first_frame_of_a_partial_tree_is_the_full_trees(signed_in: bool):
    hashes = await _compiled_hashes()
    full = (await _page(signed_in)).parent_state.parent_state
    expected = await _frame(full, hashes, reflex_own=True)

    partial = (await _page(signed_in)).parent_state.parent_state
    left_out = _leave_out_fresh(partial)
    assert len(left_out) > 20  # most pages' states are not built for a visitor of this one
    assert await _frame(partial, hashes) == expected
    assert expected[EventDetailState.get_full_name()]["subtotal_label_rx_state_"] == "KES 1,500.00"
    if signed_in:
        assert expected[AuthState.get_full_name()]["user_name_rx_state_"] == "Amina Otieno"


@no_db
async def test_a_browser_compiled_with_other_defaults_gets_the_left_out_states_in_full():
    hashes = await _compiled_hashes()
    names = sorted(reflex_state._initial_snapshot_cache[State].hashes)
    orders = OrdersState.get_full_name()
    hashes[1 + names.index(orders)] = "0" * 16  # this browser's bundle has other defaults for OrdersState
    full = (await _page(False)).parent_state.parent_state
    partial = (await _page(False)).parent_state.parent_state
    assert orders in _leave_out_fresh(partial)

    frame = await _frame(partial, hashes)
    assert frame == await _frame(full, hashes, reflex_own=True)
    assert frame[orders] == (await _frame(full, None, reflex_own=True))[orders]  # every var, as Reflex sends them


@no_db
async def test_a_browser_sending_no_hashes_gets_the_whole_dict():
    full = (await _page(True)).parent_state.parent_state
    partial = (await _page(True)).parent_state.parent_state
    _leave_out_fresh(partial)
    assert await _frame(partial, None) == await _frame(full, None, reflex_own=True)


@no_db
async def test_cookies_router_and_cross_state_vars_are_never_left_out():
    await hydrate._prepare()
    assert not hydrate.constant_when_fresh(LanguageState)  # a cookie the hydrate resets and sets
    assert not hydrate.constant_when_fresh(AuthLinksState)  # its computed vars read the router
    assert not hydrate.constant_when_fresh(EventDetailState)  # its computed vars read the user
    assert hydrate.constant_when_fresh(OrdersState)


# Visitors one after another in one process, as a worker serves them: the same page from other
# connections, other pages (a query the account page reads, a workspace path the analytics page
# reads), another language's cookie, and a signed-in visitor.
VISITS = [
    (False, "/e/abc123", "127.0.0.9", ""),
    (False, "/e/abc123", "10.1.2.3", ""),
    (False, "/e/abc123", "10.1.2.4", "ep_lang=sw"),
    (False, "/account?two_factor=admin", "10.1.2.5", ""),
    (False, "/w/ws-1/analytics", "10.1.2.6", "ep_lang=fr"),
    (True, "/e/abc123", "10.1.2.7", ""),
    (False, "/e/abc123", "10.1.2.8", "ep_lang=sw"),
    (False, "/w/ws-2/analytics", "10.1.2.9", "ep_lang=fr"),
]


@no_db
async def test_vars_kept_per_router_value_give_each_visitor_the_full_trees_frame():
    """The vars of states that read only their own fields and the router (13 of a first visit's 19
    states) are computed once per router value and given again: every visitor's frame is still the
    one Reflex's own dict and diff give for that visitor."""
    hashes = await _compiled_hashes()
    for signed_in, path, ip, cookie in VISITS:
        full = (await _page(signed_in, path, ip, cookie)).parent_state.parent_state
        expected = await _frame(full, hashes, reflex_own=True)
        partial = (await _page(signed_in, path, ip, cookie)).parent_state.parent_state
        _leave_out_fresh(partial)
        assert await _frame(partial, hashes) == expected, (path, cookie)
        assert await _frame(partial, None) == await _frame(full, None, reflex_own=True), (path, cookie)
    account = (await _frame((await _page(False, "/account?two_factor=admin")).parent_state.parent_state, hashes))[
        AccountState.get_full_name()
    ]
    assert account["two_factor_reason_rx_state_"]  # the query's reason, not the first visitor's ""


@no_db
async def test_what_a_kept_var_reads_of_the_router_is_its_key():
    hashes = await _compiled_hashes()
    for signed_in, path, ip, cookie in VISITS:
        await _frame((await _page(signed_in, path, ip, cookie)).parent_state.parent_state, hashes)
    assert hydrate._keyed_by_router(JoinLinkState) and hydrate._keyed_by_router(AnalyticsState)
    assert not hydrate._keyed_by_router(EventDetailState)  # reads the user (AuthState)
    assert hydrate._router_reads[JoinLinkState] == {("url",)}
    assert ("headers", "cookie") in hydrate._router_reads[AnalyticsState]  # the language
    # Nothing kept reads the connection (token, address), so visitors of one page share the values.
    assert not any(path[0] == "session" for reads in hydrate._router_reads.values() for path in reads)
    assert len(hydrate._router_values[JoinLinkState]) == len({path for _s, path, _i, _c in VISITS})


@no_db
async def test_the_router_getter_keeps_reflexs_dependency_tracking():
    """Reflex reads the code of `router`'s getter to find what a computed var depends on: the
    recording getter must leave every router-reading var a dependent of the router."""
    dependents = State._potentially_dirty_states
    for cls in (AccountState, JoinLinkState, AuthLinksState, AnalyticsState):
        assert cls.get_full_name() in dependents


def _router(token: str, path: str) -> dict:
    return RouterData.from_router_data(
        {"headers": {"cookie": ""}, "pathname": path, "asPath": path, "token": token, "ip": "127.0.0.9"}
    )


@no_db
async def test_the_redis_manager_builds_only_stored_and_needed_states():
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except OSError:
        pytest.fail(f"the Redis state manager test needs Redis at {REDIS_URL} (TEST_REDIS_URL)")
    manager = StateManagerRedis(redis=redis)
    token = f"{uuid.uuid4()}_hydrate-test"
    try:
        root = await manager.get_state(BaseStateToken(ident=token, cls=State))
        built = {type(s) for s in _tree(root)}
        assert OrdersState not in built and EventDetailState in built and LanguageState in built
        assert len(built) < 30  # of some 60

        # A visitor who stored something in a left-out state gets it back on the next load.
        # What `state.get_state(OrdersState)` asks the manager for a state left out of the tree.
        orders = await manager.get_state(
            BaseStateToken(ident=token, cls=OrdersState), top_level=False, for_state_instance=root
        )
        orders.router = _router(token, "/orders")
        orders.request_reason = "Wrong date"
        await manager.set_state(BaseStateToken(ident=token, cls=State), root)
        again = await manager.get_state(BaseStateToken(ident=token, cls=State))
        kept = {type(s): s for s in _tree(again)}
        assert kept[OrdersState].request_reason == "Wrong date"
    finally:
        keys = [key async for key in redis.scan_iter(f"{token}*")]
        if keys:
            await redis.delete(*keys)
        await manager.close()


@no_db
async def test_within_a_held_lock_redis_is_not_asked_again_for_what_it_did_not_hold():
    """Under Reflex's opportunistic lock, a load's later events complete the tree kept in process
    (its missing substates, the on_load state): states Redis held nothing for at the first read are
    built fresh without asking again; that lock keeps every other writer out meanwhile. Without the
    held lock, Redis is asked as before."""
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except OSError:
        pytest.fail(f"the Redis state manager test needs Redis at {REDIS_URL} (TEST_REDIS_URL)")
    manager = StateManagerRedis(redis=redis)
    token = f"{uuid.uuid4()}_hydrate-test"
    root_token = BaseStateToken(ident=token, cls=State)
    orders_token = BaseStateToken(ident=token, cls=OrdersState)
    try:
        # As `_create_lease_break_task` does: the lease is recorded, then the tree read and kept.
        manager._local_leases[root_token.lock_key] = None
        root = await manager.get_state(root_token)
        manager._cached_states[root_token.lock_key] = root
        assert OrdersState not in {type(s) for s in _tree(root)}
        # A value only another writer could have put there (one that ignored the lock).
        stored = OrdersState(init_substates=False, _reflex_internal_init=True)
        stored.request_reason = "Written meanwhile"
        await redis.set(orders_token._state_key(OrdersState), stored._serialize())

        orders = await manager.get_state(orders_token, top_level=False, for_state_instance=root)
        assert orders.request_reason == ""  # built fresh: Redis was not asked

        del manager._local_leases[root_token.lock_key]
        manager._cached_states.pop(root_token.lock_key)
        again = await manager.get_state(root_token)
        orders = await manager.get_state(orders_token, top_level=False, for_state_instance=again)
        assert orders.request_reason == "Written meanwhile"  # no lock held here: Redis is asked
    finally:
        keys = [key async for key in redis.scan_iter(f"{token}*")]
        if keys:
            await redis.delete(*keys)
        await manager.close()
