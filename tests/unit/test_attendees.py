"""The organizer's attendee list (SPEC §6): filters, search, CSV export, the check-in chart, and who may see it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from eventpalour.db import transaction
from eventpalour.models import Ticket
from eventpalour.services.platform.errors import NotAuthenticated, PermissionDenied
from eventpalour.services.tickets import attendees, scanning, transfers
from eventpalour.services.tickets.attendees import AttendeeFilters
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue

ALL = AttendeeFilters()


@pytest.fixture
def crowd():
    """Three attendees: Amina (checked in), Brian (waiting), Chao (refunded); Dan was given Esther's ticket."""
    venue = make_venue()
    amina = make_user(full_name="Amina Wanjiru", email="amina@example.test")
    brian = make_user(full_name="Brian Otieno")
    chao = make_user(full_name="Chao Li")
    dan = make_user(full_name="Dan Kamau")
    [a] = issue(venue, amina)
    issue(venue, brian)
    [c] = issue(venue, chao)
    esther = make_user(full_name="Esther Giver")
    [gift] = issue(venue, esther)
    transfers.transfer_ticket(actor=esther.summary, ticket_id=gift.id, recipient_email=dan.email)
    scanning.scan_ticket(actor=venue.owner.summary, event_id=venue.event_id, token_or_code=a.short_code)
    with transaction() as session:
        session.execute(update(Ticket).where(col(Ticket.id) == c.id).values(status="refunded"))
    return venue


def _names(page: attendees.AttendeesPage) -> list[str]:
    return [row.holder_name for row in page.rows]


def test_event_attendees_lists_each_admission_once_with_its_status(crowd):
    page = attendees.event_attendees(actor=crowd.owner.summary, event_id=crowd.event_id, filters=ALL)
    # Esther gave her ticket to Dan: only Dan's ticket is an admission now.
    assert _names(page) == ["Amina Wanjiru", "Brian Otieno", "Chao Li", "Dan Kamau"]
    assert [(r.payment, r.ticket_status) for r in page.rows] == [
        ("free", "used"),
        ("free", "valid"),
        ("refunded", "refunded"),
        ("free", "valid"),
    ]
    assert page.rows[0].checked_in_at is not None and page.rows[3].transferred
    assert (page.total, page.checked_in, page.admissions) == (4, 1, 3)
    assert page.tiers == [(crowd.tier_id, "General")]


@pytest.mark.parametrize(
    "filters, expected",
    [
        (AttendeeFilters(scan="checked_in"), ["Amina Wanjiru"]),
        (AttendeeFilters(scan="not_checked_in"), ["Brian Otieno", "Dan Kamau"]),
        (AttendeeFilters(scan="not_valid"), ["Chao Li"]),
        (AttendeeFilters(payment="refunded"), ["Chao Li"]),
        (AttendeeFilters(payment="free"), ["Amina Wanjiru", "Brian Otieno", "Chao Li", "Dan Kamau"]),
        (AttendeeFilters(payment="paid"), []),
        (AttendeeFilters(search="AMINA@"), ["Amina Wanjiru"]),
        (AttendeeFilters(search="otieno"), ["Brian Otieno"]),
        (AttendeeFilters(tier_id="someothertier"), []),
    ],
)
def test_event_attendees_filters(crowd, filters, expected):
    page = attendees.event_attendees(actor=crowd.owner.summary, event_id=crowd.short_id, filters=filters)
    assert _names(page) == expected


def test_event_attendees_search_by_ticket_code(crowd):
    first = attendees.event_attendees(actor=crowd.owner.summary, event_id=crowd.event_id, filters=ALL).rows[1]
    found = attendees.event_attendees(
        actor=crowd.owner.summary, event_id=crowd.event_id, filters=AttendeeFilters(search=first.short_code.lower())
    )
    assert _names(found) == ["Brian Otieno"]


def test_attendees_csv_has_every_matching_attendee_and_defuses_formulas(crowd):
    sneaky = make_user(full_name="=HYPERLINK(evil)")
    issue(crowd, sneaky)
    name, text = attendees.attendees_csv(actor=crowd.owner.summary, event_id=crowd.event_id, filters=ALL)
    assert name == f"attendees-{crowd.short_id}.csv"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Name",
        "Email",
        "Ticket code",
        "Tier",
        "Payment",
        "Status",
        "Checked in at",
        "Order",
        "Discount code",
    ]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(evil)", "Amina Wanjiru", "Brian Otieno", "Chao Li", "Dan Kamau"]
    amina = rows[2]
    assert (amina[1], amina[4], amina[5]) == ("amina@example.test", "Free", "Checked in")
    assert len(amina[6]) == len("2025-12-05 19:42")
    _, only_in = attendees.attendees_csv(
        actor=crowd.owner.summary, event_id=crowd.event_id, filters=AttendeeFilters(scan="checked_in")
    )
    assert len(list(csv.reader(io.StringIO(only_in)))) == 2


def test_check_in_progress_is_cumulative_in_the_event_zone():
    start = datetime(2025, 12, 5, 15, 58, tzinfo=UTC)  # 18:58 in Nairobi
    moments = [start, start + timedelta(minutes=1), start + timedelta(minutes=25), start + timedelta(minutes=26)]
    points = attendees.progress_points(moments, "Africa/Nairobi")
    assert [(p.label, p.checked_in) for p in points] == [("18:50", 2), ("19:00", 2), ("19:10", 2), ("19:20", 4)]
    long_night = [start, start + timedelta(hours=5)]
    assert [(p.label, p.checked_in) for p in attendees.progress_points(long_night, "Africa/Nairobi")] == [
        ("18:00", 1),
        ("19:00", 1),
        ("20:00", 1),
        ("21:00", 1),
        ("22:00", 1),
        ("23:00", 2),
    ]
    assert attendees.progress_points([], "Africa/Nairobi") == []


def test_check_in_progress_counts_real_scans(crowd):
    points = attendees.check_in_progress(actor=crowd.owner.summary, event_id=crowd.event_id)
    assert [p.checked_in for p in points] == [1]


@pytest.mark.parametrize("role, allowed", [("admin", True), ("moderator", True), ("member", False)])
def test_attendees_need_moderator_or_above(crowd, role, allowed):
    person = make_user()
    add_member(crowd.workspace_id, person, role)
    calls = [
        lambda: attendees.event_attendees(actor=person.summary, event_id=crowd.event_id, filters=ALL),
        lambda: attendees.attendees_csv(actor=person.summary, event_id=crowd.event_id, filters=ALL),
        lambda: attendees.check_in_progress(actor=person.summary, event_id=crowd.event_id),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied, match="moderator"):
                call()
    with pytest.raises(NotAuthenticated):
        attendees.event_attendees(actor=None, event_id=crowd.event_id, filters=ALL)
    with pytest.raises(PermissionDenied):
        attendees.attendees_csv(actor=make_user().summary, event_id=crowd.event_id, filters=ALL)
