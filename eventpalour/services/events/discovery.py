"""Public discovery (SPEC §4): the /events listing, search and filters, and one event's public page.

Listing reads only indexed paths: listed + start time (+ category or city), and full-text search
through FTS5 on SQLite (rows kept in start order) or a generated tsvector column with a GIN index
on PostgreSQL. Pages are fetched one row long, so "is there a next page" never needs a COUNT over
100,000 events.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from time import monotonic

from sqlalchemy import Integer, String, and_, bindparam, case, column, exists, literal_column, or_, table, text
from sqlmodel import Session, col, func, select

from eventpalour.config import settings
from eventpalour.db import get_engine, read_only
from eventpalour.models import (
    SELLING_EVENT_STATUSES,
    TIER_SEATS,
    Category,
    Event,
    EventPartner,
    EventPricing,
    EventStatus,
    EventType,
    TicketTier,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services import sales
from eventpalour.services.events.event_rules import MAX_DURATION
from eventpalour.services.platform import DEFAULT_LANGUAGE, DEFAULT_ZONE, N_, NotFound, clean_line, event_count_words
from eventpalour.services.platform import time_zone as zone
from eventpalour.services.sales import tier_offered, tier_sale, tiers_unlocked_by

PAGE_SIZE = 24
SEARCH_WINDOW = 2000
COUNT_LIMIT = 1000  # matches counted at most: "1,000+ events" past it, so a count never reads 100,000 rows
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
    workspace_slug: str  # the organizer page, /o/{slug}
    workspace_verified: bool
    min_price: int | None
    max_price: int | None
    is_postponed: bool  # on sale with new dates still to come: the card says so
    more_dates: int = 0  # a series' card (#22 §3): its listed dates after this one; prices span them all


@dataclass(frozen=True)
class DiscoveryPage:
    cards: list[EventCard] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    total: int = 0  # events matching the filters, counted up to COUNT_LIMIT
    total_is_more: bool = False  # more than COUNT_LIMIT match: `total` is COUNT_LIMIT

    @property
    def total_label(self) -> str:
        """ "1 event", "12 events", "1,000+ events"."""
        return self.total_words(DEFAULT_LANGUAGE)

    def total_words(self, language: str) -> str:
        """The result count in `language`: "matukio 12", "12 événements", "1 000+ événements"."""
        return event_count_words(self.total, language, at_least=self.total_is_more)


def search_terms(raw: str) -> list[str]:
    """Words of a search, lower-cased, at most 8, each matched as a prefix."""
    return [w.lower() for w in _WORD.findall(raw or "")][:8]


@dataclass(frozen=True)
class DiscoveryQuery:
    """The /events query string, read: the filters, the page, and the valid parameters to keep in links."""

    filters: DiscoveryFilters
    page: int
    params: dict[str, str]


def read_query(params: Mapping[str, str]) -> DiscoveryQuery:
    """Read `?q=&category=&type=&price=&city=&from=&to=&page=`; a value that makes no sense is dropped.

    `from` and `to` are calendar days, inclusive, in the platform's home zone (East Africa Time).
    """
    kept: dict[str, str] = {}
    for key, limit in (("q", 100), ("category", 64), ("city", 120)):
        value = clean_line(str(params.get(key, "")))[:limit]
        if value:
            kept[key] = value
    if params.get("type") in {t.value for t in EventType}:
        kept["type"] = params["type"]
    if params.get("price") in {p.value for p in EventPricing}:
        kept["price"] = params["price"]
    home = zone(DEFAULT_ZONE)
    days = {key: _day(params.get(key, "")) for key in ("from", "to")}
    kept.update({key: day.isoformat() for key, day in days.items() if day})
    page = int(params["page"]) if str(params.get("page", "")).isdigit() else 1
    page = max(1, min(page, 1000))
    if page > 1:
        kept["page"] = str(page)
    filters = DiscoveryFilters(
        query=kept.get("q", ""),
        category=kept.get("category", ""),
        type=kept.get("type", ""),
        pricing=kept.get("price", ""),
        city=kept.get("city", ""),
        starts_after=datetime.combine(days["from"], time(), home) if days["from"] else None,
        starts_before=datetime.combine(days["to"] + timedelta(days=1), time(), home) if days["to"] else None,
    )
    return DiscoveryQuery(filters=filters, page=page, params=kept)


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        return None


def _equal_to(session: Session, filters: DiscoveryFilters) -> dict[str, str]:
    """The column values the filters ask for (an unknown category asks for "-", which none has)."""
    equal = {}
    if filters.category:
        category_id = session.exec(select(Category.id).where(Category.slug == filters.category)).first()
        equal["category_id"] = category_id or "-"
    if filters.type:
        equal["type"] = filters.type
    if filters.pricing:
        equal["pricing"] = filters.pricing
    if filters.city.strip():
        equal["city_key"] = filters.city.strip().lower()
    return equal


def _conditions(filters: DiscoveryFilters, equal: dict[str, str], now: datetime) -> list:
    """Listed, not over yet, every filter but the words, and only the first such date of a series."""
    # No event lasts longer than MAX_DURATION, so older starts are over: the index range skips them.
    where = [col(Event.is_listed).is_(True), Event.start_at > now - MAX_DURATION, Event.end_at > now]
    where += [getattr(Event, name) == value for name, value in equal.items()]
    if filters.starts_after:
        where.append(Event.start_at >= filters.starts_after)
    if filters.starts_before:
        where.append(Event.start_at < filters.starts_before)
    where.append(_first_listed_date(filters, equal, now))
    return where


_EARLIER = Event.__table__.alias("earlier_date")


def _first_listed_date(filters: DiscoveryFilters, equal: dict[str, str], now: datetime):
    """A one-off event, or the soonest date of its series that the same filters list (#22 §3: a
    series is one card, the next date's). The dates of a series share their words, category, type
    and place (series_edits.SHARED_FIELDS), so an earlier listed date meeting the same bounds means
    this one is not the card; one probe of the series_id index per listed series date."""
    earlier = [
        _EARLIER.c.series_id == Event.series_id,
        _EARLIER.c.is_listed.is_(True),
        _EARLIER.c.end_at > now,
        or_(
            _EARLIER.c.start_at < Event.start_at,
            and_(_EARLIER.c.start_at == Event.start_at, _EARLIER.c.id < Event.id),
        ),
    ]
    earlier += [_EARLIER.c[name] == value for name, value in equal.items()]
    if filters.starts_after:
        earlier.append(_EARLIER.c.start_at >= filters.starts_after)
    return or_(col(Event.series_id).is_(None), ~exists().where(*earlier))


# On SQLite, events_fts holds listed events keyed by start minute * 2^32 + events.rowid (migration
# d380714205ae), so its rowid order is start order: a MATCH walked by rowid stops after one page
# instead of collecting every match first. Its `facets` column holds a token per filter value
# (0c + hex of city_key, 0k category_id, 0t type, 0p pricing), so filters are matched in the index.
FTS_ROWID_BITS = 32
FACET_PREFIXES = {"city_key": "0c", "category_id": "0k", "type": "0t", "pricing": "0p"}
_FTS_ROWID = column("rowid")
_FTS = table("events_fts", _FTS_ROWID)
_FTS_JOIN = _FTS.join(
    Event.__table__,
    literal_column("events.rowid") == _FTS_ROWID.op("&")(literal_column(str((1 << FTS_ROWID_BITS) - 1))),
)
_FTS_MATCH = text("events_fts MATCH :match").bindparams(bindparam("match", type_=String))
_NO_KEY_ABOVE = (1 << 63) - 1


def _fts_match(filters: DiscoveryFilters, equal: dict[str, str]) -> str:
    """The words as prefixes of search_text's terms, and every filter value as its facet token."""
    words = [f'search_text : "{t}"*' for t in search_terms(filters.query)]
    facets = [f'facets : "{FACET_PREFIXES[name]}{value.encode().hex()}"' for name, value in equal.items()]
    return " AND ".join(words + facets)


def fts_key(moment: datetime) -> int:
    """The smallest events_fts rowid of an event starting in the same minute as `moment`."""
    return (int(moment.timestamp()) // 60) << FTS_ROWID_BITS


_UPCOMING = Event.__table__.alias("upcoming")
# The events_fts key of the minute the soonest listed event not over yet starts (one index read):
# finished events stay listed until housekeeping completes them, and each walked would cost a row
# read, so the walk starts there.
_SOONEST_KEY = (
    # The trigger's formula, without the rowid.
    select(literal_column(f"(CAST(strftime('%s', upcoming.start_at) AS INTEGER) / 60) * {1 << FTS_ROWID_BITS}"))
    .where(
        _UPCOMING.c.is_listed.is_(True),
        _UPCOMING.c.start_at > bindparam("oldest"),
        _UPCOMING.c.end_at > bindparam("now"),
    )
    .order_by(_UPCOMING.c.start_at)
    .limit(1)
    .scalar_subquery()
)
# Rows read past the page, so that the page's last minute is usually seen to end.
_FTS_SLACK = 4


def _fts_walk(where: list, limit: int | None, *, from_soonest: bool = True):
    """Events meeting `where` that match `:match`, with their key, in events_fts order (start
    minute, then rowid): keys from the soonest minute or `:after`, whichever is later (just `:after`
    when not `from_soonest`), to below `:before`."""
    after = bindparam("after", type_=Integer)
    lower = func.max(_SOONEST_KEY, after) if from_soonest else after
    return (
        select(Event, _FTS_ROWID)
        .select_from(_FTS_JOIN)
        .where(_FTS_MATCH, _FTS_ROWID >= lower, _FTS_ROWID < bindparam("before", type_=Integer), *where)
        .order_by(_FTS_ROWID)
        .limit(limit)
    )


def _fts_params(filters: DiscoveryFilters, equal: dict[str, str], now: datetime) -> dict:
    after = fts_key(filters.starts_after) if filters.starts_after else 0
    before = fts_key(filters.starts_before) + (1 << FTS_ROWID_BITS) if filters.starts_before else _NO_KEY_ABOVE
    match = _fts_match(filters, equal)
    return {"match": match, "after": after, "before": before, "oldest": now - MAX_DURATION, "now": now}


def listing_query(session: Session, filters: DiscoveryFilters):
    """The SELECT behind /events (also used by the index test's EXPLAIN): soonest first, then by id.

    A search on SQLite is the events_fts walk instead (rows of event and key, by start minute then
    rowid), parameters bound; `_sqlite_search` puts the events of each minute in order.
    """
    now = utcnow()
    equal = _equal_to(session, filters)
    where = _conditions(filters, equal, now)
    terms = search_terms(filters.query)
    if terms and session.get_bind().dialect.name == "sqlite":
        return _fts_walk(where, PAGE_SIZE + 1).params(_fts_params(filters, equal, now))
    query = select(Event).where(*where)
    if terms:
        tsquery = " & ".join(f"{t}:*" for t in terms)
        query = query.where(text("events.search_vector @@ to_tsquery('simple', :tsq)").bindparams(tsq=tsquery))
    return query.order_by(col(Event.start_at), col(Event.id))


def _sqlite_search(session: Session, filters: DiscoveryFilters, wanted: int) -> list[Event]:
    """The first `wanted` matches on SQLite, by start time then id, reading about `wanted` rows.

    The walk orders each minute's events by rowid, so it reads a few rows past `wanted`: when they
    reach a later minute, every match of the page's minutes is in hand; otherwise the rest of that
    minute is read too, however many. Sorted, the first `wanted` are exactly the listing's.
    """
    now = utcnow()
    equal = _equal_to(session, filters)
    where = _conditions(filters, equal, now)
    params = _fts_params(filters, equal, now)
    rows = list(session.exec(_fts_walk(where, wanted + _FTS_SLACK), params=params))
    if len(rows) == wanted + _FTS_SLACK and rows[-1][1] >> FTS_ROWID_BITS == rows[wanted - 1][1] >> FTS_ROWID_BITS:
        last_key = rows[-1][1]
        minute_end = ((last_key >> FTS_ROWID_BITS) + 1) << FTS_ROWID_BITS
        rest = {**params, "after": last_key + 1, "before": min(minute_end, params["before"])}
        rows += session.exec(_fts_walk(where, None, from_soonest=False), params=rest)
    return sorted((event for event, _ in rows), key=lambda e: (e.start_at, e.id))[:wanted]


def _from_soonest_window(session: Session, filters: DiscoveryFilters, wanted: int) -> list[Event] | None:
    """PostgreSQL only: look for matches among the soonest SEARCH_WINDOW listed events first.

    Common words (a tenth of all events say "music") make the GIN path read thousands of rows
    that are then sorted, and the planner cannot tell; the soonest events, read in index order,
    hold enough matches for such words. The match is tested on the window's own column, so the
    LIMIT fences it in. When the window holds fewer than `wanted`, the answer may be incomplete
    and None sends the caller to the index search instead.
    """
    window = (
        listing_query(session, replace(filters, query=""))
        .with_only_columns(col(Event.id), col(Event.start_at), literal_column("events.search_vector"))
        .limit(SEARCH_WINDOW)
        .subquery("soonest")
    )
    tsquery = " & ".join(f"{t}:*" for t in search_terms(filters.query))
    ids = session.exec(
        select(window.c.id)
        .where(text("soonest.search_vector @@ to_tsquery('simple', :tsq)").bindparams(tsq=tsquery))
        .order_by(window.c.start_at, window.c.id)
        .limit(wanted)
    ).all()
    if len(ids) < wanted:
        return None
    by_id = {e.id: e for e in session.exec(select(Event).where(col(Event.id).in_(ids)))}
    return [by_id[i] for i in ids]


def count_matches(session: Session, filters: DiscoveryFilters) -> int:
    """How many events the listing holds for `filters`, up to COUNT_LIMIT + 1: the listing's own
    query (the events_fts walk for a search on SQLite), cut at the limit and counted."""
    now = utcnow()
    equal = _equal_to(session, filters)
    if search_terms(filters.query) and session.get_bind().dialect.name == "sqlite":
        walk = _fts_walk(_conditions(filters, equal, now), COUNT_LIMIT + 1).with_only_columns(_FTS_ROWID)
        counted = select(func.count()).select_from(walk.subquery("matches"))
        return int(session.exec(counted, params=_fts_params(filters, equal, now)).one())
    # Any COUNT_LIMIT + 1 matches will do, so no order: the planner takes the cheapest path.
    ids = listing_query(session, filters).with_only_columns(col(Event.id)).order_by(None).limit(COUNT_LIMIT + 1)
    return int(session.exec(select(func.count()).select_from(ids.subquery("matches"))).one())


def discover_events(filters: DiscoveryFilters, page: int = 1) -> DiscoveryPage:
    """One page of public, upcoming events matching `filters`, soonest first, and how many match."""
    page = max(1, min(page, 1000))
    offset, wanted = (page - 1) * PAGE_SIZE, page * PAGE_SIZE + 1
    with read_only() as session:
        rows = None
        if search_terms(filters.query) and session.get_bind().dialect.name == "sqlite":
            rows = _sqlite_search(session, filters, wanted)[offset:]
        elif search_terms(filters.query):
            windowed = _from_soonest_window(session, filters, wanted)
            rows = windowed[offset:] if windowed is not None else None
        if rows is None:
            rows = session.exec(listing_query(session, filters).offset(offset).limit(PAGE_SIZE + 1)).all()
        cards = cards_for(session, list(rows[:PAGE_SIZE]), whole_series=True)
        # A first page that is not full holds every match: no count needed.
        full = page > 1 or len(rows) > PAGE_SIZE
        total = count_matches(session, filters) if full else len(rows)
    return DiscoveryPage(
        cards=cards,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        total=min(total, COUNT_LIMIT),
        total_is_more=total > COUNT_LIMIT,
    )


def upcoming_events(limit: int = 6) -> list[EventCard]:
    """The soonest public events not over yet (the home page's handful): the listing with no filter."""
    limit = max(1, min(limit, PAGE_SIZE))
    with read_only() as session:
        rows = session.exec(listing_query(session, DiscoveryFilters()).limit(limit)).all()
        return cards_for(session, list(rows), whole_series=True)


def cards_for(session: Session, events: list[Event], *, whole_series: bool = False) -> list[EventCard]:
    """Cards for `events`, with organizer, category and visible price range, in three small queries.

    With `whole_series` (the listings, where a series is one card), a series date's card also counts
    the series' later listed dates and quotes prices across them all (one more query)."""
    if not events:
        return []
    workspaces = {
        w.id: w for w in session.exec(select(Workspace).where(col(Workspace.id).in_({e.workspace_id for e in events})))
    }
    categories = {
        c.id: c.name
        for c in session.exec(select(Category).where(col(Category.id).in_({e.category_id for e in events})))
    }
    later = _later_dates(session, events) if whole_series else {}
    prices = _price_ranges(session, [e.id for e in events] + [d for dates in later.values() for d in dates])
    if later:
        prices = {e.id: _spanning([prices.get(d) for d in [e.id, *later.get(e.id, [])]]) for e in events}
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
            workspace_slug=workspaces[e.workspace_id].slug,
            workspace_verified=workspaces[e.workspace_id].verified,
            min_price=prices.get(e.id, (None, None))[0],
            max_price=prices.get(e.id, (None, None))[1],
            is_postponed=e.status == EventStatus.POSTPONED,
            more_dates=len(later.get(e.id, [])),
        )
        for e in events
    ]


