"""The demo data `make run` seeds: it goes in through the services and shows every public state."""

from __future__ import annotations

from sqlmodel import select

from eventpalour import seed
from eventpalour.db import read_only
from eventpalour.models import Event, Workspace
from eventpalour.services.discovery import DiscoveryFilters, discover_events, get_public_event, list_categories


def test_seed_demo_catalogue_covers_the_public_states():
    assert seed.database_is_empty()
    count = seed.seed_catalogue(seed.seed_demo_accounts())

    with read_only() as session:
        statuses = [e.status for e in session.exec(select(Event))]
        short_ids = [e.short_id for e in session.exec(select(Event))]
        verified = [w.name for w in session.exec(select(Workspace).where(Workspace.verified))]
    listed = discover_events(DiscoveryFilters()).cards
    states = {t.sale_state for short_id in short_ids for t in get_public_event(short_id).tiers}
    assert count == len(statuses) >= 20
    assert statuses.count("completed") == 2 and statuses.count("cancelled") == 1
    assert len(listed) == count - 3
    assert {c.currency for c in listed} == {"KES", "USD", "NGN", "GHS", "ZAR"}
    assert {c.type for c in listed} == {"physical", "online", "hybrid"}
    assert {c.pricing for c in listed} == {"free", "paid"}
    assert states == {"on_sale", "sold_out", "not_started", "ended"}
    assert verified == ["Nairobi Sound Collective"]
    assert len(list_categories()) >= 6
    assert sum(1 for c in listed if c.banner_url) >= 5
    assert not seed.database_is_empty()
