"""Event management handlers re-check the role: a member's or anonymous forged event changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Event, TicketTier
from eventpalour.state.event_creator import EventCreateState
from eventpalour.state.events import EventManageState
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


def _events() -> list[tuple]:
    with read_only() as session:
        return sorted((e.title, e.status) for e in session.exec(select(Event)))


def _tiers() -> list[tuple]:
    with read_only() as session:
        return sorted((t.name, t.price, t.quantity) for t in session.exec(select(TicketTier)))


@pytest.fixture
def setup():
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(owner, ws.id)
    member = make_user()
    add_member(ws.id, member, "member")
    return owner, ws, event, member


@pytest.mark.parametrize("handler", ["publish", "hide", "cancel_event", "delete_event", "save_details", "save_tickets"])
@pytest.mark.parametrize("caller", ["anonymous", "member"])
async def test_forged_event_management_changes_nothing(setup, handler, caller):
    owner, ws, event, member = setup
    path = f"/workspace/{ws.id}/events/{event.short_id}"
    owner_state = state_for(EventManageState, token=owner.token, path=path)
    await run_handler(owner_state, "load_event")
    forged = state_for(EventManageState, token=None if caller == "anonymous" else member.token, path=path)
    forged.values = {**owner_state.values, "title": "Hijacked"}
    forged.tier_rows = [replace(owner_state.tier_rows[0], name="Hijacked", quantity="1")]
    before = (_events(), _tiers())
    await run_handler(forged, handler)
    assert (_events(), _tiers()) == before


async def test_member_cannot_create_event_through_the_creator(setup):
    owner, ws, event, member = setup
    forged = state_for(EventCreateState, token=member.token, path=f"/workspace/{ws.id}/events/new")
    owner_view = state_for(EventManageState, token=owner.token, path=f"/workspace/{ws.id}/events/{event.short_id}")
    await run_handler(owner_view, "load_event")
    forged.values = {**owner_view.values, "title": "Sneaky"}
    forged.tier_rows = owner_view.tier_rows
    before = _events()
    await run_handler(forged, "save_draft")
    assert _events() == before


async def test_owner_publishes_through_handler(setup):
    owner, ws, event, _ = setup
    state = state_for(EventManageState, token=owner.token, path=f"/workspace/{ws.id}/events/{event.short_id}")
    await run_handler(state, "load_event")
    await run_handler(state, "publish")
    assert _events() == [("Jazz on the Lawn", "active")]