PriceRange = tuple[int | None, int | None]


def _price_ranges(session: Session, event_ids: list[str]) -> dict[str, PriceRange]:
    """Each event's visible (lowest, highest) price. "From" quotes the cheapest ticket with a seat
    left; a fully sold-out event quotes all its tiers."""
    available = func.min(case((TIER_SEATS.fit(1), TicketTier.price)))
    return {
        event_id: (low_available if low_available is not None else low, high)
        for event_id, low_available, low, high in session.exec(
            select(TicketTier.event_id, available, func.min(TicketTier.price), func.max(TicketTier.price))
            .where(col(TicketTier.event_id).in_(event_ids), col(TicketTier.hidden).is_(False))
            .group_by(TicketTier.event_id)
        )
    }


def _spanning(ranges: list[PriceRange | None]) -> PriceRange:
    lows = [low for low, _ in filter(None, ranges) if low is not None]
    highs = [high for _, high in filter(None, ranges) if high is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)


def _later_dates(session: Session, events: list[Event]) -> dict[str, list[str]]:
    """For each series date among `events`, the ids of its series' listed dates after it, not over."""
    firsts = {e.series_id: e for e in events if e.series_id}
    if not firsts:
        return {}
    later: dict[str, list[str]] = {}
    rows = session.exec(
        select(Event.id, Event.series_id, Event.start_at).where(
            col(Event.series_id).in_(list(firsts)), col(Event.is_listed).is_(True), Event.end_at > utcnow()
        )
    )
    for event_id, series_id, start_at in rows:
        first = firsts[series_id]
        if (start_at, event_id) > (first.start_at, first.id):
            later.setdefault(first.id, []).append(event_id)
    return later


