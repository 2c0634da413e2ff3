"""Checkout through the event page's websocket handlers, as Chromium sends them (#18 target 2:
>= 120 whole journeys/s reaching Paystack's page, p99 <= 300 ms per handler, 0 oversold).

Usage (against a running production app, e.g. the one `make bench` starts; the bench writes its
own organizer, event and buyers into the app's database, and shares the app's SECRET_KEY):
    DATABASE_URL=postgresql+psycopg://... python bench/browser_checkout.py --url http://localhost:3700 \
        --seats 2000 --buyers 2400 --concurrency 32 [--code] [--app-pgid <pgid>]

Chromium, signed in as one buyer, opens the event page, presses "One more" on the limited tier,
Checkout and Pay; the frames it sends are kept (page_socket.record). Each simulated buyer then
opens the page with its own session cookie and replays them: hydrate, quantity, Checkout (done
when the page says the tickets are held; refused when it shows an error, e.g. sold out) and Pay
(done when the page is sent to Paystack's checkout). More buyers than seats, so the tail is
refused. With --code every order carries a 10 %-off discount code (typed into "Have a code?" in
the recording). Last, the database is checked: nothing oversold, counters equal to the rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkout import BENCH_CODE, Buyer, add_code, app_cpu_seconds, create_buyers, create_event, oversell_check
from page_socket import PageSocket, Recording, Step, StepRefused, Timings, describe, record

ERROR_TOAST = '[\\"error\\"]'  # how a toast.error call reads inside the frame's JSON


def journey_steps(with_code: bool) -> list[Step]:
    steps = []
    if with_code:
        steps.append(
            Step(
                "code",
                lambda page: (
                    page.get_by_label("Have a code?").fill(BENCH_CODE),
                    page.get_by_role("button", name="Apply").click(),
                ),
                done_when="applied_code_rx_state_",
                refused_when=(ERROR_TOAST,),
            )
        )
    steps += [
        Step(
            "quantity",
            lambda page: page.get_by_role("button", name="One more Limited").click(),
            done_when="quantities_rx_state_",
        ),
        Step(
            "checkout",
            lambda page: page.get_by_role("button", name="Checkout").click(),
            done_when="Your tickets are held",
            refused_when=(ERROR_TOAST,),
        ),
        Step(
            "pay",
            lambda page: page.get_by_role("button", name="Pay").first.click(),
            done_when="window.location.assign(",
            refused_when=(ERROR_TOAST,),
        ),
    ]
    return steps


def discounted_orders(event_id: str) -> int:
    """Orders of the event that carry the code's discount."""
    from sqlalchemy import func, select

    from eventpalour.db import read_only
    from eventpalour.models import Order

    with read_only() as session:
        query = select(func.count()).where(Order.event_id == event_id, Order.discount_amount > 0)
        return session.execute(query).scalar_one()


def short_id_of(event_id: str) -> str:
    from eventpalour.db import read_only
    from eventpalour.models import Event

    with read_only() as session:
        return session.get(Event, event_id).short_id


async def journeys(
    url: str, recording: Recording, buyers: Sequence[Buyer], concurrency: int
) -> tuple[Timings, int, float]:
    timings, reached = Timings(), 0
    queue: asyncio.Queue = asyncio.Queue()
    for buyer in buyers:
        queue.put_nowait(buyer)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:

        async def buyer_loop() -> None:
            nonlocal reached
            while not queue.empty():
                buyer = queue.get_nowait()
                page = PageSocket(client, url, recording)
                step_name = "hydrate"
                try:
                    timings.add("hydrate", await page.open(session_cookie=buyer.token))
                    for index, (step, _) in enumerate(recording.steps):
                        step_name = step.name
                        timings.add(step.name, await page.step(index))
                    reached += 1
                except StepRefused:
                    timings.refuse(step_name)
                except (TimeoutError, ConnectionError, aiohttp.ClientError) as exc:
                    timings.error(f"{step_name}: {type(exc).__name__}")
                finally:
                    await page.close()

        started = time.perf_counter()
        await asyncio.gather(*(buyer_loop() for _ in range(concurrency)))
        return timings, reached, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--seats", type=int, default=2000)
    parser.add_argument("--buyers", type=int, default=2400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--code", action="store_true", help="apply a discount code on every order")
    parser.add_argument("--app-pgid", type=int)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the running app's database (PostgreSQL for figures).")

    event_id, tier_id, _, owner = create_event(args.seats)
    if args.code:
        add_code(event_id, owner)
    recorder, *buyers = create_buyers(args.buyers + 1)
    recording = record(args.url, f"/e/{short_id_of(event_id)}", journey_steps(args.code), recorder.token)
    cpu = app_cpu_seconds(args.app_pgid)
    timings, reached, seconds = asyncio.run(journeys(args.url, recording, buyers, args.concurrency))
    cpu = app_cpu_seconds(args.app_pgid) - cpu

    print(f"url: {args.url}  seats: {args.seats}  buyers: {len(buyers)}  concurrency: {args.concurrency}")
    print(f"journeys       {reached:6d} reached Paystack's page in {seconds:.2f} s = {reached / seconds:.1f}/s")
    for name, values in timings.ms.items():
        print(describe(name, values))
    if cpu and reached:
        print(f"app CPU        {1000 * cpu / reached:8.1f} ms per journey")
    print(f"refused        {timings.refused or '-'}")
    if timings.errors:
        print(f"errors         {timings.errors}")
    figures, problems = oversell_check(tier_id, [])
    oversold = max(0, figures["tickets issued"] + figures["seats in open holds"] - figures["quantity"])
    print(f"check: held {figures['held']} (rows {figures['seats in open holds']}) of {figures['quantity']}")
    print(f"oversold: {oversold}")
    if args.code:
        with_discount = discounted_orders(event_id)
        print(f"orders with the code's discount: {with_discount}")
        if with_discount < reached:
            problems.append(f"only {with_discount} of {reached} orders carry the discount")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems or timings.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
