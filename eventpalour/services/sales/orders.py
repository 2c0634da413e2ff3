"""Reading orders: a buyer's own order history and the order they are paying for (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import (
    MONEY_HELD_STATUSES,
    OPEN_ORDER_STATUSES,
    DiscountCode,
    Event,
    Order,
    OrderAnswer,
    OrderItem,
    OrderStatus,
    Ticket,
    TicketStatus,
    User,
    WaitlistEntry,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services import tickets
from eventpalour.services.identity import UserSummary, masked_email
from eventpalour.services.platform import DEFAULT_LANGUAGE, N_, NotAuthenticated, event_schedule, gettext
from eventpalour.services.sales.answer_edits import EDITABLE_STATUSES
from eventpalour.services.sales.fees import PriceLine, price_lines
from eventpalour.services.sales.refund_policy import order_terms, policy_view
from eventpalour.services.sales.refund_requests import (
    RequestFacts,
    open_request_orders,
    refund_request_refusal,
    request_labels,
    shows_refusal,
)

HISTORY_LIMIT = 100
STATUS_LABELS = {
    OrderStatus.PENDING: N_("Awaiting payment"),
    OrderStatus.PROCESSING: N_("Awaiting payment"),
    OrderStatus.COMPLETED: N_("Paid"),
    OrderStatus.FAILED: N_("Payment failed"),
    OrderStatus.CANCELLED: N_("Expired or cancelled"),
    OrderStatus.REFUNDED: N_("Refunded"),
    OrderStatus.PARTIALLY_REFUNDED: N_("Partly refunded"),
}


def awaits_payment(status: str, holds_active: bool, expires_at: datetime | None, now: datetime) -> bool:
    """Whether the order can still be paid: open, holding its seats, its hold not run out (even if
    housekeeping has not swept it yet). payments.start_payment refuses any other order."""
    expired = expires_at is not None and expires_at <= now
    return status in OPEN_ORDER_STATUSES and holds_active and not expired


def holds_paid_money(session: Session, *, event_id: str | None = None, workspace_id: str | None = None) -> bool:
    """Whether any paid, not fully refunded order exists for the event or the workspace.

    Such money must be refunded before the event is cancelled or the workspace deleted.
    """
    query = select(Order.id).where(Order.amount > 0, col(Order.status).in_(MONEY_HELD_STATUSES))
    if event_id is not None:
        query = query.where(Order.event_id == event_id)
    if workspace_id is not None:
        query = query.where(Order.workspace_id == workspace_id)
    return session.exec(query).first() is not None


@dataclass(frozen=True)
class OrderSummary:
    """One line of the buyer's order history.

    `ticket_codes` are the codes of the order's tickets the buyer still holds; a ticket they gave
    away is named only by whom it went to (`transferred_to`: a name, or a masked email), since its
    new code is the recipient's way in.
    """

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
    transferred_to: list[str] = field(default_factory=list)
    organizer_verified: bool = False
    status_label: str = ""
    can_complete_payment: bool = False  # start_payment would take it: the page offers "Complete payment"
    price_lines: tuple[PriceLine, ...] = ()  # what it cost, from the stored figures (fees.price_lines)
    order_id: str = ""
    can_request_refund: bool = False  # refund_requests.refund_request_refusal is None
    refund_note: str = ""  # why a refund cannot be asked now, for a paid order ("" otherwise)
    refund_request_label: str = ""  # the newest refund request in words ("" none)
    refund_policy: tuple[str, ...] = ()  # the policy the order was placed under, in words (paid orders)
    can_edit_answers: bool = False  # answer_edits.edit_order_answers would take the buyer's new answers


@dataclass
class _OrderTickets:
    codes: list[str] = field(default_factory=list)
    given_to: list[str] = field(default_factory=list)
    valid: int = 0  # still valid: a refund can be asked for these


def _tickets_of(session: Session, actor_id: str, order_ids: list[str]) -> dict[str, _OrderTickets]:
    """Per order: the codes of the tickets the actor holds now, and who each ticket they gave away went to.

    Only the actor's own rows are read: a ticket that moved on is a new row of the recipient's.
    """
    found: dict[str, _OrderTickets] = {}
    if not order_ids:
        return found
    recipient = aliased(Ticket)
    rows = session.exec(
        select(Ticket.order_id, Ticket.short_code, Ticket.status, User.full_name, User.email)
        .outerjoin(recipient, col(recipient.transferred_from_id) == col(Ticket.id))
        .outerjoin(User, col(User.id) == col(recipient.holder_id))
        .where(col(Ticket.order_id).in_(order_ids), Ticket.holder_id == actor_id)
        .order_by(col(Ticket.short_code))
    ).all()
    for order_id, code, status, name, email in rows:
        tickets = found.setdefault(order_id, _OrderTickets())
        if status == TicketStatus.TRANSFERRED:
            tickets.given_to.append(name or masked_email(email or ""))
        else:
            tickets.codes.append(code)
            tickets.valid += status == TicketStatus.VALID
    return found


def _seats_of(session: Session, order_ids: list[str]) -> dict[str, int]:
    """Per order: how many tickets it bought (its lines' quantities)."""
    if not order_ids:
        return {}
    rows = session.exec(
        select(OrderItem.order_id, func.sum(OrderItem.quantity))
        .where(col(OrderItem.order_id).in_(order_ids))
        .group_by(col(OrderItem.order_id))
    ).all()
    return {order_id: int(count or 0) for order_id, count in rows}


def list_my_orders(*, actor: UserSummary | None, language: str = DEFAULT_LANGUAGE) -> list[OrderSummary]:
    """The actor's orders, newest first, with the codes of the tickets they still hold from each; the
    status and the price lines in the reader's `language`."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        rows = session.exec(
            select(Order, Event, Workspace.verified, DiscountCode.code)
            .join(Event, col(Event.id) == col(Order.event_id))
            .join(Workspace, col(Workspace.id) == col(Order.workspace_id))
            .outerjoin(DiscountCode, col(DiscountCode.id) == col(Order.discount_code_id))
            .where(Order.buyer_id == actor.id)
            .order_by(col(Order.created_at).desc())
            .limit(HISTORY_LIMIT)
        ).all()
        order_ids = [order.id for order, _, _, _ in rows]
        tickets = _tickets_of(session, actor.id, order_ids)
        seats = _seats_of(session, order_ids)
        waiting = open_request_orders(session, order_ids)
        requests = request_labels(session, order_ids, language)
        answered = set(
            session.exec(select(OrderAnswer.order_id).where(col(OrderAnswer.order_id).in_(order_ids)).distinct())
        )
    now = utcnow()
    summaries = []
    for order, event, verified, code in rows:
        facts = RequestFacts(
            status=order.status,
            amount=order.amount,
            refunded_amount=order.refunded_amount,
            event_status=event.status,
            terms=order_terms(order, event),
            has_open_request=order.id in waiting,
            refundable_tickets=tickets.get(order.id, _OrderTickets()).valid,
        )
        refusal = refund_request_refusal(facts, now)
        summary = OrderSummary(
            reference=order.reference,
            event_title=event.title,
            event_short_id=event.short_id,
            event_start=event.start_at,
            event_timezone=event.timezone,
            status=order.status,
            amount=order.amount,
            currency=order.currency,
            created_at=order.created_at,
            ticket_codes=tickets.get(order.id, _OrderTickets()).codes,
            transferred_to=tickets.get(order.id, _OrderTickets()).given_to,
            organizer_verified=verified,
            status_label=gettext(language, STATUS_LABELS.get(order.status, order.status)),
            can_complete_payment=awaits_payment(order.status, order.holds_active, order.expires_at, now),
            price_lines=price_lines(
                tickets=seats.get(order.id, 0),
                subtotal=order.subtotal,
                platform_fee=order.platform_fee,
                amount=order.amount,
                currency=order.currency,
                discount=order.discount_amount,
                discount_code=code or "",
                language=language,
            ),
            order_id=order.id,
            can_request_refund=refusal is None,
            refund_note=refusal.in_language(language) if refusal and shows_refusal(facts) else "",
            refund_request_label=requests.get(order.id, ""),
            refund_policy=policy_view(facts.terms, now=now, language=language).lines if order.amount else (),
            # As answer_edits decides for a buyer: a completed order with answers, before the start.
            can_edit_answers=order.id in answered and order.status in EDITABLE_STATUSES and event.start_at > now,
        )
        summaries.append(summary)
    return summaries


@dataclass(frozen=True)
class HeldOrder:
    """An order whose seats are held while its buyer pays."""

    order_id: str
    reference: str
    amount: int
    currency: str
    ticket_count: int
    expires_at: datetime
    discount_code: str = ""  # the discount code applied ("" none) and what it took off
    discount: int = 0
    # A waitlist offer (#19 §4) is claimed through `claim_waitlist_offer`, which asks the attendee
    # questions for `quantities` (tier id → tickets) first; `claim_registers`: a free offer, whose
    # claim registers the person rather than going to Paystack.
    is_waitlist_offer: bool = False
    claim_registers: bool = False
    quantities: dict[str, int] = field(default_factory=dict)


def open_order(*, actor: UserSummary | None, event_short_id: str) -> HeldOrder | None:
    """The actor's newest order for the event that still holds seats and has time left, if any."""
    if actor is None:
        return None
    with read_only() as session:
        return open_order_of(session, actor.id, event_short_id)


_orders, _events, _items = Order.__table__, Event.__table__, OrderItem.__table__
_codes, _offers = DiscountCode.__table__, WaitlistEntry.__table__
# Built once: the event page asks on every signed-in load that follows a checkout (#18). One row per
# line of each open order, newest order first (an order's lines share its sort key, so they are
# together); only one order per buyer and event can hold seats (`uq_orders_open_hold`).
_OPEN_ORDER_LINES = (
    select(
        _orders.c.id,
        _orders.c.reference,
        _orders.c.amount,
        _orders.c.currency,
        _orders.c.expires_at,
        _orders.c.discount_amount,
        _codes.c.code,
        exists().where(_offers.c.order_id == _orders.c.id).label("is_offer"),
        _items.c.tier_id,
        _items.c.quantity,
    )
    .select_from(
        _orders.join(_events, _events.c.id == _orders.c.event_id)
        .join(_items, _items.c.order_id == _orders.c.id)
        .outerjoin(_codes, _codes.c.id == _orders.c.discount_code_id)
    )
    .where(
        _orders.c.buyer_id == bindparam("buyer_id"),
        _events.c.short_id == bindparam("short_id"),
        _orders.c.holds_active,
        _orders.c.status.in_([status.value for status in OPEN_ORDER_STATUSES]),
        _orders.c.expires_at > bindparam("now", type_=_orders.c.expires_at.type),
    )
    .order_by(_orders.c.created_at.desc(), _orders.c.id)
)


def open_order_of(session: Session, buyer_id: str, event_short_id: str) -> HeldOrder | None:
    """`open_order` in the caller's read (the event page reads all of its buyer's things in one)."""
    lines = session.execute(
        _OPEN_ORDER_LINES, {"buyer_id": buyer_id, "short_id": event_short_id, "now": utcnow()}
    ).all()
    if not lines:
        return None
    order = lines[0]
    is_offer = bool(order.is_offer)  # SQLite answers EXISTS with 0 or 1
    quantities: dict[str, int] = {}
    for line in lines:
        if line.id != order.id:
            break
        quantities[line.tier_id] = quantities.get(line.tier_id, 0) + line.quantity
    return HeldOrder(
        order.id,
        order.reference,
        order.amount,
        order.currency,
        sum(quantities.values()),
        order.expires_at,
        discount_code=order.code or "",
        discount=order.discount_amount,
        is_waitlist_offer=is_offer,
        claim_registers=is_offer and order.amount == 0,
        quantities=quantities,
    )


@dataclass(frozen=True)
class OrderEvent:
    """The event of an order, as the buyer's return page shows it: when (in the event's zone),
    where ("Online" for an online event; never the meeting link) and who organizes it."""

    short_id: str
    title: str
    start_at: datetime | None = None
    end_at: datetime | None = None
    timezone: str = ""
    place: str = ""
    organizer: str = ""

    @property
    def schedule(self) -> str:
        """ "Fri 5 Dec 2025 · 18:00 – 23:00 EAT", in the event's own zone ("" without dates)."""
        return self.schedule_in("en")

    def schedule_in(self, language: str) -> str:
        """`schedule` in `language` (Babel's dates for Kiswahili and French)."""
        if not (self.start_at and self.end_at):
            return ""
        return event_schedule(self.start_at, self.end_at, self.timezone, language)


def event_of_order(reference: str) -> OrderEvent | None:
    """The event an order (by payment reference) is for, to send the buyer back to it."""
    with read_only() as session:
        row = session.exec(
            select(Event, Workspace.name)
            .join(Order, col(Order.event_id) == col(Event.id))
            .join(Workspace, col(Workspace.id) == col(Event.workspace_id))
            .where(Order.reference == (reference or ""))
        ).first()
    if row is None:
        return None
    event, organizer = row
    return OrderEvent(
        short_id=event.short_id,
        title=event.title,
        start_at=event.start_at,
        end_at=event.end_at,
        timezone=event.timezone,
        place=tickets.holder_place(event, with_link=False),
        organizer=organizer,
    )
