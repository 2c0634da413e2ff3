"""The management page's `can_*` flags agree with the actions they stand for: for every status an
event can be in, and every mix of sold and held seats, a flag is False exactly when the action is
refused (issue #17: the page offers what the service allows, no more, no less)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from eventpalour.db import transaction
from eventpalour.models import Event, EventStatus, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events import tiers
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform.errors import Conflict, DomainError, ValidationFailed
from tests.factories import approve_kyc, event_input, local, make_event, make_organizer, make_workspace

STATUSES = ["draft", "active", "inactive", "postponed", "cancelled", "completed"]
SEATS = {"none": (0, 0), "held": (0, 1), "sold": (1, 0)}


def _whole_minute(moment: datetime) -> datetime:
    """Times the form can express, so an edit that keeps the dates really keeps them."""
    return moment.replace(second=0, microsecond=0)


def _event_in(status: str, seats: str = "none", pricing: str = "free") -> tuple:
    """An event with one tier (priced when paid), brought to `status` by the services, with `seats` taken."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    start = _whole_minute(utcnow() + timedelta(days=10))
    tier = TierInput(name="Entry", price=0 if pricing == "free" else 100000, quantity=10)
    event = make_event(
        owner,
        workspace.id,
        pricing=pricing,
        tiers=[tier],
        start_local=local(start),
        end_local=local(start + timedelta(hours=3)),
    )
    steps = {
        "active": ["publish"],
        "inactive": ["publish", "hide"],
        "postponed": ["publish", "postpone"],
        "cancelled": ["publish", "cancel"],
    }
    start = _whole_minute(utcnow() + timedelta(days=40))
    for action in steps.get(status, []):
        events.change_status(
            actor=owner.summary, event_id=event.id, action=action, new_start=start, new_end=start + timedelta(hours=2)
        )
    sold, held = SEATS[seats]
    with transaction() as session:
        if status == "completed":
            session.execute(update(Event).where(Event.id == event.id).values(status=EventStatus.COMPLETED))
        session.execute(update(TicketTier).where(TicketTier.event_id == event.id).values(sold=sold, held=held))
    return owner, event


def _refused(service, *args, **kwargs) -> bool:
    try:
        service(*args, **kwargs)
    except (Conflict, ValidationFailed):
        return True
    return False


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ["publish", "hide", "postpone", "cancel"])
def test_status_change_flag_agrees_with_change_status(status, action):
    owner, event = _event_in(status)
    flags = events.get_event_by_id(actor=owner.summary, event_id=event.id).actions
    start = utcnow() + timedelta(days=50)
    refused = _refused(
        events.change_status,
        actor=owner.summary,
        event_id=event.id,
        action=action,
        new_start=start,
        new_end=start + timedelta(hours=3),
    )
    assert getattr(flags, f"can_{action}") is not refused


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("seats", list(SEATS))
def test_delete_flag_agrees_with_delete_event(status, seats):
    owner, event = _event_in(status, seats)
    flags = events.get_event_by_id(actor=owner.summary, event_id=event.id).actions
    assert flags.can_delete is not _refused(events.delete_event, actor=owner.summary, event_id=event.id)


@pytest.mark.parametrize("status", STATUSES)
def test_edit_flags_agree_with_update_event_and_save_tiers(status):
    owner, event = _event_in(status)
    details = events.get_event_by_id(actor=owner.summary, event_id=event.id)
    later = utcnow() + timedelta(days=70)
    moved = event_input(start_local=local(later), end_local=local(later + timedelta(hours=2)))
    e = details.event
    same_dates = event_input(start_local=local(e.start_at), end_local=local(e.end_at), title="Jazz at Dusk")
    kept = [TierInput(id=t.id, name=t.name, price=t.price, quantity=t.quantity) for t in details.tiers]
    assert details.actions.can_edit is not _refused(
        events.update_event, actor=owner.summary, event_id=event.id, data=same_dates
    )
    assert details.actions.can_edit_tiers is not _refused(
        tiers.save_tiers, actor=owner.summary, event_id=event.id, tiers=kept
    )
    if details.actions.can_edit:
        assert details.actions.can_change_dates is not _refused(
            events.update_event, actor=owner.summary, event_id=event.id, data=moved
        )


@pytest.mark.parametrize("seats", list(SEATS))
def test_tier_flags_agree_with_save_tiers(seats):
    owner, event = _event_in("active", seats, pricing="paid")
    tier = events.get_event_by_id(actor=owner.summary, event_id=event.id).tiers[0]
    spare = TierInput(name="Spare", price=0, quantity=5)
    kept = TierInput(id=tier.id, name=tier.name, price=tier.price, quantity=tier.quantity)
    repriced = TierInput(id=tier.id, name=tier.name, price=tier.price + 100, quantity=tier.quantity)
    assert tier.can_change_price is not _refused(
        tiers.save_tiers, actor=owner.summary, event_id=event.id, tiers=[repriced, spare]
    )
    tiers.save_tiers(actor=owner.summary, event_id=event.id, tiers=[kept, spare])
    assert tier.can_delete is not _refused(tiers.save_tiers, actor=owner.summary, event_id=event.id, tiers=[spare])


def test_actions_are_refused_with_the_flags_reason():
    """The action raises the very reason the flag was computed from."""
    owner, event = _event_in("active", "held")
    with pytest.raises(DomainError, match="This event has tickets"):
        events.delete_event(actor=owner.summary, event_id=event.id)
    assert events.deletion_refusal(EventStatus.ACTIVE, seats_taken=1).startswith("This event has tickets.")
    assert events.deletion_refusal(EventStatus.DRAFT, seats_taken=1) is None
