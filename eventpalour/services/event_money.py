"""An event's money figures, defined once (issue #17): gross, fees, refunds and the organizer's
share, read by the event management page and its Orders tab alike, so one screen cannot show two
different numbers for the same thing.

Gross is what buyers paid on the orders that hold money (completed or partly refunded), fees
included when the buyer pays them; refunds is what was given back (or is being given back) on the
event's orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eventpalour.models import MONEY_HELD_STATUSES, Order, OrderItem


@dataclass(frozen=True)
class EventSalesTotals:
    """Money of the orders that hold paid money (completed or partly refunded), in the event's currency."""

    currency: str
    paid_orders: int
    tickets: int
    gross: int
    platform_fees: int
    provider_fees: int
    organizer_share: int
    refunds: int


def event_money(session: Session, event_id: str, currency: str) -> EventSalesTotals:
    """The event's figures, for its organizers (the caller checks access)."""
    paid = select(Order).where(Order.event_id == event_id, col(Order.status).in_(MONEY_HELD_STATUSES)).subquery()
    orders, gross, platform, provider, share = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(paid.c.amount), 0),
            func.coalesce(func.sum(paid.c.platform_fee), 0),
            func.coalesce(func.sum(paid.c.provider_fee), 0),
            func.coalesce(func.sum(paid.c.organizer_share), 0),
        ).select_from(paid)
    ).one()
    tickets = session.exec(
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .join(Order, col(Order.id) == col(OrderItem.order_id))
        .where(Order.event_id == event_id, col(Order.status).in_(MONEY_HELD_STATUSES))
    ).one()
    refunded = session.exec(
        select(func.coalesce(func.sum(Order.refunded_amount), 0)).where(Order.event_id == event_id)
    ).one()
    return EventSalesTotals(
        currency=currency,
        paid_orders=int(orders),
        tickets=int(tickets),
        gross=int(gross),
        platform_fees=int(platform),
        provider_fees=int(provider),
        organizer_share=int(share),
        refunds=int(refunded),
    )
