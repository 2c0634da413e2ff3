"""The event page's data reused for a few seconds per process (#18): a rush of visitors reads the
database once per event per PUBLIC_EVENT_CACHE_SECONDS, availability at most that old; a missing
event is never kept, and a code's unlocked tiers are kept apart from the plain page."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from eventpalour.config import settings
from eventpalour.db import transaction
from eventpalour.models import Event
from eventpalour.services.events import discovery
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform.errors import NotFound
from tests.factories import approve_kyc, make_event, make_organizer, make_workspace


@pytest.fixture
def cached(monkeypatch):
    """The cache on (tests run with it off), a clock the test moves, and nothing kept from before."""
    clock = [1000.0]
    monkeypatch.setattr(settings, "public_event_cache_seconds", 2.0)
    monkeypatch.setattr(discovery, "monotonic", lambda: clock[0])
    discovery._recent_pages.clear()
    yield clock
    discovery._recent_pages.clear()


def _event():
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    return make_event(
        owner, workspace.id, publish=True, tiers=[TierInput(name="Floor", price=0, quantity=5)], title="Rooftop"
    )


def _retitle(event_id: str, title: str) -> None:
    with transaction() as session:
        session.execute(update(Event).where(Event.id == event_id).values(title=title))


def test_the_page_is_read_once_per_window_then_afresh(cached):
    event = _event()
    first = discovery.get_public_event(event.short_id)
    _retitle(event.id, "Rooftop Live")
    cached[0] += 1.9
    assert discovery.get_public_event(event.short_id.upper()) is first  # the same page, within the window
    cached[0] += 0.2
    assert discovery.get_public_event(event.short_id).title == "Rooftop Live"


def test_the_loop_may_ask_memory_first_and_never_waits(cached):
    """`recent_public_event` gives what `get_public_event` would from memory, else None (no read)."""
    event = _event()
    assert discovery.recent_public_event(event.short_id) is None  # not read yet
    first = discovery.get_public_event(event.short_id)
    assert discovery.recent_public_event(event.short_id.upper()) is first
    assert discovery.recent_public_event(event.short_id, "VIPLIST") is None  # a code is its own entry
    cached[0] += 2.1
    assert discovery.recent_public_event(event.short_id) is None  # too old: the caller reads afresh


def test_a_missing_event_is_never_kept(cached):
    with pytest.raises(NotFound):
        discovery.get_public_event("nosuchevent")
    assert discovery._recent_pages == {}


def test_without_the_setting_every_visit_reads(monkeypatch):
    monkeypatch.setattr(settings, "public_event_cache_seconds", 0.0)
    event = _event()
    discovery.get_public_event(event.short_id)
    _retitle(event.id, "Rooftop Again")
    assert discovery.get_public_event(event.short_id).title == "Rooftop Again"
    assert discovery._recent_pages == {}
    assert discovery.recent_public_event(event.short_id) is None


def test_a_code_is_its_own_entry(cached):
    event = _event()
    plain = discovery.get_public_event(event.short_id)
    with_code = discovery.get_public_event(event.short_id, "VIPLIST")
    assert with_code is not plain
    assert set(discovery._recent_pages) == {(event.short_id, ""), (event.short_id, "VIPLIST")}
