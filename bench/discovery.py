"""Discovery query latency at 1k, 10k and 100k events (target: p95 <= 30 ms at 100k, within 1.5x of 1k).

Usage:
    python bench/discovery.py                                   # SQLite file in a temp folder
    python bench/discovery.py --database postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench

Each size starts from an empty, migrated database, bulk-loads the events, then times every kind of
discovery query (the same service call the /events page makes) and prints p50/p95 per size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = (1_000, 10_000, 100_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database

    from eventpalour.db import get_engine, reset_engine
    from eventpalour.devdata import CITIES, bulk_events
    from eventpalour.services.events import DiscoveryFilters, complete_finished_events, discover_events
    from tests.dbsetup import migrate_fresh

    queries = {
        "listing": DiscoveryFilters(),
        "page 5": DiscoveryFilters(),
        "city": DiscoveryFilters(city=CITIES[0]),
        "search": DiscoveryFilters(query="jazz festival"),
        "search+city": DiscoveryFilters(query="poetry", city=CITIES[3]),
    }
    print(f"database: {get_engine().dialect.name}  repeat: {args.repeat}")
    # "cards": events on the page; a query with fewer matches than a page does less work per call.
    print(f"{'events':>8} {'query':<12} {'p50 ms':>8} {'p95 ms':>8} {'cards':>6}")
    for size in SIZES:
        reset_engine()
        migrate_fresh(args.database, durable=True)
        bulk_events(size)
        # What production's housekeeping pass does every minute: events already over (a month's
        # worth in this data) leave the listing. Without it they stay listed and every query would
        # step over them, a state a running app is never in for more than a minute.
        complete_finished_events()
        if get_engine().dialect.name == "postgresql":
            from sqlalchemy import text

            with get_engine().begin() as connection:
                connection.execute(text("ANALYZE"))
        for name, filters in queries.items():
            page = 5 if name == "page 5" else 1
            cards = len(discover_events(filters, page).cards)  # also warms the cache and the connection pool
            if not cards:
                raise SystemExit(f"{name} returned no events at {size}: the benchmark would measure nothing")
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                discover_events(filters, page)
                timings.append((time.perf_counter() - started) * 1000)
            p95 = statistics.quantiles(timings, n=20)[18]
            print(f"{size:>8} {name:<12} {statistics.median(timings):>8.2f} {p95:>8.2f} {cards:>6}")


if __name__ == "__main__":
    main()
