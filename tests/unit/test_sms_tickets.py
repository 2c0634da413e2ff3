"""SMS tickets (#23 §3) in the services: the event's switch, the phone asked at checkout (E.164 by
the one phone rule), the phone a person is texted at, the erasure of phones, and the settings."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.config import ConfigurationError, load_settings, settings
from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Order, OutboxEmail, Ticket
from eventpalour.services.events import lifecycle
from eventpalour.services.identity.data_export import export_account
from eventpalour.services.platform import ValidationFailed
from eventpalour.services.sales import checkout, sms_tickets
from tests.factories import event_input, make_event, make_organizer, make_paid_event, make_user, make_workspace


@pytest.mark.parametrize(
    ("typed", "currency", "stored"),
    [
        ("0712 345 678", "KES", "+254712345678"),
        ("0803 123 4567", "NGN", "+2348031234567"),
        ("024 123 4567", "GHS", "+233241234567"),
        ("082 123 4567", "ZAR", "+27821234567"),
        ("+254 712-345-678", "USD", "+254712345678"),
        ("254712345678", "NGN", "+254712345678"),
        ("+44 20 7946 0958", "KES", "+442079460958"),
    ],
)
def test_checked_phone_normalises_local_and_international_numbers(typed, currency, stored):
    assert sms_tickets.checked_phone(typed, sms_tickets=True, currency=currency) == stored


@pytest.mark.parametrize("typed", ["12345", "0712 345", "phone me", "+254 712 345 67"])
def test_checked_phone_refuses_an_unreadable_number_on_the_phone_field(typed):
    with pytest.raises(ValidationFailed) as refused:
        sms_tickets.checked_phone(typed, sms_tickets=True, currency="KES")
    assert [detail.path for detail in refused.value.details] == [("phone",)]


def test_checked_phone_is_none_when_empty_or_the_event_sends_no_sms(monkeypatch):
    assert sms_tickets.checked_phone("  ", sms_tickets=True, currency="KES") is None
    assert sms_tickets.checked_phone("0712 345 678", sms_tickets=False, currency="KES") is None
    monkeypatch.setattr(settings, "app_env", "production")  # no Africa's Talking and no sandbox: no SMS
    assert sms_tickets.checked_phone("0712 345 678", sms_tickets=True, currency="KES") is None


def test_event_form_turns_sms_tickets_on_and_off():
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = lifecycle.create_event(actor=owner.summary, workspace_id=workspace.id, data=event_input(sms_tickets="yes"))
    assert _event(event.id).sms_tickets is True
    lifecycle.update_event(actor=owner.summary, event_id=event.id, data=event_input(sms_tickets=""))
    assert _event(event.id).sms_tickets is False


def test_paid_order_keeps_the_phone_only_when_the_event_asks():
    asking, (asking_tier,) = make_paid_event([_tier()], sms_tickets="yes")
    silent, (silent_tier,) = make_paid_event([_tier()])
    buyer = make_user()
    first = checkout.book_ticket(
        actor=buyer.summary, event_id=asking.id, quantities={asking_tier: 1}, phone="0712 345 678"
    )
    second = checkout.book_ticket(
        actor=buyer.summary, event_id=silent.id, quantities={silent_tier: 1}, phone="0712 345 678"
    )
    assert _order(first.order_id).buyer_phone == "+254712345678"
    assert _order(second.order_id).buyer_phone is None


def test_a_bad_phone_holds_nothing():
    event, (tier_id,) = make_paid_event([_tier()], sms_tickets="yes")
    with pytest.raises(ValidationFailed):
        checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1}, phone="07")
    with read_only() as session:
        assert session.exec(select(Order)).all() == []


def test_known_phones_are_the_latest_given_and_erased_with_the_account():
    event, (tier_id,) = make_paid_event([_tier()], sms_tickets="yes")
    other, (other_tier,) = make_paid_event([_tier()], sms_tickets="yes")
    buyer, quiet = make_user(), make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1}, phone="0712 345 678")
    checkout.book_ticket(actor=buyer.summary, event_id=other.id, quantities={other_tier: 1}, phone="0733 000 111")
    with read_only() as session:
        assert sms_tickets.known_phones(session, [buyer.summary.id, quiet.summary.id]) == {
            buyer.summary.id: "+254733000111"
        }
    exported = export_account(actor=buyer.summary)
    assert sorted(order.sms_phone for order in exported.orders) == ["+254712345678", "+254733000111"]
    with transaction() as session:
        assert sms_tickets.forget_phones_of(session, buyer.summary.id) == 2
    with read_only() as session:
        assert sms_tickets.known_phones(session, [buyer.summary.id]) == {}


def test_settings_refuse_an_unknown_provider_and_africastalking_without_keys(monkeypatch):
    monkeypatch.setenv("SMS_PROVIDER", "twilio")
    with pytest.raises(ConfigurationError, match="SMS_PROVIDER"):
        load_settings()
    monkeypatch.setenv("SMS_PROVIDER", "africastalking")
    monkeypatch.delenv("AFRICASTALKING_API_KEY", raising=False)
    monkeypatch.setenv("AFRICASTALKING_USERNAME", "eventpalour")
    with pytest.raises(ConfigurationError, match="AFRICASTALKING_API_KEY"):
        load_settings()
    monkeypatch.setenv("AFRICASTALKING_API_KEY", "atsk_live")
    loaded = load_settings()
    assert loaded.sms_enabled and not loaded.sms_sandbox


def _tier():
    from eventpalour.services.events.event_rules import TierInput

    return TierInput(name="VIP", price=250000, quantity=10)


def _event(event_id: str) -> Event:
    with read_only() as session:
        return session.get(Event, event_id)


def _order(order_id: str) -> Order:
    with read_only() as session:
        return session.get(Order, order_id)


def test_announcement_is_texted_to_holders_with_a_phone_in_their_email_slot():
    from eventpalour.services.events.event_rules import TierInput
    from eventpalour.services.events.tiers import get_tiers
    from eventpalour.services.tickets.announcements import (
        AnnouncementInput,
        create_announcement,
        send_due_announcements,
    )

    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, sms_tickets="yes", tiers=[TierInput(name="General", quantity=9)]
    )
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)
    texted, unreachable = make_user(), make_user()
    checkout.book_ticket(actor=texted.summary, event_id=event.id, quantities={tier.id: 1}, phone="0712 345 678")
    checkout.book_ticket(actor=unreachable.summary, event_id=event.id, quantities={tier.id: 1})

    create_announcement(
        actor=owner.summary, event_id=event.id, data=AnnouncementInput(subject="Doors open at 6", body="See you.")
    )
    assert send_due_announcements() == 1  # "Send now" queues it; the worker sends it

    with read_only() as session:
        (text,) = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "announcement_sms")).all()
        email = session.exec(
            select(OutboxEmail).where(OutboxEmail.kind == "announcement", OutboxEmail.to_email == texted.summary.email)
        ).one()
    assert (text.to_phone, text.to_email) == ("+254712345678", texted.summary.email)
    assert text.text_body == f"Jazz on the Lawn: Doors open at 6. Details: {settings.app_url}/e/{event.short_id}"
    assert text.next_attempt_at == email.next_attempt_at


def test_a_copied_event_keeps_sending_sms():
    from eventpalour.services.events.copies import duplicate_event

    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, sms_tickets="yes")
    assert _event(duplicate_event(actor=owner.summary, event_id=event.id).id).sms_tickets is True


def test_a_free_registration_with_a_phone_queues_its_codes_by_sms():
    from eventpalour.services.events.event_rules import TierInput
    from eventpalour.services.events.tiers import get_tiers

    owner = make_organizer()
    event = make_event(
        owner, make_workspace(owner).id, publish=True, sms_tickets="yes", tiers=[TierInput(name="General", quantity=9)]
    )
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)
    buyer = make_user()
    booked = checkout.book_ticket(
        actor=buyer.summary, event_id=event.id, quantities={tier.id: 2}, phone="+234 803 123 4567"
    )
    with read_only() as session:
        (text,) = session.exec(select(OutboxEmail).where(OutboxEmail.channel == "sms")).all()
        codes = session.exec(select(Ticket.short_code).where(Ticket.order_id == booked.order_id)).all()
    assert (text.to_phone, text.kind, text.to_email) == ("+2348031234567", "order_sms", buyer.summary.email)
    assert text.text_body.startswith("Jazz on the Lawn: your 2 tickets ") and all(c in text.text_body for c in codes)
