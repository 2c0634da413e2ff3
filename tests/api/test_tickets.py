"""Ticket files and the attendee export over HTTP: the holder (or a moderator) gets the file as an
attachment; anyone else gets the JSON error with the right status."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from eventpalour.services.tickets import scanning, transfers
from tests.api.support import with_session
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue


@pytest.fixture
def holder_and_ticket():
    venue = make_venue(title="Benga Night")
    holder = make_user(full_name="Amina Wanjiru")
    [ticket] = issue(venue, holder)
    return venue, holder, ticket


def test_ticket_calendar_for_the_holder(http: httpx.Client, holder_and_ticket):
    venue, holder, ticket = holder_and_ticket
    response = with_session(http, holder.token).get(f"/api/tickets/{ticket.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["content-disposition"] == f'attachment; filename="{venue.short_id}.ics"'
    assert response.headers["cache-control"] == "private, no-store"
    assert "SUMMARY:Benga Night" in response.text


def test_ticket_image_for_the_holder(http: httpx.Client, holder_and_ticket):
    _, holder, ticket = holder_and_ticket
    response = with_session(http, holder.token).get(f"/api/tickets/{ticket.id}/ticket.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert f"ticket-{ticket.short_code}.png" in response.headers["content-disposition"]


@pytest.mark.parametrize("path", ["calendar.ics", "ticket.png"])
def test_ticket_files_refuse_everyone_but_the_holder(http: httpx.Client, holder_and_ticket, path):
    venue, _, ticket = holder_and_ticket
    assert http.get(f"/api/tickets/{ticket.id}/{path}").status_code == 401
    stranger = with_session(http, make_user().token).get(f"/api/tickets/{ticket.id}/{path}")
    assert stranger.status_code == 404 and stranger.json() == {"error": "This ticket does not exist."}
    # Not even the organizer downloads someone's ticket: it would let them in.
    assert with_session(http, venue.owner.token).get(f"/api/tickets/{ticket.id}/{path}").status_code == 404


@pytest.mark.parametrize("path", ["calendar.ics", "ticket.png"])
def test_ticket_files_after_a_transfer_are_the_recipients_only(http: httpx.Client, holder_and_ticket, path):
    _, sender, ticket = holder_and_ticket
    recipient = make_user(full_name="Brian Otieno")
    moved = transfers.transfer_ticket(actor=sender.summary, ticket_id=ticket.id, recipient_email=recipient.email)
    as_sender = with_session(http, sender.token)
    given_away = as_sender.get(f"/api/tickets/{ticket.id}/{path}")
    assert given_away.status_code == 409 and given_away.json() == {"error": "This ticket can no longer be used."}
    theirs = as_sender.get(f"/api/tickets/{moved.new_ticket_id}/{path}")
    assert theirs.status_code == 404 and theirs.json() == {"error": "This ticket does not exist."}
    assert with_session(http, recipient.token).get(f"/api/tickets/{moved.new_ticket_id}/{path}").status_code == 200
    assert with_session(http, recipient.token).get(f"/api/tickets/{ticket.id}/{path}").status_code == 404


def test_ticket_image_of_a_used_ticket_is_409(http: httpx.Client, holder_and_ticket):
    venue, holder, ticket = holder_and_ticket
    scanning.scan_ticket(actor=venue.owner.summary, event_id=venue.event_id, token_or_code=ticket.short_code)
    response = with_session(http, holder.token).get(f"/api/tickets/{ticket.id}/ticket.png")
    assert response.status_code == 409 and "already used" in response.json()["error"]


def test_attendees_csv_for_moderators_with_filters(http: httpx.Client, holder_and_ticket):
    venue, _, ticket = holder_and_ticket
    issue(venue, make_user(full_name="Brian Otieno"))
    scanning.scan_ticket(actor=venue.owner.summary, event_id=venue.event_id, token_or_code=ticket.short_code)
    moderator = make_user()
    add_member(venue.workspace_id, moderator, "moderator")
    client = with_session(http, moderator.token)

    everyone = client.get(f"/api/events/{venue.event_id}/attendees.csv")
    assert everyone.status_code == 200 and everyone.headers["content-type"].startswith("text/csv")
    assert f'filename="attendees-{venue.short_id}.csv"' in everyone.headers["content-disposition"]
    assert [row[0] for row in csv.reader(io.StringIO(everyone.text))][1:] == ["Amina Wanjiru", "Brian Otieno"]

    inside = client.get(f"/api/events/{venue.short_id}/attendees.csv", params={"scan": "checked_in", "q": "amina"})
    rows = list(csv.reader(io.StringIO(inside.text)))
    assert [(row[0], row[5]) for row in rows[1:]] == [("Amina Wanjiru", "Checked in")]


def test_attendees_csv_refused_below_moderator(http: httpx.Client, holder_and_ticket):
    venue, holder, _ = holder_and_ticket
    member = make_user()
    add_member(venue.workspace_id, member, "member")
    assert http.get(f"/api/events/{venue.event_id}/attendees.csv").status_code == 401
    refused = with_session(http, member.token).get(f"/api/events/{venue.event_id}/attendees.csv")
    assert refused.status_code == 403 and "moderator" in refused.json()["error"]
    assert with_session(http, holder.token).get(f"/api/events/{venue.event_id}/attendees.csv").status_code == 403
    assert with_session(http, member.token).get("/api/events/nope/attendees.csv").status_code == 404
