"""What a signed-in visitor already has at one event, as the event page shows it: their valid
tickets, the announcements that reached them, and an order still holding seats. One read for all
three: the page asks on every signed-in load and again after each checkout, and three reads cost
three sessions and three hops to a worker thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventpalour.db import read_only
from eventpalour.services import sales
from eventpalour.services.identity import UserSummary
from eventpalour.services.tickets.announcements import HolderAnnouncement, event_announcements_of
from eventpalour.services.tickets.holdings import TicketView, event_tickets_of


@dataclass(frozen=True)
class BuyerEventView:
    tickets: list[TicketView] = field(default_factory=list)
    announcements: list[HolderAnnouncement] = field(default_factory=list)
    hold: sales.HeldOrder | None = None


def buyer_event_view(*, actor: UserSummary | None, event_short_id: str) -> BuyerEventView:
    """The actor's tickets, announcements and open order at the event (nothing when signed out),
    each as `my_event_tickets`, `event_announcements` and `open_order` give it."""
    if actor is None:
        return BuyerEventView()
    with read_only() as session:
        return BuyerEventView(
            tickets=event_tickets_of(session, actor.id, event_short_id),
            announcements=event_announcements_of(session, actor.id, event_short_id),
            hold=sales.open_order_of(session, actor.id, event_short_id),
        )
