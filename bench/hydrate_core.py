"""The core of a first visit's hydrate, in process (#18): the Redis state manager loads the visitor's
tree, the hydrate resets client storage and builds its first frame (dict, diff against the compiled
defaults), and the touched states are written back. No server, no socket: CPU per hydrate only.

Usage:
    python bench/hydrate_core.py --redis redis://127.0.0.1:6379/8 [--reflex-own] [--loads 300] [--profile]

`--reflex-own` measures Reflex's own manager, dict and diff (eventpalour/state/hydrate.py's
adaptation undone), for a before/after in one process. The Redis database gets a few keys per load,
deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import reflex.state as reflex_state
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, State, _resolve_delta, state_snapshot_hashes

import eventpalour.eventpalour  # noqa: F401  (registers every page and state)
from eventpalour.state import hydrate


async def measure(redis_url: str, loads: int, profile: bool) -> None:
    redis = Redis.from_url(redis_url)
    manager = StateManagerRedis(redis=redis)
    # What the browser sends: the hashes of the compiled initialState (the backend's defaults).
    hashes = state_snapshot_hashes(await _resolve_delta(State(_reflex_internal_init=True).dict(initial=True)))
    tokens: list[str] = []

    async def one() -> int:
        token = f"{uuid.uuid4()}_hydrate-core"
        tokens.append(token)
        root = await manager.get_state(BaseStateToken(ident=token, cls=State))
        root.router_data = {
            "headers": {"cookie": ""},
            "pathname": "/e/abc123",
            "asPath": "/e/abc123",
            "token": token,
            "ip": "127.0.0.9",
        }
        root._reset_client_storage()
        root._clean()
        frame = await reflex_state._diff_against_initial_state(State, await _resolve_delta(root.dict()), hashes)
        root._clean()
        await manager.set_state(BaseStateToken(ident=token, cls=State), root)
        built = 0
        stack: list[BaseState] = [root]
        while stack:
            built += 1
            stack.extend(stack.pop().substates.values())
        return built if frame is not None else 0

    for _ in range(20):  # warm: class caches, connections
        await one()
    profiler = cProfile.Profile() if profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(loads):
        built = await one()
    if profiler:
        profiler.disable()
    cpu_ms = (time.process_time() - started) / loads * 1000
    print(f"hydrate core     {cpu_ms:6.2f} ms CPU per first visit ({built} states built)")
    for token in tokens:
        keys = [key async for key in redis.scan_iter(f"{token}*")]
        if keys:
            await redis.delete(*keys)
    await redis.aclose()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True, help="a Redis database the bench may write to")
    parser.add_argument("--loads", type=int, default=300)
    parser.add_argument("--reflex-own", action="store_true", help="Reflex's manager, dict and diff")
    parser.add_argument("--profile", action="store_true", help="cProfile the loads")
    args = parser.parse_args()
    if args.reflex_own:
        StateManagerRedis.get_state = hydrate._ORIGINAL_GET_STATE  # type: ignore[method-assign]
        StateManagerRedis._get_required_state_classes = hydrate._ORIGINAL_REQUIRED  # type: ignore[method-assign]
        BaseState.dict = hydrate._ORIGINAL_DICT  # type: ignore[method-assign]
        reflex_state._diff_against_initial_state = hydrate._ORIGINAL_DIFF
    asyncio.run(measure(args.redis, args.loads, args.profile))


if __name__ == "__main__":
    main()
