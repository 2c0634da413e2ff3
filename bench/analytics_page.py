"""The workspace analytics page and its CSVs as organizers reach them (issue #22 §1; target: the page
answers in <= 300 ms for a workspace with 200 events and 500,000 tickets).

Usage:
    # 1. the data, into a PostgreSQL database the bench may wipe (prints the workspace and owner ids;
    #    --keep adds the workspace to a database as it is, as scripts/bench.sh does to the app's)
    python bench/analytics_page.py generate --database postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench
    # 2. start the production app on that database (as scripts/bench.sh does), then
    python bench/analytics_page.py measure --url http://localhost:3700 --database <the same> \
        --workspace WS_ID --owner OWNER_ID --repeat 30

`generate` is bench/analytics.py's generator (a year of rollups as settling leaves them, buyers'
countries and cities included, and the raw orders and tickets behind them) at full size, then VACUUM
ANALYZE.

`measure` opens a session for the owner, lets headless Chromium open /workspace/{id}/analytics and
pick periods, and keeps the frames it sent on Reflex's websocket (page_socket.record). Each timed
visit then replays them one at a time, as one organizer would: "open" is a new tab's socket from
connect to the hydrated frame, which Reflex sends only after the page's on_load handlers (the
workspace, then `load_analytics`: every figure of the last 30 days) have run and sent their delta;
"90 days" and "one event" are the picker's Show, timed until the delta that ends the load
(`is_submitting` back to false). Then every table's CSV is fetched over HTTP with the session cookie,
timed to the last byte.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import httpx
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from page_socket import PageSocket, Recording, Step, describe, record

LOADED = '"is_submitting_rx_state_":false'
TABLES = ("daily", "money", "tiers", "channels", "events", "buyers", "referrers", "campaigns", "countries", "cities")


def generate(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database
    from analytics import EVENTS, TICKETS
    from analytics import generate as generate_data
    from sqlalchemy import text

    from eventpalour.db import get_engine, reset_engine
    from tests.dbsetup import migrate_fresh

    reset_engine()
    if not args.keep:
        migrate_fresh(args.database, durable=True)
    started = time.perf_counter()
    events = max(2, round(EVENTS * args.scale))
    workspace_id, owner_id, _ = generate_data(events, max(events * 2, round(TICKETS * args.scale)), random.Random(7))
    # What autovacuum does to a table this size soon after the load: statistics for the planner and
    # the visibility map that lets the door counts read ix_tickets_event_status alone.
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(f"generation took {time.perf_counter() - started:.1f} s")
    print(f"--workspace {workspace_id} --owner {owner_id}")


def _steps(event_title: str) -> list[Step]:
    def period(span_label: str, event_label: str) -> Callable[[Page], None]:
        def act(page: Page) -> None:
            page.get_by_label("Period", exact=True).select_option(label=span_label)
            page.get_by_label("Event", exact=True).select_option(label=event_label)
            page.get_by_role("button", name="Show").click()

        return act

    return [
        Step("90 days", period("Last 90 days", "All events"), LOADED),
        Step("one event", period("Last 90 days", event_title), LOADED),
    ]


async def _visits(url: str, recording: Recording, cookie: str, repeat: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"open": []}
    async with aiohttp.ClientSession() as client:
        for _ in range(repeat):
            page = PageSocket(client, url, recording)
            try:
                timings["open"].append(await page.open(session_cookie=cookie))
                for index, (step, _frames) in enumerate(recording.steps):
                    timings.setdefault(step.name, []).append(await page.step(index))
            finally:
                await page.close()
    return timings


def _csv_timings(url: str, workspace_id: str, cookie: str, repeat: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with httpx.Client(base_url=url, cookies={"ep_session": cookie}, timeout=30) as client:
        for span in ("30", "90"):
            for table in TABLES:
                path = f"/api/workspace/{workspace_id}/analytics/{table}.csv"
                client.get(path, params={"span": span})  # the connection, once
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.get(path, params={"span": span})
                    timings.setdefault(f"{table} {span}d", []).append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {response.status_code} {response.text[:200]}")
    return timings


def measure(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database
    from checkout import open_sessions
    from playwright.sync_api import expect
    from sqlmodel import select

    from eventpalour.db import read_only
    from eventpalour.models import Event

    with read_only() as session:
        title = session.exec(
            select(Event.title).where(Event.workspace_id == args.workspace).order_by(Event.start_at.desc(), Event.id)
        ).first()
    (owner,) = open_sessions([args.owner])

    def ready(page: Page) -> None:
        expect(page.get_by_role("heading", name="Buyers by country")).to_be_visible(timeout=120_000)

    path = f"/workspace/{args.workspace}/analytics"
    recording = record(args.url, path, _steps(title), session_cookie=owner.token, ready=ready)
    print(f"recorded {path}: hydrate frame {len(recording.connect_frame)} bytes, {len(recording.steps)} steps")
    page_timings = asyncio.run(_visits(args.url, recording, owner.token, args.repeat))
    print(f"analytics page through the websocket, {args.repeat} visits one after another:")
    for name, values in page_timings.items():
        print(describe(name, values))
    print(f"CSV over HTTP, {args.repeat} requests each:")
    for name, values in _csv_timings(args.url, args.workspace, owner.token, args.repeat).items():
        print(describe(name, values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="migrate the database afresh and generate the workspace")
    make.add_argument("--database", required=True)
    make.add_argument("--scale", type=float, default=1.0, help="fraction of 200 events and 500,000 tickets")
    make.add_argument(
        "--keep", action="store_true", help="add the workspace to the database as it is (make bench: the app's)"
    )
    run = commands.add_parser("measure", help="time the page and the CSVs of a running app")
    run.add_argument("--url", default="http://localhost:3700")
    run.add_argument("--database", required=True, help="the app's database (for the owner's session)")
    run.add_argument("--workspace", required=True)
    run.add_argument("--owner", required=True)
    run.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    generate(args) if args.command == "generate" else measure(args)


if __name__ == "__main__":
    main()
