"""Tickets of past events (SPEC §4 `completed`, §6 `expired`): completing an event expires the
tickets nobody used, the door refuses every ticket once the event is over (its end plus a grace
period for late arrivals and overruns), and every list and counter reads expired tickets as sold
but never checked in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Ticket, TicketScan
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle as events
from eventpalour.services.platform.errors import Conflict
from eventpalour.services.tickets import attendees, scanning, ticket_tokens, transfers
from eventpalour.services.tickets import holdings as tickets
from eventpalour.services.tickets.attendees import AttendeeFilters
from tests.factories import add_member, make_user
from tests.ticket_support import Venue, issue, make_venue, ticket


@pytest.fixture
def door():
    venue = make_venue()
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    return venue, staff


def _ended(venue: Venue, hours_ago: float) -> None:
    """Move the event into the past: a three-hour event that ended `hours_ago` hours ago."""
    end = utcnow() - timedelta(hours=hours_ago)
    with transaction() as session:
        session.execute(
            update(Event).where(col(Event.id) == venue.event_id).values(start_at=end - timedelta(hours=3), end_at=end)
        )


def _scan(staff, venue: Venue, text: str) -> scanning.ScanOutcome:
    return scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=text, device="Gate A")


def _token(t: Ticket) -> str:
    return ticket_tokens.sign(t.id, t.event_id, t.secret_version)


def _statuses(ids: list[str]) -> list[str]:
    return [ticket(i).status for i in ids]


def test_completing_a_past_event_expires_the_tickets_nobody_used(door):
    venue, staff = door
    used, unused, cancelled = issue(venue, count=3)
    assert _scan(staff, venue, used.short_code).result == "ok"
    with transaction() as session:
        session.execute(update(Ticket).where(col(Ticket.id) == cancelled.id).values(status="cancelled"))
    upcoming = make_venue(title="Next week")
    [later] = issue(upcoming)

    _ended(venue, hours_ago=1)  # doors still open for late arrivals and overruns
    assert events.complete_finished_events() == 0
    assert _statuses([used.id, unused.id, cancelled.id]) == ["used", "valid", "cancelled"]
    with read_only() as session:
        over = session.get(Event, venue.event_id)
    assert (over.status, over.is_listed) == ("active", False)  # no longer offered, though

    _ended(venue, hours_ago=7)
    assert events.complete_finished_events() == 1
    with read_only() as session:
        assert session.get(Event, venue.event_id).status == "completed"
    assert _statuses([used.id, unused.id, cancelled.id]) == ["used", "expired", "cancelled"]
    assert ticket(later.id).status == "valid"
    assert events.complete_finished_events() == 0


def test_the_door_refuses_every_ticket_once_the_event_is_over(door):
    venue, staff = door
    late, unused, used, code_typed = issue(venue, count=4)
    assert _scan(staff, venue, used.short_code).result == "ok"
    elsewhere = make_venue(title="Another Night")
    [other] = issue(elsewhere)

    _ended(venue, hours_ago=1)
    assert _scan(staff, venue, _token(late)).result == "ok"  # within the grace period: a late arrival

    _ended(venue, hours_ago=7)  # past the grace period, even before the completion pass ran
    refused = _scan(staff, venue, _token(unused))
    assert (refused.result, refused.message) == ("event_ended", "Event has ended. Tickets no longer admit anyone.")
    assert (refused.short_code, refused.holder_name) == (unused.short_code, "Test Person")
    assert _scan(staff, venue, code_typed.short_code).result == "event_ended"
    assert _scan(staff, venue, used.short_code).result == "event_ended"
    assert _statuses([unused.id, code_typed.id]) == ["valid", "valid"]  # nothing admitted
    assert _scan(staff, venue, _token(other)).result == "wrong_event"
    assert _scan(staff, venue, "ZZZZ9999").result == "invalid"

    events.complete_finished_events()
    assert _scan(staff, venue, _token(unused)).result == "event_ended"  # expired now, still "ended"
    with read_only() as session:
        results = [s.result for s in session.exec(select(TicketScan).order_by(col(TicketScan.scanned_at)))]
    assert results == ["ok", "ok", "event_ended", "event_ended", "event_ended", "wrong_event", "invalid", "event_ended"]


def test_expired_tickets_count_as_sold_and_never_as_checked_in(door):
    venue, staff = door
    used, *_ = issue(venue, count=3)
    _scan(staff, venue, used.short_code)
    _ended(venue, hours_ago=7)
    events.complete_finished_events()

    counts = scanning.door_counts(actor=staff.summary, event_id=venue.short_id)
    assert (counts.checked_in, counts.sold) == (1, 3)
    owner = venue.owner.summary
    everyone = attendees.event_attendees(actor=owner, event_id=venue.event_id, filters=AttendeeFilters())
    assert (everyone.checked_in, everyone.admissions, everyone.total) == (1, 3, 3)
    absent = attendees.event_attendees(
        actor=owner, event_id=venue.event_id, filters=AttendeeFilters(scan="not_checked_in")
    )
    assert sorted(r.ticket_status for r in absent.rows) == ["expired", "expired"]
    void = attendees.event_attendees(actor=owner, event_id=venue.event_id, filters=AttendeeFilters(scan="not_valid"))
    assert void.rows == []


def test_an_expired_ticket_is_a_past_ticket_without_a_code(door):
    venue, _ = door
    holder = make_user()
    [t] = issue(venue, holder)
    _ended(venue, hours_ago=7)
    events.complete_finished_events()

    mine = tickets.get_user_tickets(actor=holder.summary)
    assert mine.upcoming == []
    [past] = mine.past
    assert (past.status, past.qr_data_uri) == ("expired", "")
    with pytest.raises(Conflict):
        tickets.ticket_image(actor=holder.summary, ticket_id=t.id)
    with pytest.raises(Conflict):
        transfers.transfer_ticket(actor=holder.summary, ticket_id=t.id, recipient_email=make_user().email)
