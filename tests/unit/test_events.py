"""Event rules (SPEC §4): validation, status transitions, KYC for paid events, tiers, deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, EventPartner, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events import tiers
from eventpalour.services.events.event_rules import PartnerInput, TierInput
from eventpalour.services.platform.errors import Conflict, PermissionDenied, ValidationFailed
from tests.factories import (
    add_member,
    approve_kyc,
    event_input,
    local,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)


@pytest.fixture
def org():
    owner = make_organizer()
    return owner, make_workspace(owner)


def _event(event_id: str) -> Event:
    with read_only() as session:
        return session.get(Event, event_id)


def test_create_event_saves_draft_with_short_id_and_utc_times(org):
    owner, ws = org
    event = events.create_event(
        actor=owner.summary,
        workspace_id=ws.id,
        data=event_input(start_local="2030-01-05T18:00", end_local="2030-01-05T21:00"),
    )
    stored = _event(event.id)
    assert stored.status == "draft" and len(stored.short_id) == 6
    assert stored.start_at.hour == 15 and stored.start_at.tzinfo is not None  # 18:00 in Nairobi is 15:00 UTC
    assert "jazz" in stored.search_text and "nairobi jazz society" in stored.search_text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"description": "short"}, "description"),
        ({"description": "**" * 20 + "tiny"}, "description"),
        ({"description": "word " * 1100}, "description"),
        ({"category": ""}, "category"),
        ({"type": "boat"}, "type"),
        ({"pricing": "maybe"}, "pricing"),
        ({"currency": "EUR"}, "currency"),
        ({"fee_mode": "split"}, "fee_mode"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"start_local": "tomorrow"}, "start_local"),
        ({"end_local": ""}, "end_local"),
        ({"start_local": "2030-01-05T18:00", "end_local": "2030-01-05T17:00"}, "end_local"),
        ({"start_local": "2030-01-05T18:00", "end_local": "2030-04-05T17:00"}, "end_local"),
        ({"venue": ""}, "venue"),
        ({"city": ""}, "city"),
        ({"country": ""}, "country"),
        ({"type": "online", "online_link": ""}, "online_link"),
        ({"type": "online", "online_link": "http://zoom.us/j/1", "meeting_platform": "zoom"}, "online_link"),
        ({"type": "hybrid", "online_link": "https://zoom.us/j/1", "meeting_platform": "skype"}, "meeting_platform"),
        ({"banner_url": "https://evil.example.com/b.png"}, "banner_url"),
    ],
)
def test_create_event_invalid_input_rejected(org, changes, field):
    owner, ws = org
    with pytest.raises(ValidationFailed) as caught:
        events.create_event(actor=owner.summary, workspace_id=ws.id, data=event_input(**changes))
    assert field in [d.path[0] for d in caught.value.details]
    with read_only() as session:
        assert session.exec(select(Event)).all() == []


def test_online_event_keeps_link_and_drops_venue(org):
    owner, ws = org
    event = events.create_event(
        actor=owner.summary,
        workspace_id=ws.id,
        data=event_input(type="online", online_link="https://meet.google.com/abc", meeting_platform="google-meet"),
    )
    stored = _event(event.id)
    assert stored.online_link == "https://meet.google.com/abc" and stored.venue is None and stored.city is None


def test_partners_saved_and_validated(org):
    owner, ws = org
    event = events.create_event(
        actor=owner.summary,
        workspace_id=ws.id,
        data=event_input(partners=(PartnerInput(name="Safaricom", url="safaricom.co.ke"),)),
    )
    with read_only() as session:
        partner = session.exec(select(EventPartner).where(EventPartner.event_id == event.id)).one()
    assert partner.url == "https://safaricom.co.ke"
    with pytest.raises(ValidationFailed) as caught:
        events.create_event(actor=owner.summary, workspace_id=ws.id, data=event_input(partners=(PartnerInput(),)))
    assert caught.value.details[0].path == ("partners", 0, "name")


def test_member_cannot_create_event_moderator_can(org):
    owner, ws = org
    member, moderator = make_user(), make_user()
    add_member(ws.id, member, "member")
    add_member(ws.id, moderator, "moderator")
    with pytest.raises(PermissionDenied):
        events.create_event(actor=member.summary, workspace_id=ws.id, data=event_input())
    events.create_event(actor=moderator.summary, workspace_id=ws.id, data=event_input())


def test_publish_needs_a_tier_and_kyc_for_paid(org):
    owner, ws = org
    draft = events.create_event(actor=owner.summary, workspace_id=ws.id, data=event_input(pricing="paid"))
    with pytest.raises(ValidationFailed, match="ticket tier"):
        events.change_status(actor=owner.summary, event_id=draft.id, action="publish")
    tiers.save_tiers(actor=owner.summary, event_id=draft.id, tiers=[TierInput(name="VIP", price=500000, quantity=50)])
    with pytest.raises(PermissionDenied, match="KYC"):
        events.change_status(actor=owner.summary, event_id=draft.id, action="publish")
    approve_kyc(ws.id)
    assert events.change_status(actor=owner.summary, event_id=draft.id, action="publish").status == "active"


def test_status_transitions_follow_spec(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    with pytest.raises(Conflict):
        events.change_status(actor=owner.summary, event_id=event.id, action="publish")
    assert events.change_status(actor=owner.summary, event_id=event.id, action="hide").status == "inactive"
    assert events.change_status(actor=owner.summary, event_id=event.id, action="publish").status == "active"
    new_start = utcnow() + timedelta(days=40)
    postponed = events.change_status(
        actor=owner.summary,
        event_id=event.id,
        action="postpone",
        new_start=new_start,
        new_end=new_start + timedelta(hours=2),
    )
    assert postponed.status == "postponed" and postponed.start_at == new_start
    assert events.change_status(actor=owner.summary, event_id=event.id, action="cancel").status == "cancelled"
    for action in ("publish", "hide", "postpone", "cancel"):
        with pytest.raises((Conflict, ValidationFailed)):
            events.change_status(actor=owner.summary, event_id=event.id, action=action)


def test_postpone_into_the_past_rejected(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    past = utcnow() - timedelta(days=2)
    with pytest.raises(ValidationFailed):
        events.change_status(
            actor=owner.summary, event_id=event.id, action="postpone", new_start=past, new_end=past + timedelta(hours=1)
        )
    assert _event(event.id).status == "active"


def test_published_event_start_moves_only_by_postponing(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    later = utcnow() + timedelta(days=20)
    with pytest.raises(ValidationFailed, match="Postpone"):
        events.update_event(
            actor=owner.summary,
            event_id=event.id,
            data=event_input(start_local=local(later), end_local=local(later + timedelta(hours=1))),
        )


def _sell(tier_id: str, sold: int = 0, held: int = 0) -> None:
    with transaction() as session:
        session.execute(update(TicketTier).where(TicketTier.id == tier_id).values(sold=sold, held=held))


def test_tier_rules_protect_sales(org):
    owner, ws = org
    event = make_event(owner, ws.id, pricing="paid", tiers=[TierInput(name="VIP", price=1000, quantity=10)])
    tier = tiers.get_tiers(actor=owner.summary, event_id=event.id)[0]
    _sell(tier.id, sold=3, held=2)
    keep = dict(id=tier.id, name="VIP", price=1000, quantity=10)
    with pytest.raises(ValidationFailed, match="fixed"):
        tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[TierInput(**{**keep, "price": 2000})])
    with pytest.raises(ValidationFailed, match="at least"):
        tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[TierInput(**{**keep, "quantity": 4})])
    with pytest.raises(Conflict, match="cannot be deleted"):
        tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[TierInput(name="Other", price=1000)])
    saved = tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[TierInput(**{**keep, "quantity": 5})])
    assert saved[0].quantity == 5 and saved[0].available == 0


@pytest.mark.parametrize(
    ("tier", "field"),
    [
        (TierInput(name="", price=0), "name"),
        (TierInput(name="A", price=-1), "price"),
        (TierInput(name="A", price=0, quantity=0), "quantity"),
        (TierInput(name="A", price=0, max_per_order=0), "max_per_order"),
        (TierInput(name="A", price=0, max_per_order=51), "max_per_order"),
        (
            TierInput(name="A", price=0, sales_start_local="2030-01-02T10:00", sales_end_local="2030-01-01T10:00"),
            "sales_end_local",
        ),
    ],
)
def test_tier_invalid_input_rejected(org, tier, field):
    owner, ws = org
    event = events.create_event(actor=owner.summary, workspace_id=ws.id, data=event_input())
    with pytest.raises(ValidationFailed) as caught:
        tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[tier])
    assert caught.value.details[0].path == ("tiers", 0, field)
    assert tiers.get_tiers(actor=owner.summary, event_id=event.id) == []


def test_free_event_tier_must_be_free(org):
    owner, ws = org
    event = events.create_event(actor=owner.summary, workspace_id=ws.id, data=event_input(pricing="free"))
    with pytest.raises(ValidationFailed, match="free event"):
        tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[TierInput(name="A", price=100)])


def test_delete_event_only_without_sales(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    tier = tiers.get_tiers(actor=owner.summary, event_id=event.id)[0]
    _sell(tier.id, sold=1)
    with pytest.raises(Conflict, match="Cancel"):
        events.delete_event(actor=owner.summary, event_id=event.id)
    _sell(tier.id, sold=0)
    events.delete_event(actor=owner.summary, event_id=event.id)
    assert _event(event.id) is None


def test_list_workspace_events_filters_and_pages(org):
    owner, ws = org
    make_event(owner, ws.id, publish=True, title="Published gig")
    make_event(owner, ws.id, title="Draft gig")
    rows, total = events.list_workspace_events(actor=owner.summary, workspace_id=ws.id, status="draft")
    assert total == 1 and rows[0].title == "Draft gig" and rows[0].capacity == 100
    rows, total = events.list_workspace_events(actor=owner.summary, workspace_id=ws.id, search="published")
    assert [r.title for r in rows] == ["Published gig"]


def test_complete_finished_events_marks_only_past_public_events(org):
    owner, ws = org
    past = make_event(owner, ws.id, publish=True, title="Over")
    future = make_event(owner, ws.id, publish=True, title="Upcoming")
    draft = make_event(owner, ws.id, title="Draft")
    with transaction() as session:
        for event_id in (past.id, draft.id):
            row = session.get(Event, event_id)
            row.start_at, row.end_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=1)
    assert events.complete_finished_events() == 1
    assert (_event(past.id).status, _event(past.id).is_listed) == ("completed", False)
    assert _event(future.id).status == "active" and _event(draft.id).status == "draft"
    assert events.complete_finished_events() == 0
