"""A ticket's status badge (#23 §1) is said of one ticket: the holder's card on /tickets and a row of
the attendee list read "Imetumika" / "Utilisé" for a used ticket, not the door counters' plural
"Wameingia" / "Entrés" that the same English ("Checked in") has elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventpalour.models import TicketStatus
from eventpalour.services.platform import gettext
from eventpalour.services.tickets import AttendeeRow, HeldTicket, status_label
from eventpalour.state.attendees import attendee_line
from eventpalour.state.tickets import card_for

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

START = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)


def _held(status: str) -> HeldTicket:
    return HeldTicket(
        ticket_id="t1",
        short_code="ABC123",
        status=status,
        tier_name="Regular",
        price=150000,
        currency="KES",
        event_title="Nairobi Jazz Night",
        event_short_id="jazz01",
        event_start=START,
        event_end=START.replace(hour=18),
        event_timezone="Africa/Nairobi",
        place="Carnivore Grounds",
        organizer="Savannah Sounds",
        organizer_verified=False,
        qr_data_uri="",
        transferred_from="",
        transferred_to="",
        used_at=START if status == TicketStatus.USED else None,
    )


def _row(status: str) -> AttendeeRow:
    return AttendeeRow(
        ticket_id="t1",
        short_code="ABC123",
        holder_name="Amina Wanjiru",
        holder_email="amina@example.com",
        tier_name="Regular",
        payment="paid",
        ticket_status=status,
        checked_in_at=START if status == TicketStatus.USED else None,
        order_reference="EP-1",
        transferred=False,
    )


@pytest.mark.parametrize(
    ("language", "used", "valid", "refunded"),
    [
        ("en", "Checked in", "Valid", "Refunded"),
        ("sw", "Imetumika", "Halali", "Imerejeshewa pesa"),
        ("fr", "Utilisé", "Valide", "Remboursé"),
    ],
)
def test_a_ticket_status_reads_as_one_ticket_on_the_card_and_the_attendee_list(
    language: str, used: str, valid: str, refunded: str
) -> None:
    for status, word in ((TicketStatus.USED, used), (TicketStatus.VALID, valid), (TicketStatus.REFUNDED, refunded)):
        assert card_for(_held(status), language).status_label == word
        assert attendee_line(_row(status), "Africa/Nairobi", language).status_label == word


def test_the_counters_keep_their_plural_and_every_ticket_status_is_translated() -> None:
    assert (gettext("sw", "Checked in"), gettext("fr", "Checked in")) == ("Wameingia", "Entrés")
    for status in TicketStatus:
        english = status_label(status, "en")
        for language in ("sw", "fr"):
            assert status_label(status, language) != english, (status, language)
