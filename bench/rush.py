"""On-sale rush on the event page, through Reflex's websocket as Chromium drives it (#18 target 1:
>= 300 hydrated loads/s with p99 <= 300 ms at 32 concurrent visitors while 2,000 others stay
connected; <= 5 KB of Redis per connected visitor).

Usage (against a running production app with Redis, e.g. the one `make bench` starts):
    python bench/rush.py --url http://localhost:3700 --short-id AB12CD --visitors 32 --idle 2000 \
        --seconds 20 --redis redis://127.0.0.1:6379/13 --app-pgid <pgid>

First Chromium opens the event page once and its frames are kept (page_socket.record). Then `--idle`
visitors open the page (new tab each: own token) and stay connected, answering pings; Redis's memory
before and after gives the bytes per connected visitor. Then `--visitors` visitors load the page in a
loop for `--seconds`, each load a new tab (a first visit, as in a rush), timed from opening the socket
to the page's hydrated frame.

The visitors are not signed in and send no cookie, as a rush's lookers: their first visits share one
load's frames (eventpalour/state/first_frames.py) unless PUBLIC_EVENT_CACHE_SECONDS is 0. A signed-in
visitor's load is measured by bench/browser_checkout.py's hydrate step.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import app_cpu_seconds
from page_socket import PageSocket, Recording, Timings, app_rss_mb, describe, record


def redis_memory(url: str | None) -> tuple[int, int]:
    """(used_memory bytes, keys) of the Redis database the app keeps page state in."""
    if not url:
        return 0, 0
    import redis

    client = redis.Redis.from_url(url)
    return int(client.info("memory")["used_memory"]), int(client.dbsize())


async def open_idle(
    client: aiohttp.ClientSession, base_url: str, recording: Recording, count: int, concurrency: int
) -> list[PageSocket]:
    """`count` visitors who open the page and stay."""
    sockets: list[PageSocket] = []
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with semaphore:
            page = PageSocket(client, base_url, recording)
            await page.open()
            sockets.append(page)

    await asyncio.gather(*(one() for _ in range(count)))
    return sockets


async def load_loop(base_url: str, recording: Recording, visitors: int, seconds: float) -> tuple[Timings, float]:
    """`visitors` loops of new-tab page loads for `seconds`; returns the timings and the wall time."""
    timings = Timings()
    stop_at = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:

        async def visitor() -> None:
            while time.perf_counter() < stop_at:
                page = PageSocket(client, base_url, recording)
                try:
                    timings.add("load", await page.open())
                except (TimeoutError, ConnectionError, aiohttp.ClientError) as exc:
                    timings.error(type(exc).__name__)
                finally:
                    await page.close()

        started = time.perf_counter()
        await asyncio.gather(*(visitor() for _ in range(visitors)))
        return timings, time.perf_counter() - started


async def settled_redis_memory(url: str | None, most_seconds: int = 30) -> tuple[int, int]:
    """`redis_memory` once no visitor's state is held in the app's memory any more: its opportunistic
    lock keeps a visitor's state there while held (REFLEX_OPLOCK_HOLD_TIME, with a `…_lock` key in
    Redis) and writes it to Redis when the hold ends."""
    if not url:
        return 0, 0
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(2 * most_seconds):
        if next(client.scan_iter(match="*_lock", count=1000), None) is None:
            break
        await asyncio.sleep(0.5)
    return redis_memory(url)


async def main_async(args: argparse.Namespace, recording: Recording) -> None:
    memory_before, keys_before = redis_memory(args.redis)
    idle: list[PageSocket] = []
    idle_client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    if args.idle:
        started = time.perf_counter()
        idle = await open_idle(idle_client, args.url, recording, args.idle, args.visitors)
        memory_after, keys_after = await settled_redis_memory(args.redis)
        print(f"idle visitors  {len(idle):6d} connected in {time.perf_counter() - started:.1f} s")
        if args.redis:
            per = (memory_after - memory_before) / len(idle)
            print(f"redis          {per / 1024:8.1f} KB per connected visitor ({keys_after - keys_before} keys)")
    print(f"app RSS        {app_rss_mb(args.app_pgid):8.0f} MB")
    # The app's CPU while the idle visitors sit there (their pings, the app's own timers), taken out
    # of the loop's: on a shared machine the loads/s depend on the neighbours, CPU per load does not.
    rest, rest_seconds = 0.0, 5.0
    if args.app_pgid:
        rest = app_cpu_seconds(args.app_pgid)
        await asyncio.sleep(rest_seconds)
        rest = (app_cpu_seconds(args.app_pgid) - rest) / rest_seconds
    cpu = app_cpu_seconds(args.app_pgid)
    timings, seconds = await load_loop(args.url, recording, args.visitors, args.seconds)
    cpu = app_cpu_seconds(args.app_pgid) - cpu
    loads = timings.ms.get("load", [])
    print(describe("page loads", loads, seconds))
    if cpu and loads:
        net = cpu - rest * seconds
        print(f"app CPU        {1000 * net / len(loads):8.1f} ms per load ({1000 * cpu / len(loads):.1f} ms before")
        print(f"               taking out {100 * rest:.1f} % of a core at rest)")
    if timings.errors:
        print(f"errors         {timings.errors}")
    print(f"app RSS        {app_rss_mb(args.app_pgid):8.0f} MB (after the loop)")
    for page in idle:
        await page.close()
    await idle_client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--short-id", required=True, help="the event page to load: /e/SHORT_ID")
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--redis", help="the app's REDIS_URL, to measure state kept per visitor")
    parser.add_argument("--app-pgid", type=int, help="the app's process group, for its memory")
    args = parser.parse_args()
    short_id = args.short_id
    recording = record(args.url, f"/e/{short_id}")  # Playwright's sync API, before the event loop
    print(f"recorded /e/{short_id}: hydrate frame {len(recording.connect_frame)} bytes")
    asyncio.run(main_async(args, recording))


if __name__ == "__main__":
    main()
