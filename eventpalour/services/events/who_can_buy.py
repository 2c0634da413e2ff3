"""Who may buy an event's tickets (#24 §1): the organizer's "Buyers must have an account" setting,
and whether a guest buyer is asked a phone number. Checkout reads both (services/sales/guests.py)."""

from __future__ import annotations

from dataclasses import dataclass

from eventpalour.db import read_only, transaction
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.events.lifecycle import edit_refusal
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import Conflict
from eventpalour.services.workspaces import WorkspaceAction, load_event_for


@dataclass(frozen=True)
class BuyerOptions:
    requires_account: bool  # no guest checkout: buyers sign in
    asks_phone: bool  # a guest buyer gives a phone number besides name and email
    can_edit: bool  # the event has not ended or been cancelled


def buyer_options(*, actor: UserSummary | None, event_id: str) -> BuyerOptions:
    """The event's buyer options, for whoever may manage its events."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        return BuyerOptions(event.requires_account, event.asks_buyer_phone, edit_refusal(event.status) is None)


def set_buyer_options(
    *, actor: UserSummary | None, event_id: str, requires_account: bool, asks_phone: bool
) -> BuyerOptions:
    """Change who may buy. Moderator and above, while the event can still be edited. Checkouts already
    placed keep their orders; the next checkout follows the new setting. Raises the access errors, Conflict."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        if refusal := edit_refusal(event.status):
            raise Conflict(refusal)
        event.requires_account, event.asks_buyer_phone = bool(requires_account), bool(asks_phone)
        event.updated_at = utcnow()
        admin.record_audit(
            session,
            action="event.buyer_options",
            actor_id=actor.id,
            target=("event", event.id),
            details={"requires_account": event.requires_account, "asks_phone": event.asks_buyer_phone},
        )
        return BuyerOptions(event.requires_account, event.asks_buyer_phone, True)
