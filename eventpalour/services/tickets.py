"""Reading tickets as their holder sees them: code, tier, status and the QR code (SPEC §6)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import Event, Order, OrderItem, Ticket, TicketStatus
from eventpalour.services import ticket_media, ticket_tokens
from eventpalour.services.accounts import UserSummary
from eventpalour.services.errors import NotAuthenticated, NotFound


@dataclass(frozen=True)
class TicketView:
    short_code: str
    tier_name: str
    status: str
    qr_data_uri: str  # empty when the ticket can no longer be used, so no stale code is shown


def order_tickets(*, actor: UserSummary | None, reference: str) -> list[TicketView]:
    """The tickets the actor holds from their own order `reference` (by payment reference or order id)."""
    if actor is None:
        raise NotAuthenticated("Sign in to see your tickets.")
    with read_only() as session:
        order = session.exec(
            select(Order).where((col(Order.reference) == reference) | (col(Order.id) == reference))
        ).first()
        if order is None or order.buyer_id != actor.id:
            raise NotFound("This order does not exist.")
        rows = session.exec(
            select(Ticket, OrderItem.tier_name)
            .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
            .where(Ticket.order_id == order.id, Ticket.holder_id == actor.id)
            .order_by(col(OrderItem.tier_name), col(Ticket.short_code))
        ).all()
    return [_view(ticket, tier_name) for ticket, tier_name in rows]


def _view(ticket: Ticket, tier_name: str) -> TicketView:
    return TicketView(
        short_code=ticket.short_code,
        tier_name=tier_name,
        status=ticket.status,
        qr_data_uri=(
            ticket_media.qr_svg_data_uri(ticket_tokens.sign(ticket.id, ticket.event_id, ticket.secret_version))
            if ticket.status == TicketStatus.VALID
            else ""
        ),
    )


def my_event_tickets(*, actor: UserSummary | None, event_short_id: str) -> list[TicketView]:
    """The valid tickets the actor holds for one event (none when nobody is signed in)."""
    if actor is None:
        return []
    with read_only() as session:
        rows = session.exec(
            select(Ticket, OrderItem.tier_name)
            .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
            .join(Event, col(Event.id) == col(Ticket.event_id))
            .where(
                Event.short_id == event_short_id,
                Ticket.holder_id == actor.id,
                Ticket.status == TicketStatus.VALID,
            )
            .order_by(col(Ticket.created_at), col(Ticket.short_code))
        ).all()
    return [_view(ticket, tier_name) for ticket, tier_name in rows]