def explain_listing(filters: DiscoveryFilters) -> str:
    """The database's plan for the listing query (tests assert it uses indexes)."""
    engine = get_engine()
    with read_only() as session:
        statement = listing_query(session, filters).limit(PAGE_SIZE + 1)
        compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        return "\n".join(" ".join(str(c) for c in row) for row in session.execute(text(prefix + str(compiled))))


@dataclass(frozen=True)
class PublicTier:
    """A visible tier as a visitor sees it: price, and whether and how many can be bought now."""

    id: str
    name: str
    description: str
    price: int
    sale_state: str
    sale_label: str
    available: int | None
    max_quantity: int
    unlocked: bool = False  # a hidden tier shown because the visitor's code unlocks it
    waitlist: bool = False  # sold out, visitors may join its waitlist (sales.event_waitlists says when)


@dataclass(frozen=True)
class PublicPartner:
    name: str
    url: str
    logo_url: str


@dataclass(frozen=True)
class PublicEvent:
    """An event's public page. Never carries the online link: only ticket holders receive it.

    `status` is the stored status, except that a public event whose end has passed reads `completed`.
    """

    short_id: str
    title: str
    description: str
    category: str
    type: str
    pricing: str
    venue: str
    city: str
    country: str
    meeting_platform: str
    start_at: datetime
    end_at: datetime
    timezone: str
    banner_url: str
    currency: str
    fee_mode: str
    status: str
    organizer_name: str
    organizer_slug: str  # the organizer page, /o/{slug}
    organizer_logo_url: str
    organizer_verified: bool
    partners: list[PublicPartner] = field(default_factory=list)
    tiers: list[PublicTier] = field(default_factory=list)
    has_locked_tiers: bool = False  # hidden tiers a code could unlock remain: the page offers "Have a code?"
    # The refund policy's parts (kind, days, the organizer's text); None for a free event, which has
    # nothing to refund. Its words are made per reader (`refund_policy_in`): this page data is cached
    # for every visitor, whatever their language.
    refund_terms: sales.RefundTerms | None = None
    # What its checkout asks (sales.checkout_questions), read with the page: one read per visitor.
    questions: tuple[sales.CheckoutQuestion, ...] = ()
    guest_terms: sales.GuestTerms | None = None  # whether a signed-out buyer may check out as a guest
    in_series: bool = False  # one date of a series (#22 §3): the page offers the others
    asks_sms_phone: bool = False  # checkout asks for a phone to text the tickets to (#23 §3)

    @property
    def summary(self) -> str:
        return summary_text(self.description)

    def refund_policy_in(self, language: str | None) -> tuple[str, ...]:
        """The refund policy in `language` (sales.refund_policy_view: a summary line, then the
        organizer's own words); empty for a free event."""
        if self.refund_terms is None:
            return ()
        return sales.refund_policy_view(self.refund_terms, now=utcnow(), language=language or DEFAULT_LANGUAGE).lines

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.status == EventStatus.POSTPONED


