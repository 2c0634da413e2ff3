"""Public discovery (SPEC §4): the /events listing, search and filters, and one event's public page.

Listing reads only indexed paths: listed + start time (+ category or city), and full-text search
through FTS5 on SQLite or a GIN tsvector index on PostgreSQL. Pages are fetched one row long,
so "is there a next page" never needs a COUNT over 100,000 events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from eventpalour.db import get_engine, read_only
from eventpalour.models import Category, Event, TicketTier, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services.event_rules import MAX_DURATION

PAGE_SIZE = 24
_WORD = re.compile(r"[\w]+", re.UNICODE)


@dataclass(frozen=True)
class DiscoveryFilters:
    """What a visitor asked for on /events. Dates are aware UTC bounds on the start time."""

    query: str = ""
    category: str = ""
    type: str = ""
    pricing: str = ""
    city: str = ""
    starts_after: datetime | None = None
    starts_before: datetime | None = None


@dataclass(frozen=True)
class EventCard:
    """An event as a card in a listing."""

    short_id: str
    title: str
    start_at: datetime
    timezone: str
    type: str
    pricing: str
    city: str
    venue: str
    banner_url: str
    currency: str
    status: str
    category: str
    workspace_name: str
    workspace_verified: bool
    min_price: int | None
    max_price: int | None


@dataclass(frozen=True)
class DiscoveryPage:
    cards: list[EventCard] = field(default_factory=list)
    page: int = 1
    has_next: bool = False


def search_terms(raw: str) -> list[str]:
    """Words of a search, lower-cased, at most 8, each matched as a prefix."""
    return [w.lower() for w in _WORD.findall(raw or "")][:8]


def _search_clause(session: Session, terms: list[str]):
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{t}"*' for t in terms)
        return text("events.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH :match)").bindparams(
            match=match
        )
    tsquery = " & ".join(f"{t}:*" for t in terms)
    return text("to_tsvector('simple', events.search_text) @@ to_tsquery('simple', :tsq)").bindparams(tsq=tsquery)


def listing_query(session: Session, filters: DiscoveryFilters):
    """The SELECT behind /events (also used by the index test's EXPLAIN)."""
    now = utcnow()
    # No event lasts longer than MAX_DURATION, so older starts are over: the index range skips them.
    query = select(Event).where(col(Event.is_listed).is_(True), Event.start_at > now - MAX_DURATION, Event.end_at > now)
    if filters.category:
        category_id = session.exec(select(Category.id).where(Category.slug == filters.category)).first()
        query = query.where(Event.category_id == (category_id or "-"))
    if filters.type:
        query = query.where(Event.type == filters.type)
    if filters.pricing:
        query = query.where(Event.pricing == filters.pricing)
    if filters.city.strip():
        query = query.where(Event.city_key == filters.city.strip().lower())
    if filters.starts_after:
        query = query.where(Event.start_at >= filters.starts_after)
    if filters.starts_before:
        query = query.where(Event.start_at < filters.starts_before)
    terms = search_terms(filters.query)
    if terms:
        query = query.where(_search_clause(session, terms))
    return query.order_by(col(Event.start_at), col(Event.id))


def discover_events(filters: DiscoveryFilters, page: int = 1) -> DiscoveryPage:
    """One page of public, upcoming events matching `filters`, soonest first."""
    page = max(1, min(page, 1000))
    with read_only() as session:
        rows = session.exec(listing_query(session, filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
        cards = cards_for(session, list(rows[:PAGE_SIZE]))
    return DiscoveryPage(cards=cards, page=page, has_next=len(rows) > PAGE_SIZE)


def cards_for(session: Session, events: list[Event]) -> list[EventCard]:
    """Cards for `events`, with organizer, category and visible price range, in three small queries."""
    if not events:
        return []
    workspaces = {
        w.id: w for w in session.exec(select(Workspace).where(col(Workspace.id).in_({e.workspace_id for e in events})))
    }
    categories = {
        c.id: c.name
        for c in session.exec(select(Category).where(col(Category.id).in_({e.category_id for e in events})))
    }
    prices = {
        event_id: (low, high)
        for event_id, low, high in session.exec(
            select(TicketTier.event_id, func.min(TicketTier.price), func.max(TicketTier.price))
            .where(col(TicketTier.event_id).in_([e.id for e in events]), col(TicketTier.hidden).is_(False))
            .group_by(TicketTier.event_id)
        )
    }
    return [
        EventCard(
            short_id=e.short_id,
            title=e.title,
            start_at=e.start_at,
            timezone=e.timezone,
            type=e.type,
            pricing=e.pricing,
            city=e.city or "",
            venue=e.venue or "",
            banner_url=e.banner_url or "",
            currency=e.currency,
            status=e.status,
            category=categories.get(e.category_id, ""),
            workspace_name=workspaces[e.workspace_id].name,
            workspace_verified=workspaces[e.workspace_id].verified,
            min_price=prices.get(e.id, (None, None))[0],
            max_price=prices.get(e.id, (None, None))[1],
        )
        for e in events
    ]


def list_categories() -> list[tuple[str, str]]:
    """(slug, name) of every category in use, by name, for the filter menu."""
    with read_only() as session:
        return [(c.slug, c.name) for c in session.exec(select(Category).order_by(col(Category.name)))]


def explain_listing(filters: DiscoveryFilters) -> str:
    """The database's plan for the listing query (tests assert it uses indexes)."""
    engine = get_engine()
    with read_only() as session:
        statement = listing_query(session, filters).limit(PAGE_SIZE + 1)
        compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        return "\n".join(" ".join(str(c) for c in row) for row in session.execute(text(prefix + str(compiled))))
