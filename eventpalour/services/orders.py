"""Reading orders: a buyer's own order history (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import Event, Order, OrderStatus, Ticket
from eventpalour.services.accounts import UserSummary
from eventpalour.services.errors import NotAuthenticated

HISTORY_LIMIT = 100
MONEY_HELD = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)


def holds_paid_money(session: Session, *, event_id: str | None = None, workspace_id: str | None = None) -> bool:
    """Whether any paid, not fully refunded order exists for the event or the workspace.

    Such money must be refunded before the event is cancelled or the workspace deleted.
    """
    query = select(Order.id).where(Order.amount > 0, col(Order.status).in_(MONEY_HELD))
    if event_id is not None:
        query = query.where(Order.event_id == event_id)
    if workspace_id is not None:
        query = query.where(Order.workspace_id == workspace_id)
    return session.exec(query).first() is not None


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