HIDDEN_STATUSES = (EventStatus.DRAFT, EventStatus.INACTIVE)


def is_public(status: str) -> bool:
    """Whether an event in `status` has a public page (drafts and hidden events have none)."""
    return status not in HIDDEN_STATUSES


_recent_pages: dict[tuple[str, str], tuple[float, PublicEvent]] = {}
RECENT_PAGES_KEPT = 2000


def get_public_event(short_id: str, code: str = "") -> PublicEvent:
    """`read_public_event`, reused for `settings.public_event_cache_seconds` by this process: the
    event page's every visitor asks for it, and an on-sale rush is thousands of them for one event.
    Availability may then be that many seconds old, as #18 allows; a checkout still decides on the
    database. A missing event is not kept (it may be published the next second)."""
    if (kept := recent_public_event(short_id, code)) is not None:
        return kept
    page = read_public_event(short_id, code)
    if settings.public_event_cache_seconds > 0:
        if len(_recent_pages) >= RECENT_PAGES_KEPT:
            _recent_pages.clear()  # many events (or codes) at once: start over rather than grow
        _recent_pages[_page_key(short_id, code)] = (monotonic(), page)
    return page


def recent_public_event(short_id: str, code: str = "") -> PublicEvent | None:
    """What `get_public_event` would give from this process's memory, or None when it would read the
    database. Never waits on anything, so the event loop may ask it first and spare a page load its
    trip to a worker thread (nearly every load of an on-sale page finds it here)."""
    seconds = settings.public_event_cache_seconds
    kept = _recent_pages.get(_page_key(short_id, code)) if seconds > 0 else None
    if kept is not None and monotonic() - kept[0] < seconds:
        return kept[1]
    return None


