"""Reading orders: a buyer's own order history (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import Event, Order, Ticket
from eventpalour.services.accounts import UserSummary
from eventpalour.services.errors import NotAuthenticated

HISTORY_LIMIT = 100


@dataclass(frozen=True)
class OrderSummary:
    reference: str
    event_title: str
    event_short_id: str
    event_start: datetime
    event_timezone: str
    status: str
    amount: int
    currency: str
    created_at: datetime
    ticket_codes: list[str]


def list_my_orders(*, actor: UserSummary | None) -> list[OrderSummary]:
    """The actor's orders, newest first, with the codes of the tickets each one issued."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        rows = session.exec(
            select(Order, Event)
            .join(Event, col(Event.id) == col(Order.event_id))
            .where(Order.buyer_id == actor.id)
            .order_by(col(Order.created_at).desc())
            .limit(HISTORY_LIMIT)
        ).all()
        codes: dict[str, list[str]] = {}
        order_ids = [order.id for order, _ in rows]
        if order_ids:
            for order_id, code in session.exec(
                select(Ticket.order_id, Ticket.short_code).where(col(Ticket.order_id).in_(order_ids))
            ):
                codes.setdefault(order_id, []).append(code)
    return [
        OrderSummary(
            reference=order.reference,
            event_title=event.title,
            event_short_id=event.short_id,
            event_start=event.start_at,
            event_timezone=event.timezone,
            status=order.status,
            amount=order.amount,
            currency=order.currency,
            created_at=order.created_at,
            ticket_codes=sorted(codes.get(order.id, [])),
        )
        for order, event in rows
    ]
