"""A workspace's dashboard (issue #24 §5): its upcoming events with their sales and check-ins, and
its latest orders, for the members who open it.

Every figure comes from its one definition: tickets sold from finance (`SOLD_TICKET_CONDITIONS`, the
rule behind `money_figures.tickets_sold`), seats from `TierSeats` (`TIER_SEATS.quantity`), check-ins
from the door counters (`store.door_counts`), order status words from `orders.STATUS_LABELS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import ENDED_EVENT_STATUSES, TIER_SEATS, Event, Order, Ticket, TicketTier, User
from eventpalour.models.types import utcnow
from eventpalour.services.finance import SOLD_TICKET_CONDITIONS
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import DEFAULT_LANGUAGE, event_when, gettext
from eventpalour.services.sales import store
from eventpalour.services.sales.orders import STATUS_LABELS
from eventpalour.services.workspaces import WorkspaceAction, allows, load_workspace_for

UPCOMING_LIMIT = 6
RECENT_ORDERS_LIMIT = 10


@dataclass(frozen=True)
class UpcomingEventRow:
    """An event of the workspace that has not ended, with its door and sales figures."""

    event_id: str
    short_id: str
    title: str
    status: str
    start_at: datetime
    timezone: str
    when: str  # the start in the event's own zone, e.g. "Sat 12 Dec, 19:00 EAT"
    tickets_sold: int
    capacity: int | None  # None: at least one tier has no limit
    checked_in: int


@dataclass(frozen=True)
class RecentOrderRow:
    """One of the workspace's latest orders, any event, any status."""

    order_id: str
    reference: str
    event_title: str
    event_short_id: str
    buyer_name: str
    buyer_email: str
    amount: int
    currency: str
    status: str
    status_label: str
    created_at: datetime
    timezone: str  # the event's, to show `created_at` in


@dataclass(frozen=True)
class WorkspaceDashboard:
    upcoming: list[UpcomingEventRow]
    recent_orders: list[RecentOrderRow]
    can_create_events: bool  # WorkspaceAction.MANAGE_EVENTS: create_event would take it
    can_view_orders: bool  # WorkspaceAction.VIEW_ATTENDEES: buyers' names and orders are shown


def workspace_dashboard(
    *, actor: UserSummary | None, workspace_id: str, now: datetime | None = None, language: str = DEFAULT_LANGUAGE
) -> WorkspaceDashboard:
    """The dashboard of a workspace for any member: the next events (not ended, not cancelled or
    completed, soonest first) and, for moderators and above, the latest 10 orders across its events.

    Its dates and status words are in `language`. Raises NotAuthenticated, NotFound, PermissionDenied
    (not a member).
    """
    moment = now or utcnow()
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW)
        role = access.membership.role if access.membership else ""
        can_view_orders = allows(role, WorkspaceAction.VIEW_ATTENDEES)
        upcoming = _upcoming(session, access.workspace.id, moment, language)
        orders = _recent_orders(session, access.workspace.id, language) if can_view_orders else []
    return WorkspaceDashboard(
        upcoming=upcoming,
        recent_orders=orders,
        can_create_events=allows(role, WorkspaceAction.MANAGE_EVENTS),
        can_view_orders=can_view_orders,
    )


def _upcoming(session: Session, workspace_id: str, now: datetime, language: str) -> list[UpcomingEventRow]:
    events = session.exec(
        select(Event)
        .where(
            Event.workspace_id == workspace_id,
            col(Event.end_at) > now,
            col(Event.status).not_in(ENDED_EVENT_STATUSES),
        )
        .order_by(col(Event.start_at), col(Event.id))
        .limit(UPCOMING_LIMIT)
    ).all()
    ids = [event.id for event in events]
    if not ids:
        return []
    sold = dict(
        session.exec(
            select(Ticket.event_id, func.count())
            .where(col(Ticket.event_id).in_(ids), *SOLD_TICKET_CONDITIONS)
            .group_by(Ticket.event_id)
        ).all()
    )
    quantity = TIER_SEATS.quantity
    seats = {
        event_id: None if unlimited else int(total or 0)
        for event_id, total, unlimited in session.exec(
            select(TicketTier.event_id, func.sum(quantity), func.count() - func.count(quantity))
            .where(col(TicketTier.event_id).in_(ids))
            .group_by(TicketTier.event_id)
        ).all()
    }
    connection = session.connection()
    return [
        UpcomingEventRow(
            event_id=event.id,
            short_id=event.short_id,
            title=event.title,
            status=event.status,
            start_at=event.start_at,
            timezone=event.timezone,
            when=event_when(event.start_at, event.timezone, now=now, language=language),
            tickets_sold=int(sold.get(event.id, 0)),
            capacity=seats.get(event.id, 0),
            checked_in=store.door_counts(connection, event.id).checked_in,
        )
        for event in events
    ]


def _recent_orders(session: Session, workspace_id: str, language: str) -> list[RecentOrderRow]:
    rows = session.exec(
        select(Order, User, Event)
        .join(User, col(User.id) == col(Order.buyer_id))
        .join(Event, col(Event.id) == col(Order.event_id))
        .where(Order.workspace_id == workspace_id)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .limit(RECENT_ORDERS_LIMIT)
    ).all()
    return [
        RecentOrderRow(
            order_id=order.id,
            reference=order.reference,
            event_title=event.title,
            event_short_id=event.short_id,
            buyer_name=buyer.full_name or buyer.username,
            buyer_email=buyer.email,
            amount=order.amount,
            currency=order.currency,
            status=order.status,
            status_label=gettext(language, STATUS_LABELS.get(order.status, order.status)),
            created_at=order.created_at,
            timezone=event.timezone,
        )
        for order, buyer, event in rows
    ]
