"""Signed QR tokens, and the confirmation email every completed order gets (SPEC §6, §9): one QR code
per ticket that decodes to that ticket's signed token, and an .ics invite for the event."""

from __future__ import annotations

import base64
import io
from email import message_from_bytes
from email.policy import default as default_policy

import icalendar
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.integrations import mail
from eventpalour.models import OutboxEmail, Ticket
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import email_attachments, ticket_tokens
from tests.factories import make_event, make_organizer, make_user, make_workspace


def test_a_signed_token_reads_back_to_its_ticket():
    token = ticket_tokens.sign("tkt0000000000001", "evt0000000000001", 3)
    claims = ticket_tokens.read(token)
    assert claims == ticket_tokens.TicketClaims("tkt0000000000001", "evt0000000000001", 3)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("tkt0000000000001", "tkt0000000000002"),  # another ticket
        lambda t: t.replace("evt0000000000001", "evt0000000000009"),  # another event
        lambda t: t.replace(".1.", ".2."),  # another secret version
        lambda t: t[:-1],  # truncated signature
        lambda t: t.rsplit(".", 1)[0],  # no signature
        lambda t: t.replace("EP1", "EP2"),  # unknown format
        lambda t: t + ".extra",
        lambda t: "",
        lambda t: "not a token at all",
    ],
)
def test_altered_or_malformed_tokens_are_refused(tamper):
    token = ticket_tokens.sign("tkt0000000000001", "evt0000000000001", 1)
    assert ticket_tokens.read(tamper(token)) is None


def test_a_token_signed_with_another_secret_is_refused(monkeypatch):
    token = ticket_tokens.sign("tkt0000000000001", "evt0000000000001", 1)
    monkeypatch.setattr(settings, "secret_key", "a-completely-different-secret-key-for-this-test")
    assert ticket_tokens.read(token) is None


@pytest.fixture
def registered():
    """A buyer registered for two tickets of a free online event."""
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        title="Data Science Meetup",
        type="online",
        venue="",
        city="",
        country="",
        meeting_platform="zoom",
        online_link="https://zoom.us/j/123456789",
        tiers=[TierInput(name="Seat", price=0, quantity=20, max_per_order=4)],
    )
    tier = get_tiers(actor=owner.summary, event_id=event.id)[0]
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier.id: 2})
    return event, buyer, result


def _confirmation(to_email: str) -> OutboxEmail:
    with read_only() as session:
        rows = session.exec(
            select(OutboxEmail).where(OutboxEmail.to_email == to_email, OutboxEmail.kind == "order_confirmation")
        ).all()
    assert len(rows) == 1
    return rows[0]


def test_a_free_registration_emails_a_qr_code_per_ticket_and_an_invite(registered):
    event, buyer, result = registered
    email = _confirmation(buyer.email)
    with read_only() as session:
        tickets = {t.id: t for t in session.exec(select(Ticket).where(Ticket.order_id == result.order_id))}
    assert len(tickets) == 2
    assert email.subject == "You're registered: Data Science Meetup"
    for ticket in tickets.values():
        assert ticket.short_code in email.text_body

    rendered = email_attachments.materialize(email.attachments)
    images = [a for a in rendered if a["content_type"] == "image/png"]
    assert len(images) == 2
    decoded = set()
    for image in images:
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(image["data_b64"]))))
        claims = ticket_tokens.read(found[0].text)
        assert claims is not None and claims.event_id == event.id
        assert claims.secret_version == tickets[claims.ticket_id].secret_version
        decoded.add(claims.ticket_id)
    assert decoded == set(tickets)

    (invite,) = [a for a in rendered if a["content_type"] == "text/calendar"]
    vevent = icalendar.Calendar.from_ical(base64.b64decode(invite["data_b64"])).walk("VEVENT")[0]
    assert str(vevent["summary"]) == "Data Science Meetup"
    assert vevent.decoded("dtstart") == event.start_at
    assert vevent.decoded("dtend") == event.end_at
    # Holders get the meeting link; public pages never show it.
    assert "https://zoom.us/j/123456789" in str(vevent["location"])


def test_registering_again_is_refused_and_sends_no_second_email(registered):
    event, buyer, _ = registered
    with read_only() as session:
        tier_id = session.exec(select(Ticket.tier_id).where(Ticket.event_id == event.id)).first()
    with pytest.raises(Conflict):
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1})
    _confirmation(buyer.email)


def test_the_sent_email_shows_each_qr_inline_and_attaches_the_invite(registered):
    _, buyer, _ = registered
    row = _confirmation(buyer.email)
    built = mail._build(row, email_attachments.materialize(row.attachments))
    parsed = message_from_bytes(built.as_bytes(), policy=default_policy)
    inline = [p for p in parsed.walk() if p.get_content_type() == "image/png"]
    assert len(inline) == 2
    html = parsed.get_body(("html",)).get_content()
    for part in inline:
        assert f"cid:{part['Content-ID'].strip('<>')}" in html
    invites = [p for p in parsed.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert [p.get_filename() for p in invites] == ["event.ics"]


def test_a_recipe_whose_ticket_is_gone_is_left_out():
    rendered = email_attachments.materialize(
        [
            {"filename": "t.png", "content_type": "image/png", "render": {"kind": "ticket_qr", "ticket_id": "nope"}},
            {"filename": "a.txt", "content_type": "text/plain", "data_b64": base64.b64encode(b"hi").decode()},
        ]
    )
    assert [a["filename"] for a in rendered] == ["a.txt"]
