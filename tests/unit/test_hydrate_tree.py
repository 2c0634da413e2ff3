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
from eventpalour.state.base import AuthState
from eventpalour.state.event_detail import EventDetailState
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


async def _page(signed_in: bool) -> EventDetailState:
    await hydrate._prepare()
    page = state_for(EventDetailState, token=None, path="/e/abc123")
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
