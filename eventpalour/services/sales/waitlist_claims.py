"""Taking a waitlist offer (#19 §3, §4): the offer's own checkout.

An offer (services/sales/waitlist.py) is a pending order made for the person at the front of the
line, so it skipped the event page's checkout form. Claiming it asks what that form asks: the
event's attendee questions for the offered tickets, checked by the same rules
(`answers.check_answers`: every bad answer a field error, nothing saved), and the attendees' names
when the event asks anything per ticket, written on the order's lines so the tickets carry them.

Then a paid offer goes on to Paystack like any held order (`payments.start_payment`), and a free
one (a free tier's seats: nothing to pay) is registered at once in the same transaction as its
answers: the held seats become sold, the tickets are issued and the confirmation queued, exactly as
settling a paid order does. A free event still takes one registration per person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, select, update

from eventpalour.db import transaction
from eventpalour.models import Event, EventPricing, OrderAnswer, OrderItem, WaitlistEntry
from eventpalour.models.types import utcnow
from eventpalour.services import finance
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound
from eventpalour.services.sales import answers as attendee_answers
from eventpalour.services.sales import capacity, fulfilment, orders, payments
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.answers import AttendeeAnswers
from eventpalour.services.sales.store import OrderLine, OrderToSettle

logger = logging.getLogger("eventpalour.waitlist")

_entries = WaitlistEntry.__table__
_events = Event.__table__
_items = OrderItem.__table__
_answers = OrderAnswer.__table__

OFFER_GONE = N_("This offer is no longer held for you: its time ran out or it was cancelled.")


@dataclass(frozen=True)
class ClaimedOffer:
    """A claimed offer: `registered` (free: tickets issued now) or the Paystack URL to pay it."""

    order_id: str
    reference: str
    registered: bool
    authorization_url: str | None


_IS_OFFER = select(_entries.c.id).where(_entries.c.order_id == bindparam("order_id"))
_SET_NAMES = update(_items).where(_items.c.id == bindparam("item_id")).values(attendee_names=bindparam("new_names"))
_PRICING = select(_events.c.pricing).where(_events.c.id == bindparam("event_id"))
_DROP_ANSWERS = delete(_answers).where(_answers.c.order_id == bindparam("order_id"))


def claim_offer(*, actor: UserSummary | None, order_id: str, answers: AttendeeAnswers | None = None) -> ClaimedOffer:
    """Answer the event's questions for a waitlist offer held for the actor, then register it (free)
    or start its payment (paid). Raises NotAuthenticated, NotFound (no such offer of the actor's),
    Conflict (the hold ran out or closed; already registered for a free event), ValidationFailed
    (under "answers", as at checkout: nothing saved), and what `payments.start_payment` raises."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        connection = session.connection()
        order = sales_store.order_to_pay(connection, order_id or "")
        if order is None or order.buyer_id != actor.id:
            raise NotFound(N_("This waitlist offer does not exist."))
        if connection.execute(_IS_OFFER, {"order_id": order.id}).first() is None:
            raise NotFound(N_("This waitlist offer does not exist."))
        if not orders.awaits_payment(order.status, order.holds_active, order.expires_at, utcnow()):
            raise Conflict(OFFER_GONE)
        lines = sales_store.order_lines(connection, order.id)
        _save_answers(connection, order, lines, answers)
        free = order.amount == 0
        if free:
            _register(connection, order, actor)
    if free:
        logger.info("waitlist offer registered %s", order.reference)
        return ClaimedOffer(order.id, order.reference, True, None)
    url = payments.start_payment(actor=actor, order_id=order.id)
    return ClaimedOffer(order.id, order.reference, False, url)


def _save_answers(
    connection: Connection, order: OrderToSettle, lines: tuple[OrderLine, ...], given: AttendeeAnswers | None
) -> None:
    """The offer's answers, checked as checkout checks them, replacing any an earlier claim saved
    (a paid offer can be claimed again after leaving Paystack without paying)."""
    asked = attendee_answers.asked_questions(connection, order.event_id)
    if not asked and given is None:
        return
    wanted = {line.tier_id: line.quantity for line in lines}
    checked = attendee_answers.check_answers(asked, wanted, given, order.currency)
    connection.execute(_DROP_ANSWERS, {"order_id": order.id})
    attendee_answers.insert_answers(connection, checked.rows(order.id, {line.tier_id: line.id for line in lines}))
    for line in lines:
        if line.tier_id in checked.names:
            connection.execute(_SET_NAMES, {"item_id": line.id, "new_names": checked.names[line.tier_id]})


def _register(connection: Connection, order: OrderToSettle, actor: UserSummary) -> None:
    """A free offer completed now, as settling completes a paid order: claimed while its seats are
    still held (else the hold closed meanwhile: nothing changes), tickets issued, the sale counted,
    the held seats sold last (the tier row stays locked from that UPDATE until COMMIT)."""
    if connection.execute(_PRICING, {"event_id": order.event_id}).scalar() == EventPricing.FREE:
        sales_store.lock_buyer(connection, actor.id)
        if sales_store.has_completed_order(connection, actor.id, order.event_id):
            raise Conflict(N_("You are already registered for this event."))
    now = utcnow()
    claim = sales_store.Claim(order_id=order.id, paid_at=now, provider_fee=0, organizer_share=0, now=now)
    if not sales_store.claim_order(connection, claim, held=True):
        raise Conflict(OFFER_GONE)
    lines = sales_store.order_lines(connection, order.id)  # with the names just written
    fulfilment.issue_tickets(connection, payments.order_to_issue(order, lines), confirmation=order.confirmation)
    finance.record_sale(connection, payments.settled_sale(order, lines, claim))
    for line in lines:
        capacity.sell_held(connection, line.tier_id, line.quantity)


__all__ = ["OFFER_GONE", "ClaimedOffer", "claim_offer"]
