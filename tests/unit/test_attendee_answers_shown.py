"""Answers to attendee questions where organizers and the door read them (#19 §3): the Orders tab, the
attendee list (names, answers, the filter by answer), its CSV, the door's greeting, the ticket
image and a transfer that asks the new attendee's name."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Ticket
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import ValidationFailed
from eventpalour.services.sales import checkout, event_orders, questions
from eventpalour.services.sales.answers import AttendeeAnswers, TicketAnswers
from eventpalour.services.sales.questions import QuestionInput
from eventpalour.services.tickets import attendees, holdings, scanning, ticket_media, transfers
from eventpalour.services.tickets.attendees import AttendeeFilters
from tests.factories import approve_kyc, latest_email, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def festival():
    """A free event asking a per-ticket T-shirt size (multiple sizes may be wanted: a multiple choice),
    a per-ticket "Vegetarian?" and a per-order "How did you hear of us?"; two buyers' registrations."""
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner, ws.id, publish=True, tiers=[TierInput(name="Pass", price=0, quantity=50, max_per_order=4)]
    )
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)

    def ask(**fields):
        return questions.create_question(actor=owner.summary, event_id=event.id, data=QuestionInput(**fields))[-1]

    size = ask(label="T-shirt size", kind="multiple_choice", options=("S", "M", "L"), per_ticket=True)
    veg = ask(label="Vegetarian?", kind="yes_no", required=True, per_ticket=True)
    heard = ask(label="How did you hear of us?", kind="short_text")
    first, second = make_user(full_name="Paying Parent"), make_user(full_name="Solo Sam")
    checkout.book_ticket(
        actor=first.summary,
        event_id=event.id,
        quantities={tier.id: 2},
        answers=AttendeeAnswers(
            order={heard.id: "Radio"},
            tickets=(
                TicketAnswers(tier.id, "Amina Njeri", {size.id: ["M", "L"], veg.id: "yes"}),
                TicketAnswers(tier.id, "Brian Otieno", {veg.id: "no"}),
            ),
        ),
    )
    checkout.book_ticket(
        actor=second.summary,
        event_id=event.id,
        quantities={tier.id: 1},
        answers=AttendeeAnswers(tickets=(TicketAnswers(tier.id, "Sam Kip", {size.id: ["S"], veg.id: "yes"}),)),
    )
    return owner, event, first, (size, veg, heard)


def _names(page) -> list[str]:
    return [row.attendee_name for row in page.rows]


def test_attendee_list_shows_names_and_answers(festival):
    owner, event, _first, (size, veg, heard) = festival
    page = attendees.event_attendees(actor=owner.summary, event_id=event.id, filters=AttendeeFilters())
    by_name = {row.attendee_name: row.answers for row in page.rows}
    assert by_name == {
        "Amina Njeri": ("T-shirt size: M, L", "Vegetarian?: Yes", "How did you hear of us?: Radio"),
        "Brian Otieno": ("Vegetarian?: No", "How did you hear of us?: Radio"),
        "Sam Kip": ("T-shirt size: S", "Vegetarian?: Yes"),
    }
    assert [q.label for q in page.questions] == ["T-shirt size", "Vegetarian?"]  # the filterable ones
    assert page.questions[1].choices == (("yes", "Yes"), ("no", "No"))


def test_attendee_list_filters_by_answer(festival):
    owner, event, _first, (size, veg, _heard) = festival

    def names(question_id: str, answer: str) -> set[str]:
        filters = AttendeeFilters(question_id=question_id, answer=answer)
        return set(_names(attendees.event_attendees(actor=owner.summary, event_id=event.id, filters=filters)))

    assert names(veg.id, "yes") == {"Amina Njeri", "Sam Kip"}
    assert names(veg.id, "no") == {"Brian Otieno"}
    assert names(size.id, "L") == {"Amina Njeri"}
    assert names(size.id, "S") == {"Sam Kip"}
    assert names(size.id, "XL") == set()
    found = attendees.event_attendees(actor=owner.summary, event_id=event.id, filters=AttendeeFilters(search="brian"))
    assert _names(found) == ["Brian Otieno"]


