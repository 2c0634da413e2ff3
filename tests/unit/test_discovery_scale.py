"""With 100,000 events the discovery queries read indexes, never the whole table (EXPLAIN)."""

from __future__ import annotations

import time

from sqlalchemy import text

from eventpalour.db import get_engine
from eventpalour.devdata import CITIES, bulk_events
from eventpalour.services.discovery import DiscoveryFilters, discover_events, explain_listing

QUERIES = {
    "listing": DiscoveryFilters(),
    "city": DiscoveryFilters(city=CITIES[0]),
    "search": DiscoveryFilters(query="jazz festival"),
    "search_and_city": DiscoveryFilters(query="poetry", city=CITIES[3]),
    "free": DiscoveryFilters(pricing="free"),
}


def _uses_indexes(plan: str, dialect: str) -> bool:
    if dialect == "sqlite":
        full_scan = any(line.strip().endswith("SCAN events") for line in plan.splitlines())
        return not full_scan and ("USING INDEX" in plan or "VIRTUAL TABLE INDEX" in plan)
    return "Seq Scan on events" not in plan and ("Index" in plan)


def test_discovery_uses_indexes_at_100k_events():
    bulk_events(100_000)
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE events"))
            connection.execute(text("ANALYZE ticket_tiers"))
    for name, filters in QUERIES.items():
        plan = explain_listing(filters)
        assert _uses_indexes(plan, engine.dialect.name), f"{name} does not use an index:\n{plan}"
        started = time.perf_counter()
        page = discover_events(filters)
        elapsed = time.perf_counter() - started
        assert page.cards, name
        assert elapsed < 0.5, f"{name} took {elapsed * 1000:.0f} ms"
