"""Scenarios shared by the ticket tests: a published event of a workspace, and tickets issued the way
checkout issues them (a free registration, through the services)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import Ticket
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout
from tests.factories import MadeUser, make_event, make_organizer, make_user, make_workspace


@dataclass
class Venue:
    """A published free event with one tier, its workspace and its owner."""

    owner: MadeUser
    workspace_id: str
    event_id: str
    short_id: str
    tier_id: str


def make_venue(*, quantity: int = 100, title: str = "Jazz on the Lawn", **changes) -> Venue:
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        title=title,
        tiers=[TierInput(name="General", price=0, quantity=quantity, max_per_order=10)],
        **changes,
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    return Venue(owner=owner, workspace_id=workspace.id, event_id=event.id, short_id=event.short_id, tier_id=tier_id)


def issue(venue: Venue, holder: MadeUser | None = None, count: int = 1) -> list[Ticket]:
    """Register `holder` (a new verified user when omitted) for `count` tickets; returns them."""
    holder = holder or make_user()
    result = checkout.book_ticket(actor=holder.summary, event_id=venue.event_id, quantities={venue.tier_id: count})
    with read_only() as session:
        return list(
            session.exec(select(Ticket).where(Ticket.order_id == result.order_id).order_by(col(Ticket.short_code)))
        )


def ticket(ticket_id: str) -> Ticket:
    with read_only() as session:
        return session.get(Ticket, ticket_id)