def test_attendee_csv_has_the_attendee_and_a_column_per_question(festival):
    owner, event, *_ = festival
    _name, text = attendees.attendees_csv(actor=owner.summary, event_id=event.id, filters=AttendeeFilters())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-4:] == ["Attendee", "T-shirt size", "Vegetarian?", "How did you hear of us?"]
    by_attendee = {row["Attendee"]: row for row in rows}
    assert by_attendee["Amina Njeri"]["T-shirt size"] == "M, L"
    assert by_attendee["Brian Otieno"]["How did you hear of us?"] == "Radio"
    assert by_attendee["Sam Kip"]["How did you hear of us?"] == ""


def test_orders_tab_lists_the_answers(festival):
    owner, event, first, _questions = festival
    page = event_orders(actor=owner.summary, event_id=event.id, search=first.email)
    (row,) = page.rows
    assert row.answers == (
        "How did you hear of us?: Radio",
        "Pass 1 · Amina Njeri — T-shirt size: M, L; Vegetarian?: Yes",
        "Pass 2 · Brian Otieno — Vegetarian?: No",
    )


def _tickets_of(user) -> list[Ticket]:
    with read_only() as session:
        return list(session.exec(select(Ticket).where(Ticket.holder_id == user.id).order_by(Ticket.seat)))


def test_door_tickets_and_email_name_the_attendee(festival):
    owner, event, first, _questions = festival
    amina, _brian = _tickets_of(first)
    outcome = scanning.scan_ticket(actor=owner.summary, event_id=event.id, token_or_code=amina.short_code)
    assert (outcome.result, outcome.holder_name, outcome.message) == ("ok", "Amina Njeri", "Welcome, Amina Njeri!")
    views = holdings.get_user_tickets(actor=first.summary).upcoming
    assert sorted(v.attendee_name for v in views) == ["Amina Njeri", "Brian Otieno"]
    email = latest_email(first.email)
    assert f"{amina.short_code} (Pass · Amina Njeri)" in email.text_body and "Pass · Brian Otieno" in email.html_body


def test_the_ticket_image_names_the_attendee(festival, monkeypatch):
    _owner, _event, first, _questions = festival
    _amina, brian = _tickets_of(first)
    drawn = []
    draw = ticket_media.ticket_png
    monkeypatch.setattr(ticket_media, "ticket_png", lambda image: drawn.append(image) or draw(image))
    name, png = holdings.ticket_image(actor=first.summary, ticket_id=brian.id)
    assert png.startswith(b"\x89PNG") and name == f"ticket-{brian.short_code}.png"
    assert drawn[0].holder_name == "Brian Otieno"  # not the buyer's account name, "Paying Parent"


def test_a_transfer_asks_the_new_attendees_name_and_keeps_the_answers(festival):
    owner, event, first, (size, _veg, _heard) = festival
    _amina, brian = _tickets_of(first)
    friend = make_user(full_name="Chao Friend")
    with pytest.raises(ValidationFailed) as nameless:
        transfers.check_transfer(actor=first.summary, ticket_id=brian.id, recipient_email=friend.email)
    assert nameless.value.details[0].path == ("attendee_name",)
    checked = transfers.check_transfer(
        actor=first.summary, ticket_id=brian.id, recipient_email=friend.email, attendee_name=" Chao  Li "
    )
    assert checked.attendee_name == "Chao Li"
    transfers.transfer_ticket(
        actor=first.summary, ticket_id=brian.id, recipient_email=friend.email, attendee_name="Chao Li"
    )
    (new,) = _tickets_of(friend)
    assert (new.attendee_name, new.seat, new.order_item_id) == ("Chao Li", brian.seat, brian.order_item_id)
    page = attendees.event_attendees(actor=owner.summary, event_id=event.id, filters=AttendeeFilters(search="chao"))
    (row,) = page.rows
    assert row.answers == ("Vegetarian?: No", "How did you hear of us?: Radio")


def test_events_without_questions_name_nobody(festival):
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(owner, ws.id, publish=True, tiers=[TierInput(name="Free", price=0, quantity=5)])
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)
    buyer = make_user(full_name="Plain Buyer")
    checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier.id: 1})
    (row,) = attendees.event_attendees(actor=owner.summary, event_id=event.id, filters=AttendeeFilters()).rows
    assert (row.attendee_name, row.answers, row.holder_name) == ("", (), "Plain Buyer")
    _name, text = attendees.attendees_csv(actor=owner.summary, event_id=event.id, filters=AttendeeFilters())
    assert "Attendee" not in text.splitlines()[0]
    (ticket,) = _tickets_of(buyer)
    transfers.check_transfer(actor=buyer.summary, ticket_id=ticket.id, recipient_email=make_user().email)
