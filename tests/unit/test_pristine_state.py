"""Page state at its defaults stays out of Redis (#18): the first frame of a visitor touches every
page's computed vars, and only the states that hold something of the visitor's are written."""

from __future__ import annotations

import pickle

import pytest
from reflex.state import BaseState, _resolve_delta

from eventpalour.state import hydrate
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.navigation import AuthLinksState
from eventpalour.state.pristine import is_pristine
from tests.state_support import state_for

# The state tests read no database (SQLite run only; tests/conftest.py checks); the event page's load does.
no_db = pytest.mark.no_db


def _tree(state):
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.substates.values())


@no_db
async def test_a_hydrated_visitor_writes_only_what_holds_something():
    # The first visitor of a page in this process (a later one is given the vars kept per router
    # value by state/hydrate.py: those states are not even touched).
    hydrate._router_values.clear()
    page = state_for(EventDetailState, token=None, path="/e/abc123")
    states = list(_tree(page))
    for state in states:
        state._was_touched = False
    await _resolve_delta(states[0].dict())  # the hydrate frame: every state's computed vars read

    touched = [s for s in states if s._was_touched]
    written = [type(s) for s in touched if s._serialize()]
    assert len(touched) > 10  # the computed vars of every page
    assert written == [type(states[0])]  # only the root, which holds the connection's router data
    assert is_pristine(page)


@no_db
def test_a_changed_state_is_written_and_stays_written_back_at_its_defaults():
    page = state_for(EventDetailState, token=None, path="/e/abc123")
    page.code_input = "EARLYBIRD"
    assert not is_pristine(page)
    _schema, stored = pickle.loads(page._serialize())
    assert stored.code_input == "EARLYBIRD"
    stored.code_input = ""  # back to the default: Redis must not keep the older version
    assert is_pristine(stored) and stored._serialize()


@no_db
def test_links_state_is_never_kept():
    links = state_for(AuthLinksState, token=None, path="/events")
    assert links.sign_in_url
    assert links._serialize() == b""


@no_db
def test_a_stored_state_is_compressed_and_loads_as_reflex_loads_it():
    page = state_for(EventDetailState, token=None, path="/e/abc123")
    page.code_input = "EARLYBIRD"
    page.waitlist_spots = {f"tier{n}": "You're number 2 on the waitlist, for 1 ticket." for n in range(20)}
    stored = page._serialize()
    assert b"_inflate" in stored  # the compressed form
    raw = pickle.dumps((page._to_schema(), page))
    assert len(stored) < len(raw) * 0.6
    loaded = BaseState._deserialize(data=stored)  # what the Redis state manager calls
    assert loaded.code_input == "EARLYBIRD" and loaded.waitlist_spots == page.waitlist_spots


@no_db
def test_a_small_state_is_stored_as_it_is():
    """Compressing a few fields would add more than it saves: the plain pickle is kept."""
    page = state_for(EventDetailState, token=None, path="/e/abc123")
    auth = page.parent_state
    auth.auth_checked = True
    stored = auth._serialize()
    assert b"_inflate" not in stored
    assert BaseState._deserialize(data=stored).auth_checked is True


@no_db
def test_a_default_changed_in_place_is_not_pristine():
    """Defaults are kept once per class for the comparison: a state's own list changed in place
    differs from them (and they stay as declared)."""
    page = state_for(EventDetailState, token=None, path="/e/abc123")
    assert is_pristine(page)
    page.refund_policy.append("Refunds until 7 days before the event.")
    assert not is_pristine(page)
    assert state_for(EventDetailState, token=None, path="/e/abc123").refund_policy == []


async def test_the_event_page_load_resolves_the_navbar_user_found_or_not():
    """The event page runs load_event alone (no load_user, #18): it fills the navbar's user itself,
    on the event and on the not-found page alike."""
    from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
    from tests.state_support import run_handler

    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(owner, workspace.id, publish=True)
    buyer = make_user()
    for path in (f"/e/{event.short_id}", "/e/nosuch"):
        page = state_for(EventDetailState, token=buyer.token, path=path)
        await run_handler(page, "load_event")
        assert page.loaded and page.missing == (path == "/e/nosuch")
        assert page.auth_checked and page.user_id == buyer.id
