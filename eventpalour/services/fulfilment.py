"""Issuing tickets for an order: one ticket per admission, each with its own short code."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from eventpalour.models import Order, OrderItem, Ticket
from eventpalour.models.types import random_string

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


def issue_tickets(session: Session, order: Order, items: Sequence[OrderItem]) -> list[Ticket]:
    """Create the tickets of `order` (whose lines are `items`) in the caller's transaction; called
    exactly once per order."""
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
    return tickets
