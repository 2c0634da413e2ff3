"""Discovery (SPEC §4): only public upcoming events, search and filters, pages of 24."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventpalour.models.types import utcnow
from eventpalour.services import events
from eventpalour.services.discovery import PAGE_SIZE, DiscoveryFilters, discover_events, list_categories
from eventpalour.services.event_rules import TierInput
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
        category="Tech",
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
    assert list_categories() == [("music", "Music"), ("tech", "Tech")]


def test_renamed_workspace_is_found_by_its_new_name(catalogue):
    from eventpalour.services.workspaces import WorkspaceInput, update_workspace

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