def _page_key(short_id: str, code: str) -> tuple[str, str]:
    return ((short_id or "").strip().lower(), code)


def read_public_event(short_id: str, code: str = "") -> PublicEvent:
    """The public page of the event with `short_id`, with its visible tiers' sale states as of now,
    and the hidden tiers that `code` unlocks (sales.tier_offered; a code that unlocks none adds none).

    Cancelled and past events are returned (with their status) so old links explain themselves.

    Raises:
        NotFound: no such event, or it is a draft or hidden.
    """
    now = utcnow()
    with read_only() as session:
        event = session.exec(select(Event).where(Event.short_id == (short_id or "").strip().lower())).first()
        if event is None or not is_public(event.status):
            raise NotFound(N_("This event does not exist or is no longer public."))
        workspace = session.get(Workspace, event.workspace_id)
        category = session.get(Category, event.category_id) if event.category_id else None
        partners = session.exec(
            select(EventPartner).where(EventPartner.event_id == event.id).order_by(col(EventPartner.sort_order))
        ).all()
        every_tier = session.exec(
            select(TicketTier).where(TicketTier.event_id == event.id).order_by(col(TicketTier.sort_order))
        ).all()
        has_hidden = any(tier.hidden for tier in every_tier)
        unlocked = tiers_unlocked_by(session.connection(), event.id, code) if code and has_hidden else frozenset()
        tiers = [tier for tier in every_tier if tier_offered(tier.id, tier.hidden, unlocked)]
        status = event.status
        if status in SELLING_EVENT_STATUSES and event.end_at <= now:
            status = EventStatus.COMPLETED
        return PublicEvent(
            short_id=event.short_id,
            title=event.title,
            description=event.description,
            category=category.name if category else "",
            type=event.type,
            pricing=event.pricing,
            fee_mode=event.fee_mode,
            venue=event.venue or "",
            city=event.city or "",
            country=event.country or "",
            meeting_platform=event.meeting_platform or "",
            start_at=event.start_at,
            end_at=event.end_at,
            timezone=event.timezone,
            banner_url=event.banner_url or "",
            currency=event.currency,
            status=status,
            organizer_name=workspace.name,
            organizer_slug=workspace.slug,
            organizer_logo_url=workspace.logo_url or "",
            organizer_verified=workspace.verified,
            partners=[PublicPartner(p.name, p.url or "", p.logo_url or "") for p in partners],
            tiers=[_public_tier(tier, event, now) for tier in tiers],
            has_locked_tiers=any(tier.hidden and tier.id not in unlocked for tier in every_tier),
            refund_terms=sales.refund_terms_of(event) if event.pricing == EventPricing.PAID else None,
            questions=tuple(sales.checkout_questions_in(session.connection(), event.id)),
            guest_terms=sales.GuestTerms(event.requires_account, event.asks_buyer_phone, event.currency),
            in_series=event.series_id is not None,
            asks_sms_phone=sales.asks_sms_phone(event.sms_tickets),
        )


def _public_tier(tier: TicketTier, event: Event, now: datetime) -> PublicTier:
    sale = tier_sale(tier, event_status=event.status, event_end=event.end_at, zone_name=event.timezone, now=now)
    return PublicTier(
        id=tier.id,
        name=tier.name,
        description=tier.description,
        price=tier.price,
        sale_state=sale.state,
        sale_label=sale.label,
        available=sale.available,
        max_quantity=sale.max_quantity,
        unlocked=tier.hidden,
        waitlist=tier.waitlist,
    )


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_MARK = re.compile(r"^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s+", re.MULTILINE)
_INLINE_MARK = re.compile(r"[*_`~|]")


def summary_text(description: str, limit: int = 160) -> str:
    """The first `limit` characters of a Markdown description as plain text, cut at a word ("…")."""
    plain = _LINK.sub(r"\1", _IMAGE.sub(" ", description or ""))
    plain = " ".join(_INLINE_MARK.sub("", _BLOCK_MARK.sub("", _TAG.sub(" ", plain))).split())
    if len(plain) <= limit:
        return plain
    head = plain[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(",;:.-") + "…"
