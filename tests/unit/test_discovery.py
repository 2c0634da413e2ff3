"""Discovery (SPEC §4): only public upcoming events, search and filters, pages of 24."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventpalour.models.types import utcnow
from eventpalour.services.events import discovery
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events.categories import DEFAULT_CATEGORIES, list_categories
from eventpalour.services.events.discovery import (
    PAGE_SIZE,
    DiscoveryFilters,
    discover_events,
    upcoming_events,
)
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform import plural
from tests.factories import approve_kyc, local, make_event, make_organizer, make_workspace


@pytest.fixture
def catalogue():
    owner = make_organizer()
    ws = make_workspace(owner, name="Savannah Tech Hub")
    approve_kyc(ws.id)
    soon = utcnow() + timedelta(days=3)
    later = utcnow() + timedelta(days=30)
    make_event(
        owner,
        ws.id,
        publish=True,
        title="Jazz Night",
        city="Nairobi",
        category="Music",
        start_local=local(later),
        end_local=local(later + timedelta(hours=2)),
    )
    make_event(
        owner,
        ws.id,
        publish=True,
        title="Python Meetup",
        city="Lagos",
        country="Nigeria",
        category="Technology",
        type="hybrid",
        online_link="https://zoom.us/j/1",
        meeting_platform="zoom",
        start_local=local(soon),
        end_local=local(soon + timedelta(hours=2)),
    )
    make_event(
        owner,
        ws.id,
        publish=True,
        title="Paid Gala",
        pricing="paid",
        category="Music",
        city="Nairobi",
        tiers=[TierInput(name="VIP", price=500000, quantity=10), TierInput(name="Regular", price=150000)],
    )
    make_event(owner, ws.id, title="Secret draft", city="Nairobi")
    hidden = make_event(owner, ws.id, publish=True, title="Hidden show", city="Nairobi")
    events.change_status(actor=owner.summary, event_id=hidden.id, action="hide")
    return owner, ws


def _titles(filters: DiscoveryFilters) -> list[str]:
    return [c.title for c in discover_events(filters).cards]


def test_discover_lists_only_public_upcoming_soonest_first(catalogue):
    assert _titles(DiscoveryFilters()) == ["Python Meetup", "Paid Gala", "Jazz Night"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (DiscoveryFilters(query="jazz"), ["Jazz Night"]),
        (DiscoveryFilters(query="JAZ"), ["Jazz Night"]),
        (DiscoveryFilters(query="lagos"), ["Python Meetup"]),
        (DiscoveryFilters(query="tech hub"), ["Python Meetup", "Paid Gala", "Jazz Night"]),
        (DiscoveryFilters(query="stars"), ["Python Meetup", "Paid Gala", "Jazz Night"]),
        (DiscoveryFilters(query="nothing-matches-this"), []),
        (DiscoveryFilters(query="\"'*;--"), ["Python Meetup", "Paid Gala", "Jazz Night"]),
        (DiscoveryFilters(category="music"), ["Paid Gala", "Jazz Night"]),
        (DiscoveryFilters(category="unknown"), []),
        (DiscoveryFilters(type="hybrid"), ["Python Meetup"]),
        (DiscoveryFilters(pricing="paid"), ["Paid Gala"]),
        (DiscoveryFilters(city="NAIROBI"), ["Paid Gala", "Jazz Night"]),
        (DiscoveryFilters(starts_after=utcnow() + timedelta(days=20)), ["Jazz Night"]),
        (DiscoveryFilters(starts_before=utcnow() + timedelta(days=5)), ["Python Meetup"]),
        (DiscoveryFilters(query="night", city="nairobi", category="music"), ["Jazz Night"]),
    ],
)
def test_discover_search_and_filters(catalogue, filters, expected):
    assert _titles(filters) == expected


def test_discover_card_shows_price_range_and_organizer(catalogue):
    gala = next(c for c in discover_events(DiscoveryFilters(pricing="paid")).cards)
    assert (gala.min_price, gala.max_price, gala.currency) == (150000, 500000, "KES")
    assert gala.workspace_name == "Savannah Tech Hub" and gala.category == "Music"


def test_discover_pages_of_24(catalogue):
    owner, ws = catalogue
    for i in range(PAGE_SIZE):
        make_event(owner, ws.id, publish=True, title=f"Bulk {i}")
    first, second = discover_events(DiscoveryFilters(), page=1), discover_events(DiscoveryFilters(), page=2)
    assert len(first.cards) == PAGE_SIZE and first.has_next
    assert len(second.cards) == 3 and not second.has_next


def test_categories_listed_for_filters(catalogue):
    """The managed list (#24 §7), by name with Other last, whether any event uses a category or not."""
    listed = [(c.slug, c.name) for c in list_categories()]
    assert listed[-1] == ("other", "Other")
    assert [name for _, name in listed[:-1]] == sorted(set(DEFAULT_CATEGORIES) - {"Other"})
    assert ("arts-culture", "Arts & Culture") in listed


def test_renamed_workspace_is_found_by_its_new_name(catalogue):
    from eventpalour.services.workspaces.records import WorkspaceInput, update_workspace

    owner, ws = catalogue
    update_workspace(
        actor=owner.summary,
        workspace_id=ws.id,
        data=WorkspaceInput(name="Baobab Collective", description="Renamed for the new season."),
    )
    assert len(_titles(DiscoveryFilters(query="baobab"))) == 3
    assert _titles(DiscoveryFilters(query="savannah")) == []


def test_common_word_search_pages_match_the_index_search(catalogue, db_backend):
    """On PostgreSQL the soonest-events window answers common words; its pages must equal the full search."""
    owner, ws = catalogue
    for i in range(30):
        make_event(owner, ws.id, publish=True, title=f"Common word show {i}", description=f"Everyone loves {i} shows.")
    everything = [c.title for page in (1, 2) for c in discover_events(DiscoveryFilters(), page=page).cards]
    expected = [t for t in everything if t.startswith("Common")]
    first = [c.title for c in discover_events(DiscoveryFilters(query="common"), page=1).cards]
    second = [c.title for c in discover_events(DiscoveryFilters(query="common"), page=2).cards]
    assert first + second == expected and len(first) == 24


def test_card_from_price_skips_sold_out_tiers(catalogue):
    from sqlalchemy import update

    from eventpalour.db import transaction
    from eventpalour.models import TicketTier

    with transaction() as session:
        session.execute(update(TicketTier).where(TicketTier.name == "VIP").values(sold=10))
        session.execute(update(TicketTier).where(TicketTier.name == "Regular").values(quantity=5, sold=5))
    gala = discover_events(DiscoveryFilters(pricing="paid")).cards[0]
    assert gala.min_price == 150000  # everything sold out: quote every tier
    with transaction() as session:
        session.execute(update(TicketTier).where(TicketTier.name == "VIP").values(sold=0))
    gala = discover_events(DiscoveryFilters(pricing="paid")).cards[0]
    assert (gala.min_price, gala.max_price) == (500000, 500000)  # cheap Regular is gone: from the VIP price


def _fts_in_step_with_listed_events() -> None:
    """SQLite: events_fts holds exactly the listed events, under the key its triggers compute, with
    their filter values as facet tokens."""
    from sqlalchemy import text

    from eventpalour.db import get_engine
    from eventpalour.services.events.discovery import FACET_PREFIXES

    key = "(CAST(strftime('%s', start_at) AS INTEGER) / 60) * 4294967296 + rowid"
    with get_engine().begin() as connection:
        connection.execute(text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
        listed = connection.execute(
            text(f"SELECT {key}, {', '.join(FACET_PREFIXES)} FROM events WHERE is_listed ORDER BY 1")
        ).all()
        indexed = connection.execute(text("SELECT rowid FROM events_fts WHERE events_fts MATCH 'stars' ORDER BY 1"))
        assert list(indexed.scalars()) == [row[0] for row in listed]
        for key_value, *values in listed:
            facets = " AND ".join(
                f'facets : "{prefix}{(value or "").encode().hex()}"'
                for prefix, value in zip(FACET_PREFIXES.values(), values, strict=True)
            )
            found = connection.execute(
                text("SELECT rowid FROM events_fts WHERE events_fts MATCH :facets AND rowid = :key"),
                {"facets": facets, "key": key_value},
            )
            assert found.scalar() == key_value, facets


def test_search_follows_postpone_hide_publish_and_delete(catalogue, db_backend):
    owner, ws = catalogue
    stars = DiscoveryFilters(query="stars")
    meetup = next(e for e in _events_by_title() if e.title == "Python Meetup")
    later = utcnow() + timedelta(days=40)
    events.change_status(
        actor=owner.summary, event_id=meetup.id, action="postpone", new_start=later, new_end=later + timedelta(hours=2)
    )
    assert _titles(stars) == ["Paid Gala", "Jazz Night", "Python Meetup"]
    gala = next(e for e in _events_by_title() if e.title == "Paid Gala")
    events.change_status(actor=owner.summary, event_id=gala.id, action="hide")
    assert _titles(stars) == ["Jazz Night", "Python Meetup"]
    events.change_status(actor=owner.summary, event_id=gala.id, action="publish")
    assert _titles(stars) == ["Paid Gala", "Jazz Night", "Python Meetup"]
    jazz = next(e for e in _events_by_title() if e.title == "Jazz Night")
    events.delete_event(actor=owner.summary, event_id=jazz.id)
    assert _titles(stars) == ["Paid Gala", "Python Meetup"]
    if db_backend == "sqlite":
        _fts_in_step_with_listed_events()


def _events_by_title():
    from sqlmodel import select

    from eventpalour.db import read_only
    from eventpalour.models import Event

    with read_only() as session:
        return list(session.exec(select(Event)))


def test_search_keeps_running_events_first_and_finished_ones_out(catalogue, db_backend):
    """An event under way is listed first; one whose end has passed (not yet completed) is not."""
    from sqlalchemy import update

    from eventpalour.db import transaction
    from eventpalour.models import Event

    now = utcnow()
    with transaction() as session:
        session.execute(update(Event).where(Event.title == "Jazz Night").values(start_at=now - timedelta(days=20)))
        session.execute(
            update(Event)
            .where(Event.title == "Paid Gala")
            .values(start_at=now - timedelta(days=2), end_at=now - timedelta(hours=1))
        )
    assert _titles(DiscoveryFilters(query="stars")) == ["Jazz Night", "Python Meetup"]
    assert _titles(DiscoveryFilters(query="stars", city="nairobi")) == ["Jazz Night"]
    if db_backend == "sqlite":
        _fts_in_step_with_listed_events()


@pytest.mark.parametrize(
    ("days_after", "days_before", "expected"),
    [
        (20, None, ["Jazz Night"]),
        (None, 5, ["Python Meetup"]),
        (5, 20, ["Paid Gala"]),
        (31, None, []),
        (20, 5, []),
    ],
)
def test_search_within_dates(catalogue, days_after, days_before, expected):
    now = utcnow()
    filters = DiscoveryFilters(
        query="stars",
        starts_after=now + timedelta(days=days_after) if days_after is not None else None,
        starts_before=now + timedelta(days=days_before) if days_before is not None else None,
    )
    assert _titles(filters) == expected


def test_search_filters_follow_an_edited_city_and_category(catalogue, db_backend):
    from sqlalchemy import update

    from eventpalour.db import transaction
    from eventpalour.models import Event
    from eventpalour.services.events.lifecycle import update_event
    from tests.factories import event_input

    owner, ws = catalogue
    jazz = next(e for e in _events_by_title() if e.title == "Jazz Night")
    update_event(
        actor=owner.summary,
        event_id=jazz.id,
        data=event_input(
            title="Jazz Night",
            city="Mombasa",
            category="Technology",
            start_local=local(jazz.start_at),
            end_local=local(jazz.end_at),
        ),
    )
    assert _titles(DiscoveryFilters(query="stars", city="nairobi")) == ["Paid Gala"]
    assert _titles(DiscoveryFilters(query="stars", city="mombasa", category="technology")) == ["Jazz Night"]
    assert _titles(DiscoveryFilters(query="stars", category="music")) == ["Paid Gala"]
    with transaction() as session:  # the filter column alone, as no service does today
        session.execute(update(Event).where(Event.title == "Paid Gala").values(city_key="kisumu", pricing="free"))
    assert _titles(DiscoveryFilters(query="stars", city="kisumu", pricing="free")) == ["Paid Gala"]
    if db_backend == "sqlite":
        _fts_in_step_with_listed_events()


def test_search_pages_keep_order_when_many_events_start_in_one_minute(catalogue):
    """More matches in one minute than a page: every page is still the listing's, by start then id."""
    owner, ws = catalogue
    start = utcnow() + timedelta(days=12)
    for i in range(2 * PAGE_SIZE + 5):
        make_event(
            owner,
            ws.id,
            publish=True,
            title=f"Crowded {i}",
            start_local=local(start),
            end_local=local(start + timedelta(hours=1)),
        )
    pages = (1, 2, 3)
    listed = [c.title for page in pages for c in discover_events(DiscoveryFilters(), page=page).cards]
    found = [c.title for page in pages for c in discover_events(DiscoveryFilters(query="crowded"), page=page).cards]
    assert found == [t for t in listed if t.startswith("Crowded")]


def test_cards_flag_exactly_the_postponed_events(catalogue):
    """The card's Postponed badge follows the service's flag: set for a postponed event, clear for the rest."""
    owner, _ = catalogue
    meetup = next(e for e in _events_by_title() if e.title == "Python Meetup")
    assert not any(card.is_postponed for card in discover_events(DiscoveryFilters()).cards)
    later = utcnow() + timedelta(days=40)
    events.change_status(
        actor=owner.summary, event_id=meetup.id, action="postpone", new_start=later, new_end=later + timedelta(hours=2)
    )
    flagged = {card.title: card.is_postponed for card in discover_events(DiscoveryFilters()).cards}
    assert flagged["Python Meetup"] and not any(v for title, v in flagged.items() if title != "Python Meetup")


def _every_title(filters: DiscoveryFilters) -> list[str]:
    titles, page = [], 1
    while True:
        result = discover_events(filters, page=page)
        titles += [c.title for c in result.cards]
        if not result.has_next:
            return titles
        page += 1


@pytest.mark.parametrize(
    "filters",
    [
        DiscoveryFilters(),
        DiscoveryFilters(query="bulk"),
        DiscoveryFilters(query="jazz"),
        DiscoveryFilters(category="music"),
        DiscoveryFilters(city="nairobi"),
        DiscoveryFilters(query="nothing-matches-this"),
        DiscoveryFilters(pricing="paid", query="gala"),
    ],
)
def test_total_counts_what_every_page_lists(catalogue, filters):
    """The count is the listing's own: on every page it equals the events all the pages show."""
    owner, ws = catalogue
    for i in range(PAGE_SIZE + 3):
        make_event(owner, ws.id, publish=True, title=f"Bulk {i}", city="Nairobi")
    listed = len(_every_title(filters))
    for page in (1, 2):
        result = discover_events(filters, page=page)
        assert (result.total, result.total_is_more) == (listed, False)
    assert discover_events(filters).total_label == plural(listed, "event")


def test_total_stops_counting_at_the_limit(catalogue, monkeypatch):
    """Past COUNT_LIMIT matches the count stops: "5+ events", on the plain listing and on a search."""
    owner, ws = catalogue
    for i in range(PAGE_SIZE + 3):
        make_event(owner, ws.id, publish=True, title=f"Bulk {i}")
    monkeypatch.setattr(discovery, "COUNT_LIMIT", 5)
    for filters in (DiscoveryFilters(), DiscoveryFilters(query="bulk")):
        result = discover_events(filters)
        assert (result.total, result.total_is_more, result.total_label) == (5, True, "5+ events")
    few = discover_events(DiscoveryFilters(query="jazz"))
    assert (few.total, few.total_is_more, few.total_label) == (1, False, "1 event")


def test_upcoming_events_are_the_listing_s_first_cards(catalogue):
    """The home page's handful: the /events listing's soonest cards, drafts and hidden events left out."""
    assert [c.title for c in upcoming_events(limit=2)] == ["Python Meetup", "Paid Gala"]
    assert upcoming_events(limit=6) == discover_events(DiscoveryFilters()).cards
    assert upcoming_events(limit=0) == upcoming_events(limit=1)
