"""Large synthetic catalogues for the discovery benchmark and the index test (not demo data).

Rows go in with bulk INSERTs, chunked, so 100,000 events take seconds, not minutes.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from sqlalchemy import insert, literal, select, text

from eventpalour.db import transaction
from eventpalour.models import Category, Event, EventStatus, TicketTier, User, Workspace
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import workspaces
from eventpalour.services.events import SHORT_ID_ALPHABET

CITIES = ["Nairobi", "Mombasa", "Kisumu", "Lagos", "Abuja", "Accra", "Kumasi", "Cape Town", "Johannesburg", "Kigali"]
TOPICS = ["jazz", "tech", "startup", "gospel", "comedy", "fashion", "marathon", "food", "film", "poetry", "art"]
CATEGORIES = ["Music", "Tech", "Business", "Sports", "Arts", "Food & Drink", "Community", "Education"]
# SQLite's page cache while loading (KiB; its default is 2 MiB): the search index's segments are merged
# as rows arrive, and with the default most of their pages are written out and read back each time.
SQLITE_LOAD_CACHE_KIB = 65536
WORDS = "live evening community tickets stage friends summit workshop festival night market tour talk".split()


def _short_id(n: int) -> str:
    base, chars = len(SHORT_ID_ALPHABET), []
    for _ in range(6):
        n, r = divmod(n, base)
        chars.append(SHORT_ID_ALPHABET[r])
    return "".join(chars)


def bulk_events(count: int, *, seed: int = 7, chunk: int = 5000) -> str:
    """Insert `count` events (90% public, spread over the past month and the next year) in one new
    workspace, each with one tier. Returns the workspace id."""
    rng = random.Random(seed)
    now = utcnow()
    with transaction() as session:
        owner = User(email=f"bulk-{new_id(8)}@eventpalour.test", username=f"bulk-{new_id(8)}", full_name="Bulk")
        session.add(owner)
        session.flush()
        workspace = Workspace(
            name="Bulk Events Co",
            slug=workspaces.available_slug(session, "Bulk Events Co"),
            description="Synthetic catalogue.",
            owner_id=owner.id,
            invite_code=new_id(12),
        )
        session.add(workspace)
        session.flush()
        categories = []
        for name in CATEGORIES:
            category = Category(name=f"{name} {new_id(4)}", slug=f"{name.lower().split()[0]}-{new_id(6)}")
            session.add(category)
            categories.append(category)
        session.flush()
        workspace_id, category_ids = workspace.id, [c.id for c in categories]
    offset = rng.randrange(0, 31**5)
    # A pool of texts reused across rows: generating 100,000 unique ones would dominate the run.
    descriptions = [" ".join(rng.choices(WORDS, k=40)) for _ in range(500)]
    for start in range(0, count, chunk):
        rows = []
        for i in range(start, min(start + chunk, count)):
            city, topic = rng.choice(CITIES), rng.choice(TOPICS)
            begins = now + timedelta(hours=rng.randrange(-24 * 30, 24 * 365))
            title = f"{topic.title()} {rng.choice(WORDS)} {i}"
            description = f"{rng.choice(descriptions)} {topic}"
            event_id = secrets.token_hex(8)
            status = EventStatus.ACTIVE if rng.random() < 0.9 else EventStatus.DRAFT
            rows.append(
                {
                    "id": event_id,
                    "short_id": _short_id(offset + i),
                    "workspace_id": workspace_id,
                    "title": title,
                    "description": description,
                    "category_id": rng.choice(category_ids),
                    "type": "physical",
                    "pricing": "free",
                    "venue": "Main Hall",
                    "city": city,
                    "city_key": city.lower(),
                    "country": "Kenya",
                    "start_at": begins,
                    "end_at": begins + timedelta(hours=3),
                    "timezone": "Africa/Nairobi",
                    "currency": "KES",
                    "fee_mode": "absorb",
                    "status": status,
                    "is_listed": status == EventStatus.ACTIVE,
                    "search_text": " ".join(f"{title} {description} {city} bulk events co".lower().split()),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with transaction() as session:
            if session.get_bind().dialect.name == "sqlite":
                session.execute(text(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}"))
            session.execute(insert(Event.__table__), rows)
    # One tier per event, in one INSERT ... SELECT (no Python row per tier). The event's id serves as
    # its tier's id: random, unique, and of the same kind (16 characters).
    tier = TicketTier.__table__.c
    general = {
        tier.id: Event.__table__.c.id,
        tier.event_id: Event.__table__.c.id,
        tier.name: literal("General"),
        tier.description: literal(""),
        tier.price: literal(0),
        tier.quantity: literal(100),
        tier.sold: literal(0),
        tier.held: literal(0),
        tier.max_per_order: literal(10),
        tier.sort_order: literal(0),
        tier.hidden: literal(False),
        tier.waitlist: literal(False),
        tier.created_at: Event.__table__.c.created_at,
    }
    with transaction() as session:
        session.execute(
            insert(TicketTier.__table__).from_select(
                list(general), select(*general.values()).where(Event.__table__.c.workspace_id == workspace_id)
            )
        )
    return workspace_id
