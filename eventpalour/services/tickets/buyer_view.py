"""What a signed-in visitor already has at one event, as the event page shows it: their valid
tickets, the announcements that reached them, and an order still holding seats. One read for all
three: the page asks on every signed-in load and again after each checkout, and three reads cost
three sessions and three hops to a worker thread.

Most visitors of an on-sale page have nothing there yet, so one statement asks first whether they
hold any ticket of the event and whether an order of theirs holds seats at it; only what is there is
then read the way the three reads read it (#18: the three cost four to six statements per load).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, exists, select

from eventpalour.db import read_only
from eventpalour.models import Event, Order, Ticket
from eventpalour.models.order import ADMISSION_STATUSES
from eventpalour.services import sales
from eventpalour.services.identity import UserSummary
from eventpalour.services.tickets.announcements import HolderAnnouncement, event_announcements_of
from eventpalour.services.tickets.holdings import TicketView, event_tickets_of


@dataclass(frozen=True)
class BuyerEventView:
    tickets: list[TicketView] = field(default_factory=list)
    announcements: list[HolderAnnouncement] = field(default_factory=list)
    hold: sales.HeldOrder | None = None


_events, _orders, _tickets = Event.__table__, Order.__table__, Ticket.__table__
_actor = bindparam("actor_id")
# Built once. Each answer is a precondition of what it stands for, never the rule itself: a ticket
# the page lists or an announcement reaches is held in an admission status (`event_tickets_of`,
# `_reaching`), and an open order holds seats (`open_order_of` then applies the rest of the rule).
_WHAT_THEY_HAVE = select(
    exists()
    .where(
        _tickets.c.event_id == _events.c.id,
        _tickets.c.holder_id == _actor,
        _tickets.c.status.in_([status.value for status in ADMISSION_STATUSES]),
    )
    .label("tickets"),
    exists()
    .where(_orders.c.event_id == _events.c.id, _orders.c.buyer_id == _actor, _orders.c.holds_active)
    .label("seats"),
).where(_events.c.short_id == bindparam("short_id"))


def buyer_event_view(*, actor: UserSummary | None, event_short_id: str) -> BuyerEventView:
    """The actor's tickets, announcements and open order at the event (nothing when signed out),
    each as `my_event_tickets`, `event_announcements` and `open_order` give it."""
    if actor is None:
        return BuyerEventView()
    with read_only() as session:
        has = session.execute(_WHAT_THEY_HAVE, {"actor_id": actor.id, "short_id": event_short_id}).first()
        if has is None or not (has.tickets or has.seats):
            return BuyerEventView()
        return BuyerEventView(
            tickets=event_tickets_of(session, actor.id, event_short_id) if has.tickets else [],
            announcements=event_announcements_of(session, actor.id, event_short_id) if has.tickets else [],
            hold=sales.open_order_of(session, actor.id, event_short_id) if has.seats else None,
        )
