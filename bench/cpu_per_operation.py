"""CPU per operation in one process, for profiling on a shared machine (#18): engineering numbers.

The product's figures come from bench/checkout.py and bench/door.py (the running app, its app CPU
by process group). On a machine other engineers load, throughput moves with the neighbours while
the CPU one operation costs moves much less; this script measures that CPU (`time.process_time`,
every thread of the process) sequentially, so a change can be compared before/after, and run under
py-spy (`py-spy record --gil -- python bench/cpu_per_operation.py ...`) to see where it goes.

    checkout: placed orders through the whole API app in process (`create_api()`: its middlewares,
              the route, the services), over httpx's ASGI transport. The Paystack sandbox is called
              over HTTP at APP_URL (a running app on the same database), as the route does.
    scan:     what the scanner page's scan_qr handler asks the services per scan: `scan_ticket`
              with the scanned list's counters; `--reload-lists` times what it asked before this
              session instead (`scan_ticket`, then every list read again by `event_checkin_lists`).

Usage (the app's environment: DATABASE_URL on PostgreSQL, REDIS_URL, SECRET_KEY, APP_URL, the
sandboxes allowed, the rate limits raised as scripts/bench.sh sets them):
    python bench/cpu_per_operation.py checkout --orders 400
    python bench/cpu_per_operation.py scan --tickets 1000 [--reload-lists]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WARMUP_ORDERS = 50


async def checkout_cpu(orders: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per placed order through the API app in this process."""
    import httpx
    from checkout import create_buyers, create_event

    from eventpalour.api import create_api

    app = create_api()
    event = create_event(orders + WARMUP_ORDERS)
    buyers = create_buyers(orders + WARMUP_ORDERS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:

        async def place(token: str, tier_id: str) -> None:
            body = {"event_id": event.event_id, "quantities": {tier_id: 1}}
            answer = await client.post("/api/checkout/orders", json=body, headers={"Cookie": f"ep_session={token}"})
            if answer.status_code != 201:
                raise SystemExit(f"An order was refused: {answer.status_code} {answer.text}")

        for buyer in buyers[:WARMUP_ORDERS]:  # imports, caches, pooled connections: not measured
            await place(buyer.token, event.warmup_tier_id)
        cpu, wall = time.process_time(), time.perf_counter()
        for buyer in buyers[WARMUP_ORDERS:]:
            await place(buyer.token, event.tier_id)
        return 1000 * (time.process_time() - cpu) / orders, 1000 * (time.perf_counter() - wall) / orders


def scan_cpu(tickets_count: int, reload_lists: bool) -> tuple[float, float]:
    """(CPU ms, wall ms) per scan of the scanner handler's service calls, one device."""
    from scan import _setup

    from eventpalour.services import tickets

    run = "".join(random.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(5))
    setup = _setup(tickets_count, 1, run=run)
    staff, event_id = setup["staff"][0], setup["event_id"]
    cpu, wall = time.process_time(), time.perf_counter()
    for token in setup["tokens"]:
        if reload_lists:
            tickets.scan_ticket(actor=staff, event_id=event_id, token_or_code=token, device="bench")
            tickets.event_checkin_lists(actor=staff, event_id=event_id)
        else:
            tickets.scan_ticket(actor=staff, event_id=event_id, token_or_code=token, device="bench", counters=True)
    count = len(setup["tokens"])
    return 1000 * (time.process_time() - cpu) / count, 1000 * (time.perf_counter() - wall) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("checkout", "scan"))
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--reload-lists", action="store_true", help="scan: the calls before #18")
    args = parser.parse_args()
    if args.what == "checkout":
        cpu, wall = asyncio.run(checkout_cpu(args.orders))
        print(f"checkout: {args.orders} orders, {cpu:.2f} ms CPU per placed order, {wall:.2f} ms wall")
    else:
        cpu, wall = scan_cpu(args.tickets, args.reload_lists)
        how = "scan + every list re-read" if args.reload_lists else "scan with its list's counters"
        print(f"scan ({how}): {args.tickets} scans, {cpu:.2f} ms CPU per scan, {wall:.2f} ms wall")


if __name__ == "__main__":
    main()
