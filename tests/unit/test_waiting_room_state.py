"""The waiting room's Reflex handlers (#18), driven as a forged or real websocket frame would: the
organizer's section (field errors, saving, the figures) and the event page's on_load sending a
browser without admission to the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventpalour.models.types import utcnow
from eventpalour.services import sales
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.waiting_room import EventWaitingRoomState
from tests.factories import local, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


@pytest.fixture
def setup():
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True)
    return owner, event, f"/workspace/{workspace.id}/events/{event.short_id}"


def _form(opens, starts, rate="600"):
    return {"opens_at": local(opens), "starts_at": local(starts), "rate_per_minute": rate}


async def test_organizer_sets_the_room_with_field_errors_first(setup):
    owner, event, path = setup
    state = state_for(EventWaitingRoomState, token=owner.token, path=path)
    await run_handler(state, "load_room")
    assert state.loaded and not state.has_room and state.rate_per_minute == "3000"
    now = utcnow()
    await run_handler(state, "set_enabled", True)
    await run_handler(state, "save_room", _form(now + timedelta(hours=2), now + timedelta(hours=1), rate="lots"))
    assert set(state.field_errors) == {"opens_at", "rate_per_minute"} and not state.has_room
    await run_handler(state, "set_field", "rate_per_minute", "600")
    assert set(state.field_errors) == {"opens_at"}  # an edited field's error goes
    await run_handler(state, "save_room", _form(now - timedelta(minutes=5), now + timedelta(hours=1)))
    assert state.field_errors == {} and state.has_room and state.enabled
    assert state.figures_status.startswith("Open: admission starts")
    assert (state.waiting, state.rate_label, state.clear_label) == ("0", "600 a minute", "Nobody waiting")
    sales.join_waiting_room(short_id=event.short_id, browser_cookie=None)
    await run_handler(state, "refresh_figures")
    assert state.waiting == "1" and state.clear_label in {"About 60 minutes", "About 61 minutes"}  # start on the minute


async def test_stranger_cannot_read_or_set_the_room(setup):
    _, _, path = setup
    state = state_for(EventWaitingRoomState, token=make_user().token, path=path)
    await run_handler(state, "load_room")
    assert not state.loaded and state.load_problem
    now = utcnow()
    await run_handler(state, "save_room", _form(now, now + timedelta(hours=1)))
    assert not state.has_room


async def test_event_page_sends_a_browser_without_admission_to_the_queue(setup):
    owner, event, _ = setup
    now = utcnow()
    sales.set_waiting_room(
        actor=owner.summary,
        event_id=event.id,
        enabled=True,
        opens_local=local(now - timedelta(minutes=5)),
        starts_local=local(now + timedelta(hours=1)),
        rate_per_minute="",
    )
    page = state_for(EventDetailState, token=None, path=f"/e/{event.short_id}")
    emitted = await run_handler(page, "load_event")
    assert f"/e/{event.short_id}/queue" in str(emitted[0]) and not page.loaded
