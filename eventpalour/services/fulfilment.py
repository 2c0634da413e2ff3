"""Issuing tickets for an order: one ticket per admission, each with its own short code, and the
confirmation email that carries them (queued in the same transaction, so it is sent exactly once)."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.models import Event, Order, OrderItem, Ticket, User
from eventpalour.services import emails, outbox
from eventpalour.services.dates import event_schedule
from eventpalour.services.money import format_money
from eventpalour.services.ticket_media import place_line

# No 0/O, 1/I/L: people type these codes at the door.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_short_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))
        if session.exec(select(Ticket.id).where(Ticket.short_code == code)).first() is None:
            return code


def issue_tickets(session: Session, order: Order) -> list[Ticket]:
    """Create the order's tickets and queue their confirmation, in the caller's transaction.

    Called exactly once per order, by whichever path completed it (free checkout or settlement).
    """
    tickets = []
    items = list(session.exec(select(OrderItem).where(OrderItem.order_id == order.id)))
    for item in items:
        for _ in range(item.quantity):
            ticket = Ticket(
                short_code=new_short_code(session),
                order_id=order.id,
                order_item_id=item.id,
                event_id=order.event_id,
                tier_id=item.tier_id,
                holder_id=order.buyer_id,
            )
            session.add(ticket)
            tickets.append(ticket)
    session.flush()
    tier_names = {item.id: item.tier_name for item in items}
    _queue_confirmation(session, order, [(t, tier_names[t.order_item_id]) for t in tickets])
    return tickets


def _queue_confirmation(session: Session, order: Order, tickets: list[tuple[Ticket, str]]) -> None:
    buyer = session.get(User, order.buyer_id)
    event = session.get(Event, order.event_id)
    facts = emails.ConfirmationFacts(
        event_id=event.id,
        event_title=event.title,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone),
        place=place_line(
            event_type=event.type,
            venue=event.venue,
            city=event.city,
            country=event.country,
            online_link=event.online_link,
        ),
        event_url=settings.app_url + routes.event_url(event.short_id),
        reference=order.reference,
        total_label=format_money(order.amount, order.currency) if order.amount else "Free",
    )
    lines = [emails.TicketLine(ticket_id=t.id, short_code=t.short_code, tier_name=name) for t, name in tickets]
    outbox.enqueue(session, emails.order_confirmation(buyer.email, facts, lines))
