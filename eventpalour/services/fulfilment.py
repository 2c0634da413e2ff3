"""Issuing tickets for an order: one ticket per admission, each with its own short code, and the
confirmation email that carries them (queued in the same transaction, so it is sent exactly once)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.models import Event, Order, OrderItem, Ticket, User, Workspace
from eventpalour.models.types import random_string
from eventpalour.services import emails, outbox
from eventpalour.services.dates import event_schedule
from eventpalour.services.money import format_money
from eventpalour.services.ticket_media import holder_place

# No 0/O, 1/I/L: people type these codes at the door.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _random_code() -> str:
    return random_string(SHORT_CODE_ALPHABET, 8)


def new_short_codes(session: Session, count: int) -> list[str]:
    """`count` distinct codes no ticket has yet, checked with one query per round (not one per
    ticket: fulfilment runs while buyers wait). 31^8 codes make a second round very rare."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {_random_code() for _ in range(count - len(codes))} - codes
        taken = set(session.exec(select(Ticket.short_code).where(col(Ticket.short_code).in_(candidates))))
        codes |= candidates - taken
    return list(codes)


def new_short_code(session: Session) -> str:
    """One fresh code (a transfer's new ticket)."""
    return new_short_codes(session, 1)[0]


def issue_tickets(session: Session, order: Order, items: Sequence[OrderItem]) -> list[Ticket]:
    """Create the tickets of `order` (whose lines are `items`) and queue their confirmation, in the
    caller's transaction; called exactly once per order, by whichever path completed it."""
    codes = iter(new_short_codes(session, sum(item.quantity for item in items)))
    tickets = [
        Ticket(
            short_code=next(codes),
            order_id=order.id,
            order_item_id=item.id,
            event_id=order.event_id,
            tier_id=item.tier_id,
            holder_id=order.buyer_id,
        )
        for item in items
        for _ in range(item.quantity)
    ]
    session.add_all(tickets)
    tier_names = {item.id: item.tier_name for item in items}
    _queue_confirmation(session, order, [(t, tier_names[t.order_item_id]) for t in tickets])
    return tickets


def _queue_confirmation(session: Session, order: Order, tickets: list[tuple[Ticket, str]]) -> None:
    # One round trip for the buyer's address and the event: fulfilment holds the tier rows' locks.
    buyer_email, event, organizer, verified = session.exec(
        select(User.email, Event, Workspace.name, Workspace.verified)
        .select_from(User)
        .join(Event, col(Event.id) == order.event_id)
        .join(Workspace, col(Workspace.id) == col(Event.workspace_id))
        .where(col(User.id) == order.buyer_id)
    ).one()
    facts = emails.ConfirmationFacts(
        event_id=event.id,
        event_title=event.title,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone),
        place=holder_place(event),
        event_url=settings.app_url + routes.event_url(event.short_id),
        reference=order.reference,
        total_label=format_money(order.amount, order.currency) if order.amount else "Free",
        organizer=emails.Organizer(organizer, verified),
    )
    lines = [emails.TicketLine(ticket_id=t.id, short_code=t.short_code, tier_name=name) for t, name in tickets]
    outbox.enqueue(session, emails.order_confirmation(buyer_email, facts, lines))
