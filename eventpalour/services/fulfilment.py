"""Issuing tickets for an order: one ticket per admission, each with its own short code."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from eventpalour.models import Order, OrderItem, Ticket

# No 0/O, 1/I/L: people type these codes at the door.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_short_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))
        if session.exec(select(Ticket.id).where(Ticket.short_code == code)).first() is None:
            return code


def issue_tickets(session: Session, order: Order) -> list[Ticket]:
    """Create the order's tickets in the caller's transaction (called exactly once per order)."""
    tickets = []
    for item in session.exec(select(OrderItem).where(OrderItem.order_id == order.id)):
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
    return tickets
