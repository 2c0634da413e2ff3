"""Transferring tickets (SPEC §6) and what holders see on "My tickets": only valid tickets, before the
event starts, to another verified account; capacity never moves; both people are emailed; the
recipient may pass it on again."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Ticket, TicketTier, User
from eventpalour.models.types import utcnow
from eventpalour.services import identity
from eventpalour.services.platform.errors import Conflict, NotAuthenticated, NotFound, SoldOut, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import holdings as tickets
from eventpalour.services.tickets import transfers
from tests.factories import latest_email, make_user
from tests.ticket_support import issue, make_venue, ticket


def _tier(venue) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, venue.tier_id)


def test_transfer_ticket_issues_a_new_ticket_and_retires_the_old(monkeypatch):
    venue = make_venue()
    sender = make_user(full_name="Amina Wanjiru")
    recipient = make_user(full_name="Brian Otieno")
    [old] = issue(venue, sender)

    moved = transfers.transfer_ticket(actor=sender.summary, ticket_id=old.id, recipient_email=recipient.email.upper())

    assert ticket(old.id).status == "transferred"
    new = ticket(moved.new_ticket_id)
    assert (new.holder_id, new.status, new.transferred_from_id) == (recipient.id, "valid", old.id)
    assert new.short_code != old.short_code and len(new.short_code) == 8
    assert (new.order_id, new.tier_id, new.event_id) == (old.order_id, old.tier_id, old.event_id)
    assert (moved.recipient_name, moved.recipient_email) == ("Brian Otieno", recipient.email)
    assert (_tier(venue).sold, _tier(venue).held) == (1, 0)

    to_sender = latest_email(sender.email, "ticket_transfer_sent")
    assert old.short_code in to_sender.text_body and recipient.email in to_sender.text_body
    to_recipient = latest_email(recipient.email, "ticket_transfer_received")
    assert new.short_code in to_recipient.text_body and "Amina Wanjiru" in to_recipient.subject
    assert {a["render"]["kind"] for a in to_recipient.attachments} == {"ticket_qr", "event_ics"}


def test_each_party_of_a_transfer_reads_its_email_in_its_own_language():
    """The sender chose French, the recipient Kiswahili (#23 §1): each email, its dates and its
    organizer line, speaks its reader's language."""
    venue = make_venue()
    sender = make_user(full_name="Awa Ndiaye")
    recipient = make_user(full_name="Brian Otieno")
    identity.set_language(actor=sender.summary, language="fr")
    identity.set_language(actor=recipient.summary, language="sw")
    [old] = issue(venue, sender)

    moved = transfers.transfer_ticket(actor=sender.summary, ticket_id=old.id, recipient_email=recipient.email)

    to_sender = latest_email(sender.email, "ticket_transfer_sent")
    assert to_sender.subject.startswith("Vous avez transféré votre billet pour ")
    assert f"Vous avez transféré le billet {old.short_code} pour " in to_sender.text_body
    to_recipient = latest_email(recipient.email, "ticket_transfer_received")
    assert to_recipient.subject.startswith("Awa Ndiaye amekutumia tiketi ya ")
    assert f"Tiketi yako: {ticket(moved.new_ticket_id).short_code} (" in to_recipient.text_body
    assert "Imeandaliwa na " in to_recipient.text_body


def test_transfer_ticket_sold_out_event_needs_no_free_seat():
    venue = make_venue(quantity=1)
    sender, recipient = make_user(), make_user()
    [old] = issue(venue, sender)
    with pytest.raises(SoldOut):
        checkout.book_ticket(actor=make_user().summary, event_id=venue.event_id, quantities={venue.tier_id: 1})
    moved = transfers.transfer_ticket(actor=sender.summary, ticket_id=old.id, recipient_email=recipient.email)
    assert ticket(moved.new_ticket_id).status == "valid"
    assert (_tier(venue).sold, _tier(venue).held, _tier(venue).quantity) == (1, 0, 1)


def test_transfer_ticket_recipient_may_transfer_again_and_cards_show_the_chain():
    venue = make_venue()
    amina, brian, chao = make_user(full_name="Amina"), make_user(full_name="Brian"), make_user(full_name="Chao")
    [first] = issue(venue, amina)
    second = transfers.transfer_ticket(actor=amina.summary, ticket_id=first.id, recipient_email=brian.email)
    third = transfers.transfer_ticket(actor=brian.summary, ticket_id=second.new_ticket_id, recipient_email=chao.email)

    [brians] = tickets.get_user_tickets(actor=brian.summary).upcoming
    assert (brians.status, brians.transferred_from, brians.transferred_to) == (
        "transferred",
        "Amina",
        f"Chao ({chao.email})",
    )
    assert brians.qr_data_uri == ""
    [chaos] = tickets.get_user_tickets(actor=chao.summary).upcoming
    assert (chaos.short_code, chaos.status, chaos.transferred_from) == (third.new_short_code, "valid", "Brian")
    assert (_tier(venue).sold, len(_all_tickets())) == (1, 3)
    # Brian gave it away: he cannot give it again.
    with pytest.raises(Conflict, match="transferred"):
        transfers.transfer_ticket(actor=brian.summary, ticket_id=second.new_ticket_id, recipient_email=amina.email)


def _all_tickets() -> list[Ticket]:
    with read_only() as session:
        return list(session.exec(select(Ticket)))


@pytest.mark.parametrize("status", ["used", "refunded", "cancelled", "expired"])
def test_transfer_ticket_only_valid_tickets(status):
    venue = make_venue()
    sender = make_user()
    [t] = issue(venue, sender)
    with transaction() as session:
        session.execute(update(Ticket).where(col(Ticket.id) == t.id).values(status=status))
    with pytest.raises(Conflict, match="Only valid tickets"):
        transfers.transfer_ticket(actor=sender.summary, ticket_id=t.id, recipient_email=make_user().email)
    assert len(_all_tickets()) == 1


def test_transfer_ticket_after_event_start_rejected():
    venue = make_venue()
    sender = make_user()
    [t] = issue(venue, sender)
    with transaction() as session:
        session.execute(
            update(Event)
            .where(col(Event.id) == venue.event_id)
            .values(start_at=utcnow() - timedelta(minutes=1), end_at=utcnow() + timedelta(hours=2))
        )
    with pytest.raises(Conflict, match="before the event starts"):
        transfers.transfer_ticket(actor=sender.summary, ticket_id=t.id, recipient_email=make_user().email)
    assert ticket(t.id).status == "valid"


@pytest.mark.parametrize("who", ["unverified", "unknown", "self", "suspended", "not-an-email", "empty"])
def test_transfer_ticket_recipient_must_be_another_verified_account(who):
    venue = make_venue()
    sender = make_user()
    [t] = issue(venue, sender)
    email = {
        "unverified": lambda: make_user(verified=False).email,
        "unknown": lambda: "nobody-here@example.test",
        "self": lambda: sender.email,
        "suspended": _suspended_email,
        "not-an-email": lambda: "not an email",
        "empty": lambda: "  ",
    }[who]()
    # The check the transfer dialog runs before its confirm step refuses it the same way (issue #24, item 4).
    with pytest.raises(ValidationFailed) as checked:
        transfers.check_transfer(actor=sender.summary, ticket_id=t.id, recipient_email=email)
    with pytest.raises(ValidationFailed) as refused:
        transfers.transfer_ticket(actor=sender.summary, ticket_id=t.id, recipient_email=email)
    assert refused.value.details[0].path == ("email",)
    assert checked.value.details == refused.value.details
    assert ticket(t.id).status == "valid" and len(_all_tickets()) == 1


def _suspended_email() -> str:
    person = make_user()
    with transaction() as session:
        session.get(User, person.id).status = "suspended"
    return person.email


def test_check_transfer_accepts_what_transfer_ticket_would_do_and_changes_nothing():
    venue = make_venue()
    sender, friend = make_user(), make_user()
    [t] = issue(venue, sender)

    checked = transfers.check_transfer(actor=sender.summary, ticket_id=t.id, recipient_email=" " + friend.email.upper())

    assert checked == transfers.TransferCheck(ticket_id=t.id, short_code=t.short_code, recipient_email=friend.email)
    assert ticket(t.id).status == "valid" and len(_all_tickets()) == 1
    with pytest.raises(NotFound):
        transfers.check_transfer(actor=friend.summary, ticket_id=t.id, recipient_email=sender.email)
    with pytest.raises(NotAuthenticated):
        transfers.check_transfer(actor=None, ticket_id=t.id, recipient_email=friend.email)
    transfers.transfer_ticket(actor=sender.summary, ticket_id=t.id, recipient_email=friend.email)
    with pytest.raises(Conflict, match="Only valid tickets"):
        transfers.check_transfer(actor=sender.summary, ticket_id=t.id, recipient_email=make_user().email)


def test_transfer_ticket_of_someone_else_is_not_found():
    venue = make_venue()
    [t] = issue(venue)
    with pytest.raises(NotFound):
        transfers.transfer_ticket(actor=make_user().summary, ticket_id=t.id, recipient_email=make_user().email)
    with pytest.raises(NotFound):
        transfers.transfer_ticket(actor=venue.owner.summary, ticket_id=t.id, recipient_email=make_user().email)
    with pytest.raises(NotAuthenticated):
        transfers.transfer_ticket(actor=None, ticket_id=t.id, recipient_email=make_user().email)


def test_get_user_tickets_groups_upcoming_and_past_with_holder_only_details():
    soon = make_venue(
        title="Soon", type="hybrid", online_link="https://meet.example.com/soon", meeting_platform="custom"
    )
    holder = make_user()
    [upcoming] = issue(soon, holder)
    over = make_venue(title="Over")
    [past] = issue(over, holder)
    with transaction() as session:
        session.execute(
            update(Event)
            .where(col(Event.id) == over.event_id)
            .values(start_at=utcnow() - timedelta(days=2), end_at=utcnow() - timedelta(days=1))
        )
    mine = tickets.get_user_tickets(actor=holder.summary)
    assert [c.ticket_id for c in mine.upcoming] == [upcoming.id]
    assert [c.ticket_id for c in mine.past] == [past.id]
    card = mine.upcoming[0]
    assert (card.event_title, card.tier_name, card.price, card.currency) == ("Soon", "General", 0, "KES")
    assert "https://meet.example.com/soon" in card.place
    assert base64.b64decode(card.qr_data_uri.split(",", 1)[1]).lstrip().startswith((b"<?xml", b"<svg"))
    assert tickets.get_user_tickets(actor=make_user().summary) == tickets.UserTickets(upcoming=[], past=[])
    with pytest.raises(NotAuthenticated):
        tickets.get_user_tickets(actor=None)


def test_ticket_downloads_are_for_the_holder_of_a_usable_ticket():
    venue = make_venue()
    holder, other = make_user(), make_user()
    [t] = issue(venue, holder)
    name, png = tickets.ticket_image(actor=holder.summary, ticket_id=t.id)
    assert name == f"ticket-{t.short_code}.png" and png.startswith(b"\x89PNG")
    name, ics = tickets.ticket_calendar(actor=holder.summary, ticket_id=t.id)
    assert name.endswith(".ics") and b"BEGIN:VEVENT" in ics and b"Jazz on the Lawn" in ics
    with pytest.raises(NotFound):
        tickets.ticket_image(actor=other.summary, ticket_id=t.id)
    with pytest.raises(NotFound):
        tickets.ticket_calendar(actor=other.summary, ticket_id=t.id)
    transfers.transfer_ticket(actor=holder.summary, ticket_id=t.id, recipient_email=other.email)
    with pytest.raises(Conflict):
        tickets.ticket_image(actor=holder.summary, ticket_id=t.id)


def test_my_tickets_offer_transfer_only_while_the_service_would_allow_it():
    """An event under way has not ended, so its ticket is still "upcoming", but transfer_ticket refuses
    it: the card must not offer Transfer (it did, from a status and end-time rule of its own)."""
    venue = make_venue()
    holder = make_user()
    [t] = issue(venue, holder)
    [card] = tickets.get_user_tickets(actor=holder.summary).upcoming
    assert card.can_transfer  # the card renders this flag as it is (state.tickets.TicketCard.ticket)
    with transaction() as session:
        session.execute(
            update(Event)
            .where(col(Event.id) == venue.event_id)
            .values(start_at=utcnow() - timedelta(minutes=1), end_at=utcnow() + timedelta(hours=2))
        )
    [card] = tickets.get_user_tickets(actor=holder.summary).upcoming
    assert not card.can_transfer
    assert (card.can_download, card.has_calendar, card.status) == (True, True, "valid")
    with pytest.raises(Conflict, match="before the event starts"):
        transfers.transfer_ticket(actor=holder.summary, ticket_id=t.id, recipient_email=make_user().email)
