"""Checking someone in by hand from the attendee list, and undoing a check-in (issue #24, item 8):
the same decision and log as a door scan, for the same members; the list's flags follow the rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Ticket, TicketScan
from eventpalour.models.types import utcnow
from eventpalour.services.platform.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied
from eventpalour.services.tickets import attendees, scanning
from eventpalour.services.tickets.attendees import AttendeeFilters
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue, ticket


@pytest.fixture
def door():
    venue = make_venue()
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "moderator")
    return venue, staff


def _log() -> list[tuple[str | None, str, str, str]]:
    with read_only() as session:
        scans = session.exec(select(TicketScan).order_by(col(TicketScan.scanned_at)))
        return [(s.ticket_id, s.result, s.method, s.device) for s in scans]


def _row(venue, actor, ticket_id: str) -> attendees.AttendeeRow:
    page = attendees.event_attendees(actor=actor.summary, event_id=venue.event_id, filters=AttendeeFilters())
    return next(row for row in page.rows if row.ticket_id == ticket_id)


def test_check_in_by_hand_admits_once_and_is_logged_like_a_scan(door):
    venue, staff = door
    holder = make_user(full_name="Amina Wanjiru")
    [t] = issue(venue, holder)
    row = _row(venue, staff, t.id)
    assert (row.can_check_in, row.can_undo_check_in) == (True, False)

    done = scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id=t.id)

    assert (done.result, done.admitted, done.message) == ("ok", True, "Welcome, Amina Wanjiru!")
    stored = ticket(t.id)
    assert stored.status == "used" and stored.used_by_id == staff.id
    row = _row(venue, staff, t.id)
    assert (row.can_check_in, row.can_undo_check_in) == (False, True)
    again = scanning.check_in_ticket(actor=staff.summary, event_id=venue.event_id, ticket_id=t.id)
    assert (again.result, again.admitted, again.used_by_name) == ("already_used", False, "Gate Keeper")
    assert _log() == [(t.id, "ok", "manual", "Attendee list"), (t.id, "already_used", "manual", "Attendee list")]


def test_undo_puts_the_ticket_back_and_the_next_scan_admits_it(door):
    venue, staff = door
    [t] = issue(venue)
    scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=t.short_code, device="Gate A")

    undone = scanning.undo_check_in(actor=staff.summary, event_id=venue.short_id, ticket_id=t.id)

    assert undone.result == "undone" and "not checked in" in undone.message
    stored = ticket(t.id)
    assert (stored.status, stored.used_at, stored.used_by_id) == ("valid", None, None)
    counts = scanning.door_counts(actor=staff.summary, event_id=venue.event_id)
    assert (counts.checked_in, counts.sold) == (0, 1)
    assert scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=t.short_code).admitted
    assert [entry[1:3] for entry in _log()] == [("ok", "code"), ("undone", "manual"), ("ok", "code")]


def test_undo_is_refused_for_a_ticket_not_checked_in_and_changes_nothing(door):
    venue, staff = door
    waiting, refunded = issue(venue, count=2)
    with transaction() as session:
        session.execute(update(Ticket).where(col(Ticket.id) == refunded.id).values(status="refunded"))

    for t in (waiting, refunded):
        with pytest.raises(Conflict, match="not checked in"):
            scanning.undo_check_in(actor=staff.summary, event_id=venue.short_id, ticket_id=t.id)
    assert (ticket(waiting.id).status, ticket(refunded.id).status) == ("valid", "refunded")
    assert _log() == []
    row = _row(venue, staff, refunded.id)
    assert (row.can_check_in, row.can_undo_check_in) == (False, False)
    refused = scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id=refunded.id)
    assert (refused.result, refused.admitted) == ("not_valid", False)


def test_once_the_doors_close_nothing_can_be_checked_in_or_undone(door):
    venue, staff = door
    used, unused = issue(venue, count=2)
    scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id=used.id)
    end = utcnow() - timedelta(hours=7)
    with transaction() as session:
        session.execute(
            update(Event).where(col(Event.id) == venue.event_id).values(start_at=end - timedelta(hours=3), end_at=end)
        )

    assert [
        (r.can_check_in, r.can_undo_check_in) for r in (_row(venue, staff, used.id), _row(venue, staff, unused.id))
    ] == [
        (False, False),
        (False, False),
    ]
    with pytest.raises(Conflict, match="event has ended"):
        scanning.undo_check_in(actor=staff.summary, event_id=venue.short_id, ticket_id=used.id)
    late = scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id=unused.id)
    assert late.result == "event_ended" and ticket(used.id).status == "used" and ticket(unused.id).status == "valid"


def test_check_in_and_undo_only_for_this_events_tickets_and_its_members(door):
    venue, staff = door
    [t] = issue(venue)
    [elsewhere] = issue(make_venue(title="Another Night"))

    wrong = scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id=elsewhere.id)
    assert wrong.result == "wrong_event" and ticket(elsewhere.id).status == "valid"
    unknown = scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id="nosuchticket")
    assert unknown.result == "invalid"
    scanning.check_in_ticket(actor=staff.summary, event_id=venue.short_id, ticket_id=t.id)
    with pytest.raises(NotFound):
        scanning.undo_check_in(actor=staff.summary, event_id=venue.short_id, ticket_id=elsewhere.id)
    with pytest.raises(PermissionDenied):
        scanning.undo_check_in(actor=make_user().summary, event_id=venue.short_id, ticket_id=t.id)
    with pytest.raises(PermissionDenied):
        scanning.check_in_ticket(actor=make_venue().owner.summary, event_id=venue.short_id, ticket_id=t.id)
    with pytest.raises(NotAuthenticated):
        scanning.undo_check_in(actor=None, event_id=venue.short_id, ticket_id=t.id)
    assert ticket(t.id).status == "used"
