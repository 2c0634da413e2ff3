"""A waiting room under an on-sale rush, against the RUNNING app (#18): V browsers join an event's
queue through its page (GET /e/{short_id}/queue, each with its own cookie jar), then poll their place
as the page's script does (GET /api/waiting-room/{short_id}/status every `poll_seconds`, jittered)
while admission runs at the set rate; an admitted browser redeems its pass (GET the enter URL) and
stops. Reported: joins and polls per second with their latency, passes issued per second against
the rate, and the database's word that nobody was admitted or let in twice.

Usage (the app and the bench share DATABASE_URL and SECRET_KEY; the queue needs no Reflex, so the
API alone serves it for an engineering figure):

    export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench_waiting_room
    export SECRET_KEY=bench-waiting-room-secret-key-0123456789abcdef
    alembic upgrade head
    APP_URL=http://127.0.0.1:3500 uvicorn --factory eventpalour.api:create_api --port 3500 --workers 4 &
    python bench/waiting_room.py --url http://127.0.0.1:3500 --visitors 2000 --rate 600 --seconds 30

The bench writes its own rows (an organizer, a workspace, the event and its room) into the app's
database, so run it against a database made for it.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentiles(values: Sequence[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms"


def create_room(rate: int, starts_in: timedelta) -> tuple[str, str, object]:
    """A published free event with its waiting room open and admission starting in `starts_in`
    (on the minute); returns (event id, short id, the organizer)."""
    from eventpalour.models.types import new_id, utcnow
    from tests.factories import make_event, make_organizer, make_workspace

    owner = make_organizer(email=f"organizer-{new_id(6)}@bench.example.com")
    event = make_event(owner, make_workspace(owner, name="Queue Bench").id, publish=True, title="Queue Bench")
    _set_start(owner, event.id, utcnow() + starts_in, rate)
    return event.id, event.short_id, owner


def _set_start(owner: object, event_id: str, starts_at: object, rate: int) -> None:
    from eventpalour.services import sales

    zone = ZoneInfo("Africa/Nairobi")  # the bench event's zone (factories.event_input)
    fmt = "%Y-%m-%dT%H:%M"
    sales.set_waiting_room(
        actor=owner.summary,
        event_id=event_id,
        enabled=True,
        opens_local=(starts_at - timedelta(hours=1)).astimezone(zone).strftime(fmt),
        starts_local=starts_at.astimezone(zone).strftime(fmt),
        rate_per_minute=str(rate),
    )


def room_figures(event_id: str) -> tuple[int, int, int, int]:
    """(visitors, admitted rows, the room's admitted_count, entered rows) from the database."""
    from sqlalchemy import func, select

    from eventpalour.db import read_only
    from eventpalour.models import WaitingRoom, WaitingRoomVisitor

    visitors = WaitingRoomVisitor.__table__.c
    with read_only() as reader:
        row = (
            reader.connection()
            .execute(
                select(func.count(), func.count(visitors.admitted_at), func.count(visitors.entered_at)).where(
                    visitors.event_id == event_id
                )
            )
            .one()
        )
        counted = reader.get(WaitingRoom, event_id).admitted_count
    return int(row[0]), int(row[1]), counted, int(row[2])


class Visitor:
    def __init__(self, connector: aiohttp.BaseConnector, base: str) -> None:
        self.session = aiohttp.ClientSession(
            base_url=base, connector=connector, connector_owner=False, cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        self.admitted_at: float | None = None


async def bench(args: argparse.Namespace) -> int:
    from eventpalour.models.types import utcnow

    event_id, short_id, owner = create_room(args.rate, timedelta(hours=1))
    connector = aiohttp.TCPConnector(limit=args.connections)
    visitors = [Visitor(connector, args.url) for _ in range(args.visitors)]
    joins: list[float] = []
    gate = asyncio.Semaphore(args.connections)

    async def join(visitor: Visitor) -> None:
        async with gate:
            started = time.perf_counter()
            async with visitor.session.get(f"/e/{short_id}/queue", allow_redirects=False) as response:
                await response.read()
                assert response.status == 200, response.status
            joins.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(join(v) for v in visitors))
    took = time.perf_counter() - started
    print(f"joined: {len(joins)} browsers in {took:.1f} s = {len(joins) / took:.0f}/s, {percentiles(joins)}")

    # Admission starts now (on the minute just gone: the rate's clock starts there, two batches' worth
    # of credit at most), and every browser polls as its page does.
    _set_start(owner, event_id, utcnow(), args.rate)
    polls: list[float] = []
    errors = 0
    rush_started = time.perf_counter()
    deadline = rush_started + args.seconds

    async def wait(visitor: Visitor) -> None:
        nonlocal errors
        await asyncio.sleep(random.uniform(0, args.poll_seconds))
        while time.perf_counter() < deadline:
            asked = time.perf_counter()
            try:
                async with visitor.session.get(f"/api/waiting-room/{short_id}/status") as response:
                    status = await response.json()
            except (aiohttp.ClientError, ValueError):
                errors += 1
                await asyncio.sleep(args.poll_seconds)
                continue
            polls.append((time.perf_counter() - asked) * 1000)
            if status["admitted"]:
                visitor.admitted_at = time.perf_counter() - rush_started
                async with visitor.session.get(status["enter_url"], allow_redirects=False) as entered:
                    assert entered.status == 303 and entered.headers["location"] == f"/e/{short_id}"
                return
            await asyncio.sleep(args.poll_seconds * random.uniform(0.8, 1.2))

    await asyncio.gather(*(wait(v) for v in visitors))
    elapsed = time.perf_counter() - rush_started
    for visitor in visitors:
        await visitor.session.close()
    await connector.close()

    admitted = sorted(v.admitted_at for v in visitors if v.admitted_at is not None)
    print(
        f"polls: {len(polls)} in {elapsed:.1f} s = {len(polls) / elapsed:.0f}/s, {percentiles(polls)}, errors {errors}"
    )
    head_start = 2 * max(1, args.rate // 60)  # the clock lags now by at most two batches
    print(f"passes redeemed by the second since admission started (rate {args.rate}/minute, head start {head_start}):")
    for second in range(10, math.ceil(elapsed) + 10, 10):
        allowed = args.rate * second // 60 + head_start
        print(f"  by {second:>3} s: {sum(1 for a in admitted if a <= second):>5} (at most {allowed})")
    total, admitted_rows, counted, entered = room_figures(event_id)
    print(f"database: {total} places, {admitted_rows} admitted (room counted {counted}), {entered} let in")
    once = admitted_rows == counted and entered == len(admitted)
    print("nobody twice: " + ("yes" if once else "NO"))
    return 0 if once and errors == 0 else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the running app, e.g. http://127.0.0.1:3500")
    parser.add_argument("--visitors", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=600, help="visitors let in per minute")
    parser.add_argument("--seconds", type=int, default=30, help="how long the rush is measured")
    parser.add_argument("--poll-seconds", type=float, default=5.0, help="as the queue's page polls")
    parser.add_argument("--connections", type=int, default=64)
    sys.exit(asyncio.run(bench(parser.parse_args())))


if __name__ == "__main__":
    main()
