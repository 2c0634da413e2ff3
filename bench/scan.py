"""Door scanning throughput and latency (target: >= 500 scans/s, p99 <= 50 ms on PostgreSQL).

Usage:
    python bench/scan.py --database postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench
    python bench/scan.py --tickets 6000 --threads 16 --processes 2 --database ...

One event, `--tickets` issued tickets and one door member per thread. Every worker calls
`tickets.scan_ticket` (what the scanner page's handler calls for each camera read) with signed QR
tokens; one scan in ten repeats an earlier ticket, as at a real door, so both the `ok` and the
`already_used` paths are timed. `--processes` runs that many worker processes (a production deploy
runs several backend workers), each with `--threads` threads. Prints scans/s, p50/p95/p99, and the
scanning processes' own CPU time per scan, which (unlike throughput) does not depend on what else
the machine is doing.

The database is emptied and migrated first: point it at a database you can throw away.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections import Counter
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench"


def _setup(ticket_count: int, doors: int, run: str = "bench") -> dict:
    """A published free event with `ticket_count` valid tickets and `doors` members; returns ids and tokens.

    `run` (5 characters of SHORT_CODE_ALPHABET) keeps the copied tickets' ids and codes apart from
    an earlier run's when the database is not emptied first (bench/door.py runs against the app's)."""
    from sqlalchemy import insert, update
    from sqlmodel import select

    from eventpalour.db import get_engine, transaction
    from eventpalour.models import Ticket, TicketTier
    from eventpalour.services import sales, tickets
    from eventpalour.services.events import TierInput, get_tiers
    from eventpalour.services.sales import SHORT_CODE_ALPHABET
    from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace

    owner = make_organizer(email=f"door-owner-{run}@bench.example.com")
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, tiers=[TierInput(name="General", price=0, quantity=ticket_count + 1)]
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    holder = make_user(email=f"holder-{run}@bench.example.com")
    first = sales.book_ticket(actor=holder.summary, event_id=event.id, quantities={tier_id: 1})
    # Loading thousands of tickets through checkout would time the loading; copy the first one's order instead.
    with transaction() as session:
        model = session.exec(select(Ticket).where(Ticket.order_id == first.order_id)).one()
        rows = []
        for n in range(ticket_count - 1):
            digits = "".join(SHORT_CODE_ALPHABET[(n // len(SHORT_CODE_ALPHABET) ** i) % 31] for i in range(5))
            rows.append(
                {
                    "id": f"{run}{n:011d}",
                    "short_code": run[:2].upper() + digits + run[2].upper(),
                    "order_id": model.order_id,
                    "order_item_id": model.order_item_id,
                    "event_id": model.event_id,
                    "tier_id": model.tier_id,
                    "holder_id": model.holder_id,
                    "status": "valid",
                    "secret_version": 1,
                    "created_at": model.created_at,
                }
            )
        session.execute(insert(Ticket), rows)
        session.execute(update(TicketTier).where(TicketTier.id == tier_id).values(sold=ticket_count))
        ids = [model.id] + [row["id"] for row in rows]
    if get_engine().dialect.name == "postgresql":
        from sqlalchemy import text

        with get_engine().begin() as connection:
            connection.execute(text("ANALYZE"))
    staff = []
    for n in range(doors):
        person = make_user(email=f"door-{run}-{n}@bench.example.com")
        add_member(workspace.id, person, "member")
        staff.append(person.summary)
    tokens = [tickets.sign_ticket(ticket_id, event.id, 1) for ticket_id in ids]
    return {"event_id": event.short_id, "tokens": tokens, "staff": staff, "ticket_ids": ids}


def _plan(tokens: list[str], repeat_every: int = 10) -> list[str]:
    """Each ticket once, plus every tenth one shown again a little later (someone trying twice)."""
    plan = []
    for index, token in enumerate(tokens):
        plan.append(token)
        if index % repeat_every == repeat_every - 1:
            plan.append(tokens[index - repeat_every // 2])
    return plan


def _worker(
    database: str, event_id: str, staff: list, scans: list[str], threads: int, gate: Barrier, out: Queue
) -> None:
    """Scan `scans` with `threads` door devices once every process is ready (`gate`); send back
    (latencies in ms, results, start, end)."""
    os.environ["DATABASE_URL"] = database
    from eventpalour.services import tickets

    latencies: list[float] = []
    results: Counter = Counter()
    lock = threading.Lock()
    start_line = threading.Barrier(threads)

    def device(index: int) -> None:
        mine = scans[index::threads]
        actor = staff[index % len(staff)]
        start_line.wait()
        local, counted = [], Counter()
        for token in mine:
            began = time.perf_counter()
            outcome = tickets.scan_ticket(actor=actor, event_id=event_id, token_or_code=token, device=f"bench-{index}")
            local.append((time.perf_counter() - began) * 1000)
            counted[outcome.result] += 1
        with lock:
            latencies.extend(local)
            results.update(counted)

    # Warm the connection pool so the first scans do not time connecting.
    tickets.door_counts(actor=staff[0], event_id=event_id)
    workers = [threading.Thread(target=device, args=(i,)) for i in range(threads)]
    gate.wait()
    began, cpu_before = time.time(), time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, dict(results), began, time.time(), time.process_time() - cpu_before))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8, help="door devices per process")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("PASSWORD_HASH_COST", "low")

    from eventpalour.db import get_engine, reset_engine
    from tests.dbsetup import migrate_fresh

    migrate_fresh(args.database, durable=True)
    reset_engine()
    setup = _setup(args.tickets, args.threads * args.processes)
    plan = _plan(setup["tokens"])
    reset_engine()
    context = multiprocessing.get_context("spawn")  # fresh engines and pools, no inherited connections
    out = context.Queue()
    gate = context.Barrier(args.processes)
    shares = [plan[p :: args.processes] for p in range(args.processes)]
    processes = [
        context.Process(
            target=_worker, args=(args.database, setup["event_id"], setup["staff"], share, args.threads, gate, out)
        )
        for share in shares
    ]
    for process in processes:
        process.start()
    gathered = [out.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(part[3] for part in gathered) - min(part[2] for part in gathered)
    client_cpu = sum(part[4] for part in gathered)
    latencies = sorted(ms for part in gathered for ms in part[0])
    results: Counter = Counter()
    for part in gathered:
        results.update(part[1])
    cuts = statistics.quantiles(latencies, n=100)
    print(f"database: {get_engine().dialect.name}  processes: {args.processes}  threads each: {args.threads}")
    print(f"scans: {len(latencies)}  results: {dict(sorted(results.items()))}")
    print(f"throughput: {len(latencies) / elapsed:.0f} scans/s (wall {elapsed:.2f} s)")
    print(f"client CPU: {client_cpu * 1000 / len(latencies):.2f} ms per scan")
    print(f"latency ms: p50 {cuts[49]:.1f}  p95 {cuts[94]:.1f}  p99 {cuts[98]:.1f}  max {latencies[-1]:.1f}")
    if results.get("ok", 0) != args.tickets:
        raise SystemExit(f"expected {args.tickets} ok scans, got {results.get('ok', 0)}")


if __name__ == "__main__":
    main()
