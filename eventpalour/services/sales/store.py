"""The sales store: every statement the sale path runs on tiers' seat counters, orders, order lines,
tickets, door scans and Paystack webhook deliveries, each returning typed rows (frozen dataclasses,
fields by name).

The statements are prepared Core, built once at import with bound parameters: every buyer of a
rush, every paid order's webhook and every door scan runs them, and composing ORM queries per call
and building objects was most of their CPU time. The functions take the caller's connection (a
`db.transaction()`'s `session.connection()`, a `db.read_only()`'s, or a `db.write_batch()`), so the
caller decides the unit of work and the number of round trips. The rules that use these statements
live in capacity (the seat counters: only it runs theirs), checkout, payments, fulfilment, refunds,
returned_payments, payment_webhooks and scanning.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.sql.selectable import Alias

from eventpalour.models import (
    ADMISSION_STATUSES,
    MONEY_HELD_STATUSES,
    OPEN_ORDER_STATUSES,
    OPEN_REFUND_STATUSES,
    SETTLED_ORDER_STATUSES,
    TIER_SEATS,
    DiscountCode,
    DiscountCodeTier,
    DiscountCodeUnlock,
    Event,
    Order,
    OrderItem,
    OrderStatus,
    PaymentWebhook,
    Question,
    Refund,
    RefundStatus,
    Ticket,
    TicketScan,
    TicketStatus,
    TicketTier,
    User,
    WaitingRoom,
    WebhookEventType,
    Workspace,
    WorkspaceMember,
)
from eventpalour.models.order import UNCONFIRMED_WEBHOOK
from eventpalour.models.types import random_string
from eventpalour.services import platform

_users = User.__table__
_events = Event.__table__
_tiers = TicketTier.__table__
_orders = Order.__table__
_items = OrderItem.__table__
_tickets = Ticket.__table__
_workspaces = Workspace.__table__
_members = WorkspaceMember.__table__
_webhooks = PaymentWebhook.__table__
_refunds = Refund.__table__
_codes = DiscountCode.__table__
_code_tiers = DiscountCodeTier.__table__
_code_unlocks = DiscountCodeUnlock.__table__
_questions = Question.__table__
_rooms = WaitingRoom.__table__
_now = bindparam("now", type_=_orders.c.updated_at.type)
_Typed = TypeVar("_Typed")


def _typed(cls: type[_Typed], row: Row[Any]) -> _Typed:
    """A result row as `cls`, field by name (the columns are labelled as the fields are named)."""
    return cls(**row._mapping)


# --- an event on sale, with its tiers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TierOnSale:
    """A tier as checkout reads it: what `tier_sales.tier_sale` needs, its price and its cap."""

    id: str
    name: str
    price: int
    seats_left: int | None  # None: no limit
    sales_start: datetime | None
    sales_end: datetime | None
    max_per_order: int
    hidden: bool


@dataclass(frozen=True, slots=True)
class EventOnSale:
    """An event as checkout reads it, with its tiers by id."""

    id: str
    short_id: str
    workspace_id: str
    status: str
    is_listed: bool
    pricing: str
    fee_mode: str
    currency: str
    end_at: datetime
    timezone: str
    requires_account: bool  # guests may not buy (#24 §1): checkout refuses a guest buyer
    sms_tickets: bool
    refund_policy: str  # the policy in force now, kept on each new order (#19 §5)
    refund_days: int | None
    refund_policy_text: str
    tiers: Mapping[str, TierOnSale]
    has_questions: bool = False  # attendee questions to ask (services/sales/answers.py reads them)
    # When the event's waiting room starts guarding its checkout (its `opens_at`; None: no room, or
    # one turned off): checkout asks the queue (`waiting_room.require_admission`) only from then on.
    queue_from: datetime | None = None


_EVENT_COLUMNS = (
    _events.c.id,
    _events.c.short_id,
    _events.c.workspace_id,
    _events.c.status,
    _events.c.is_listed,
    _events.c.pricing,
    _events.c.fee_mode,
    _events.c.currency,
    _events.c.end_at,
    _events.c.timezone,
    _events.c.requires_account,
    _events.c.sms_tickets,
    _events.c.refund_policy,
    _events.c.refund_days,
    _events.c.refund_policy_text,
)
_TIER_COLUMNS = (
    _tiers.c.id.label("tier_id"),
    _tiers.c.event_id.label("tier_event_id"),
    _tiers.c.name,
    _tiers.c.price,
    TIER_SEATS.left.label("seats_left"),
    _tiers.c.sales_start,
    _tiers.c.sales_end,
    _tiers.c.max_per_order,
    _tiers.c.hidden,
)
# Whether the event asks attendee questions, in the same query (an index probe), so checkout reads
# the questions only for the events that have some.
_HAS_QUESTIONS = select(_questions.c.id).where(_questions.c.event_id == _events.c.id).exists().label("has_questions")
# An event's waiting room, when one is on, in the same query (its primary key is the event's id), so
# a checkout of an event without one costs no read of its own.
_QUEUE_FROM = (
    select(_rooms.c.opens_at)
    .where(_rooms.c.event_id == _events.c.id, _rooms.c.enabled)
    .scalar_subquery()
    .label("queue_from")
)
# An event (by id or short id) with each of its tiers, one row per tier (tier columns NULL when none).
_EVENT_AND_TIERS = (
    select(*_EVENT_COLUMNS, _HAS_QUESTIONS, _QUEUE_FROM, *_TIER_COLUMNS)
    .select_from(_events.outerjoin(_tiers, _tiers.c.event_id == _events.c.id))
    .where(or_(_events.c.id == bindparam("ref"), _events.c.short_id == bindparam("ref")))
)


def event_on_sale(connection: Connection, ref: str) -> EventOnSale | None:
    """The event `ref` (id or short id) and its tiers, in one round trip; None when there is none."""
    rows = connection.execute(_EVENT_AND_TIERS, {"ref": ref}).all()
    if not rows:
        return None
    first = rows[0]._mapping
    tiers = {
        row.tier_id: TierOnSale(
            id=row.tier_id,
            name=row.name,
            price=row.price,
            seats_left=row.seats_left,
            sales_start=row.sales_start,
            sales_end=row.sales_end,
            max_per_order=row.max_per_order,
            hidden=row.hidden,
        )
        for row in rows
        if row.tier_id is not None and row.tier_event_id == first["id"]
    }
    return EventOnSale(
        **{column.name: first[column.name] for column in _EVENT_COLUMNS},
        tiers=tiers,
        has_questions=bool(first["has_questions"]),
        queue_from=first["queue_from"],
    )


# --- seat counters (run by capacity only) ---------------------------------------------------------

_tier = _tiers.c.id == bindparam("tier_id")
_n = bindparam("n", type_=Integer)
_fits = TIER_SEATS.fit(_n)

# Core statements on the table, so the ORM never re-syncs tier objects it holds.
HOLD = update(_tiers).where(_tier, _fits).values(held=_tiers.c.held + _n)
ADD_HELD = update(_tiers).where(_tier).values(held=_tiers.c.held + _n)
SELL_HELD = update(_tiers).where(_tier, _tiers.c.held >= _n).values(held=_tiers.c.held - _n, sold=_tiers.c.sold + _n)
SELL_NOW = update(_tiers).where(_tier, _fits).values(sold=_tiers.c.sold + _n)
RELEASE_HELD = update(_tiers).where(_tier, _tiers.c.held >= _n).values(held=_tiers.c.held - _n)
RELEASE_SOLD = update(_tiers).where(_tier, _tiers.c.sold >= _n).values(sold=_tiers.c.sold - _n)


def seats_left_of(connection: Connection, tier_ids: Iterable[str]) -> dict[str, int | None]:
    """Each tier's seats left as the database has them now (None: no limit)."""
    query = select(_tiers.c.id, TIER_SEATS.left.label("seats_left")).where(_tiers.c.id.in_(list(tier_ids)))
    return {row.id: row.seats_left for row in connection.execute(query)}


# --- discount codes' use counters (run by discounts only) ----------------------------------------


@dataclass(frozen=True, slots=True)
class CodeOnSale:
    """A code as checkout reads it: its discount (`kind` None: none; `tier_ids` empty when it covers
    every tier) and the hidden tiers it unlocks (`unlocks`)."""

    id: str
    code: str
    kind: str | None
    value: int | None
    all_tiers: bool
    valid_from: datetime | None
    valid_until: datetime | None
    max_uses: int | None
    per_buyer_limit: int | None
    active: bool
    uses_left: int | None
    tier_ids: frozenset[str]
    unlocks: frozenset[str]


_code = _codes.c.id == bindparam("code_id")
_CODE_USES_LEFT = _codes.c.max_uses - _codes.c.uses_held - _codes.c.uses_sold
_CODE_ON_SALE = (
    select(
        _codes.c.id,
        _codes.c.code,
        _codes.c.kind,
        _codes.c.value,
        _codes.c.all_tiers,
        _codes.c.valid_from,
        _codes.c.valid_until,
        _codes.c.max_uses,
        _codes.c.per_buyer_limit,
        _codes.c.active,
        _CODE_USES_LEFT.label("uses_left"),
        _code_tiers.c.tier_id,
        _code_unlocks.c.tier_id.label("unlocked_tier_id"),
    )
    .select_from(
        _codes.outerjoin(_code_tiers, _code_tiers.c.code_id == _codes.c.id).outerjoin(
            _code_unlocks, _code_unlocks.c.code_id == _codes.c.id
        )
    )
    .where(_codes.c.event_id == bindparam("event_id"), _codes.c.code == bindparam("code"))
)


def code_on_sale(connection: Connection, event_id: str, code: str) -> CodeOnSale | None:
    """The event's code `code` (normalized) with the tiers its discount covers and the hidden tiers it
    unlocks, in one round trip; None when none."""
    rows = connection.execute(_CODE_ON_SALE, {"event_id": event_id, "code": code}).all()
    if not rows:
        return None
    first = rows[0]._mapping
    fields = {name: first[name] for name in CodeOnSale.__slots__ if name not in ("tier_ids", "unlocks")}
    return CodeOnSale(
        **fields,
        tier_ids=frozenset(row.tier_id for row in rows if row.tier_id is not None),
        unlocks=frozenset(row.unlocked_tier_id for row in rows if row.unlocked_tier_id is not None),
    )


_BUYER_CODE_USES = select(func.count()).where(
    _orders.c.buyer_id == bindparam("buyer_id"),
    _orders.c.discount_code_id == bindparam("code_id"),
    _orders.c.status.in_(MONEY_HELD_STATUSES),
)


def buyer_code_uses(connection: Connection, buyer_id: str, code_id: str) -> int:
    """How many of the buyer's paid (or free) orders used the code."""
    return int(connection.execute(_BUYER_CODE_USES, {"buyer_id": buyer_id, "code_id": code_id}).scalar_one())


_code_fits = or_(_codes.c.max_uses.is_(None), _codes.c.uses_held + _codes.c.uses_sold + 1 <= _codes.c.max_uses)
HOLD_CODE = update(_codes).where(_code, _code_fits).values(uses_held=_codes.c.uses_held + 1)
ADD_CODE_HELD = update(_codes).where(_code).values(uses_held=_codes.c.uses_held + 1)
SELL_CODE_HELD = (
    update(_codes)
    .where(_code, _codes.c.uses_held >= 1)
    .values(uses_held=_codes.c.uses_held - 1, uses_sold=_codes.c.uses_sold + 1)
)
SELL_CODE_NOW = update(_codes).where(_code, _code_fits).values(uses_sold=_codes.c.uses_sold + 1)
_code_of_order = select(_orders.c.discount_code_id).where(_orders.c.id == bindparam("order_id")).scalar_subquery()
# An order's code (none: nothing changes), found and changed in one statement.
RELEASE_CODE_HELD_OF_ORDER = (
    update(_codes)
    .where(_codes.c.id == _code_of_order, _codes.c.uses_held >= 1)
    .values(uses_held=_codes.c.uses_held - 1)
)
RELEASE_CODE_SOLD_OF_ORDER = (
    update(_codes)
    .where(_codes.c.id == _code_of_order, _codes.c.uses_sold >= 1)
    .values(uses_sold=_codes.c.uses_sold - 1)
)


def code_uses_left(connection: Connection, code_id: str) -> int | None:
    """The code's uses left as the database has them now (None: no limit)."""
    return connection.execute(select(_CODE_USES_LEFT).where(_code), {"code_id": code_id}).scalar_one()


# --- new orders -----------------------------------------------------------------------------------


def new_reference() -> str:
    """An order's reference, shown to buyers and sent to Paystack."""
    return "EVT-" + random_string(string.ascii_uppercase + string.digits, 12)


_INSERT_ORDER = insert(_orders)
_INSERT_ITEMS = insert(_items)


def insert_order(connection: Connection, order: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> None:
    """Write a new order and its lines (two statements; no answer needed, so a batch may carry them)."""
    connection.execute(_INSERT_ORDER, order)
    connection.execute(_INSERT_ITEMS, lines[0] if len(lines) == 1 else list(lines))


_LOCK_BUYER = select(_users.c.id).where(_users.c.id == bindparam("buyer_id")).with_for_update(key_share=True)
_COMPLETED_ORDER_OF_BUYER = select(_orders.c.id).where(
    _orders.c.event_id == bindparam("event_id"),
    _orders.c.buyer_id == bindparam("buyer_id"),
    _orders.c.status == OrderStatus.COMPLETED.value,
)


def lock_buyer(connection: Connection, buyer_id: str) -> None:
    """Lock the buyer's own row until commit (`FOR NO KEY UPDATE`; SQLite needs no lock)."""
    connection.execute(_LOCK_BUYER, {"buyer_id": buyer_id}).one()


def has_completed_order(connection: Connection, buyer_id: str, event_id: str) -> bool:
    """Whether the buyer has a completed order for the event (a free event's registration)."""
    found = connection.execute(_COMPLETED_ORDER_OF_BUYER, {"buyer_id": buyer_id, "event_id": event_id}).first()
    return found is not None


# --- open orders and their holds ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of an order: `quantity` tickets of a tier (`id` is the order item's)."""

    id: str
    tier_id: str
    tier_name: str
    quantity: int
    attendee_names: list[str] | None = None  # by seat, when the event asks names


_ORDER_LINES = select(
    _items.c.id, _items.c.tier_id, _items.c.tier_name, _items.c.quantity, _items.c.attendee_names
).where(_items.c.order_id == bindparam("order_id"))


def order_lines(connection: Connection, order_id: str) -> tuple[OrderLine, ...]:
    return tuple(_typed(OrderLine, row) for row in connection.execute(_ORDER_LINES, {"order_id": order_id}))


@dataclass(frozen=True, slots=True)
class OpenHold:
    """The buyer's order holding seats for an event."""

    id: str
    status: str
    expires_at: datetime | None


# At most one per buyer and event: the orders' `uq_orders_open_hold`.
_OPEN_HOLD_OF_BUYER = select(_orders.c.id, _orders.c.status, _orders.c.expires_at).where(
    _orders.c.buyer_id == bindparam("buyer_id"),
    _orders.c.event_id == bindparam("event_id"),
    _orders.c.holds_active.is_(True),
)
# Close that order for a newer checkout, only while no payment can reach it (services/sales/checkout.py
# `_replace_open_hold`): its Paystack transaction was never handed to the buyer, or its hold is over.
_REPLACE_OPEN_HOLD = (
    update(_orders)
    .where(
        _orders.c.id == bindparam("order_id"),
        _orders.c.holds_active.is_(True),
        _orders.c.status.in_(OPEN_ORDER_STATUSES),
        or_(
            and_(_orders.c.status == OrderStatus.PENDING.value, _orders.c.access_code.is_(None)),
            _orders.c.expires_at <= _now,
        ),
    )
    .values(status=OrderStatus.CANCELLED.value, holds_active=False, updated_at=_now)
)
# Close an open order whose seats are held; the flag makes it happen once (checkout.release_order).
_CLOSE_HOLDING_ORDER = (
    update(_orders)
    .where(
        _orders.c.id == bindparam("order_id"),
        _orders.c.holds_active.is_(True),
        _orders.c.status.in_(OPEN_ORDER_STATUSES),
    )
    .values(status=bindparam("new_status"), holds_active=False, updated_at=_now)
)
_EXPIRED_HOLDS = (
    select(_orders.c.id)
    .where(_orders.c.status.in_(OPEN_ORDER_STATUSES), _orders.c.holds_active.is_(True), _orders.c.expires_at < _now)
    .limit(bindparam("limit"))
)


_BUYER_OF = select(_orders.c.buyer_id).where(_orders.c.id == bindparam("order_id"))


def buyer_of(connection: Connection, order_id: str) -> str | None:
    """Who placed the order `order_id` (None: no such order)."""
    return connection.execute(_BUYER_OF, {"order_id": order_id}).scalar()


def open_hold_of_buyer(connection: Connection, buyer_id: str, event_id: str) -> OpenHold | None:
    found = connection.execute(_OPEN_HOLD_OF_BUYER, {"buyer_id": buyer_id, "event_id": event_id}).first()
    return None if found is None else _typed(OpenHold, found)


def replace_open_hold(connection: Connection, order_id: str, now: datetime) -> bool:
    """Cancel the open hold `order_id` for a newer checkout; False while a payment may reach it."""
    return connection.execute(_REPLACE_OPEN_HOLD, {"order_id": order_id, "now": now}).rowcount == 1


def close_holding_order(connection: Connection, order_id: str, status: str, now: datetime) -> bool:
    """Close an order still holding seats as `status`; True for the one caller that closed it."""
    closed = connection.execute(_CLOSE_HOLDING_ORDER, {"order_id": order_id, "new_status": status, "now": now})
    return closed.rowcount == 1


def expired_holds(connection: Connection, now: datetime, limit: int) -> list[str]:
    """Ids of open orders whose hold ran out before `now`."""
    return list(connection.execute(_EXPIRED_HOLDS, {"now": now, "limit": limit}).scalars())


# --- paying and settling --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What an order's confirmation email says about the event and its organizer, and where it goes."""

    email: str
    title: str
    event_short_id: str
    start_at: datetime
    end_at: datetime
    timezone: str
    type: str
    venue: str | None
    city: str | None
    country: str | None
    online_link: str | None
    organizer: str
    verified: bool
    refund_policy: str
    refund_days: int | None
    refund_policy_text: str
    is_guest: bool  # the buyer has no account: the email carries the link to the tickets (#24 §1)
    language: str | None = None  # the buyer's language (#23 §1): the email is written in it
    order_paid_subscribed: bool = False  # a webhook endpoint of the workspace takes order.paid


_CONFIRMATION_COLUMNS = (
    _users.c.email,
    _users.c.is_guest,
    _events.c.title,
    _events.c.short_id.label("event_short_id"),
    _events.c.start_at,
    _events.c.end_at,
    _events.c.timezone,
    _events.c.type,
    _events.c.venue,
    _events.c.city,
    _events.c.country,
    _events.c.online_link,
    _workspaces.c.name.label("organizer"),
    _workspaces.c.verified,
    _events.c.refund_policy,
    _events.c.refund_days,
    _events.c.refund_policy_text,
    _users.c.language,
    # Read with the facts, which every issued order reads anyway: where no endpoint takes order.paid
    # (almost every workspace), issuing the tickets sends no queueing statement at all.
    platform.subscribed_to_webhook(_events.c.workspace_id, WebhookEventType.ORDER_PAID).label("order_paid_subscribed"),
)
_CONFIRMATION_FIELDS = tuple(column.name for column in _CONFIRMATION_COLUMNS)
# The confirmation's facts alone (a free order); settling a payment reads them with its order.
_CONFIRMATION = (
    select(*_CONFIRMATION_COLUMNS)
    .select_from(_users)
    .join(_events, _events.c.id == bindparam("event_id"))
    .join(_workspaces, _workspaces.c.id == _events.c.workspace_id)
    .where(_users.c.id == bindparam("buyer_id"))
)


def confirmation(connection: Connection, buyer_id: str, event_id: str) -> Confirmation:
    return _typed(Confirmation, connection.execute(_CONFIRMATION, {"buyer_id": buyer_id, "event_id": event_id}).one())


@dataclass(frozen=True, slots=True)
class OrderToSettle:
    """An order as paying for it and settling it read it: with its event's status and what its
    confirmation email needs, so settling issues the tickets without another round trip."""

    id: str
    reference: str
    status: str
    buyer_id: str
    event_id: str
    workspace_id: str
    amount: int
    currency: str
    subtotal: int
    platform_fee: int
    holds_active: bool
    expires_at: datetime | None
    authorization_url: str | None
    event_status: str
    discount_code_id: str | None
    discount_amount: int
    discount_code: str | None
    buyer_phone: str | None
    confirmation: Confirmation


_ORDER_FIELDS = (
    _orders.c.id,
    _orders.c.reference,
    _orders.c.status,
    _orders.c.buyer_id,
    _orders.c.event_id,
    _orders.c.workspace_id,
    _orders.c.amount,
    _orders.c.currency,
    _orders.c.subtotal,
    _orders.c.platform_fee,
    _orders.c.holds_active,
    _orders.c.expires_at,
    _orders.c.authorization_url,
    _events.c.status.label("event_status"),
    _orders.c.discount_code_id,
    _orders.c.discount_amount,
    _codes.c.code.label("discount_code"),
    _orders.c.buyer_phone,
)


def _order_with_event(match: ColumnElement[bool]) -> Select:
    return (
        select(*_ORDER_FIELDS, *_CONFIRMATION_COLUMNS)
        .select_from(
            _orders.join(_events, _events.c.id == _orders.c.event_id)
            .join(_workspaces, _workspaces.c.id == _events.c.workspace_id)
            .join(_users, _users.c.id == _orders.c.buyer_id)
            .outerjoin(_codes, _codes.c.id == _orders.c.discount_code_id)
        )
        .where(match)
    )


_ORDER_TO_PAY = _order_with_event(_orders.c.id == bindparam("order_id"))
_ORDER_TO_SETTLE = _order_with_event(_orders.c.reference == bindparam("reference"))


def _order_to_settle(row: Row[Any]) -> OrderToSettle:
    values = row._mapping
    facts = Confirmation(**{name: values[name] for name in _CONFIRMATION_FIELDS})
    return OrderToSettle(**{column.name: values[column.name] for column in _ORDER_FIELDS}, confirmation=facts)


def order_to_pay(connection: Connection, order_id: str) -> OrderToSettle | None:
    """The order `order_id` (starting a payment), or None."""
    found = connection.execute(_ORDER_TO_PAY, {"order_id": order_id}).first()
    return None if found is None else _order_to_settle(found)


def order_to_settle(connection: Connection, reference: str) -> OrderToSettle:
    """The order paid under `reference` (it exists: the caller read its status before)."""
    return _order_to_settle(connection.execute(_ORDER_TO_SETTLE, {"reference": reference}).one())


# The buyer is on the way to Paystack: only a still pending order moves on.
_MARK_PROCESSING = (
    update(_orders)
    .where(_orders.c.id == bindparam("order_id"), _orders.c.status == OrderStatus.PENDING.value)
    .values(
        status=OrderStatus.PROCESSING.value,
        authorization_url=bindparam("new_authorization_url"),
        access_code=bindparam("new_access_code"),
        updated_at=_now,
    )
)


def mark_processing(
    batch: Connection, order_id: str, *, authorization_url: str, access_code: str, now: datetime
) -> CursorResult[Any]:
    """Move a pending order on to `processing` with its Paystack transaction; one row changes
    (`db.rows_changed`, after a batch) unless the order stopped waiting meanwhile."""
    values = {
        "order_id": order_id,
        "new_authorization_url": authorization_url,
        "new_access_code": access_code,
        "now": now,
    }
    return batch.execute(_MARK_PROCESSING, values)


@dataclass(frozen=True, slots=True)
class OrderState:
    id: str
    status: str


_ORDER_STATUS = select(_orders.c.id, _orders.c.status).where(_orders.c.reference == bindparam("reference"))


def order_state(connection: Connection, reference: str) -> OrderState | None:
    """The order paid under `reference` and its status, or None."""
    found = connection.execute(_ORDER_STATUS, {"reference": reference}).first()
    return None if found is None else _typed(OrderState, found)


# Fulfilment's claim: the first caller (return, webhook or reconciler) moves the order to completed.
_CLAIM_ORDER = (
    update(_orders)
    .where(_orders.c.id == bindparam("order_id"), _orders.c.status.not_in(SETTLED_ORDER_STATUSES))
    .values(
        status=OrderStatus.COMPLETED.value,
        holds_active=False,
        expires_at=None,
        paid_at=bindparam("new_paid_at", type_=_orders.c.paid_at.type),
        provider_fee=bindparam("new_provider_fee"),
        organizer_share=bindparam("new_organizer_share"),
        payment_channel=bindparam("new_payment_channel"),
        buyer_country=bindparam("new_buyer_country"),
        buyer_city=bindparam("new_buyer_city"),
        updated_at=_now,
    )
)
# The same claim, only while the order's seats are still held: its rowcount tells which seats to take.
_CLAIM_HELD_ORDER = _CLAIM_ORDER.where(_orders.c.holds_active.is_(True))


@dataclass(frozen=True, slots=True)
class Claim:
    """What settling writes on the order it claims."""

    order_id: str
    paid_at: datetime
    provider_fee: int
    organizer_share: int
    now: datetime
    payment_channel: str = ""  # as Paystack reports it: card, mobile_money, bank, ussd, …
    buyer_country: str = ""  # where the buyer paid from (buyer_places.py), "" unknown
    buyer_city: str = ""


def claim_order(connection: Connection, claim: Claim, *, held: bool) -> bool:
    """Complete the order for this caller alone; `held`: only while its seats are still held."""
    values = {
        "order_id": claim.order_id,
        "new_paid_at": claim.paid_at,
        "new_provider_fee": claim.provider_fee,
        "new_organizer_share": claim.organizer_share,
        "new_payment_channel": claim.payment_channel,
        "new_buyer_country": claim.buyer_country,
        "new_buyer_city": claim.buyer_city,
        "now": claim.now,
    }
    return connection.execute(_CLAIM_HELD_ORDER if held else _CLAIM_ORDER, values).rowcount == 1


_FLAGGED_REASON = select(_orders.c.flagged_reason, _orders.c.flagged_template, _orders.c.flagged_values).where(
    _orders.c.id == bindparam("order_id")
)


def flagged_reason(connection: Connection, order_id: str) -> str | None:
    """Why a payment that bought nothing was refunded (services/sales/returned_payments.py), as a
    Message the reader's layer says in their language (the English as stored for older flags)."""
    row = connection.execute(_FLAGGED_REASON, {"order_id": order_id}).one()
    return platform.stored_message(row.flagged_reason, row.flagged_template, row.flagged_values) if row[0] else None


@dataclass(frozen=True, slots=True)
class QuietPayment:
    id: str
    reference: str


_QUIET_PAYMENTS = (
    select(_orders.c.id, _orders.c.reference)
    .where(
        _orders.c.status == OrderStatus.PROCESSING.value,
        _orders.c.access_code.is_not(None),
        _orders.c.updated_at <= bindparam("cutoff"),
    )
    .order_by(_orders.c.updated_at)
    .limit(bindparam("limit"))
)
# Claiming an order moves it to the back of the line: the same cutoff, so only one worker wins it.
_CLAIM_QUIET_PAYMENT = (
    update(_orders)
    .where(
        _orders.c.id == bindparam("order_id"),
        _orders.c.status == OrderStatus.PROCESSING.value,
        _orders.c.updated_at <= bindparam("cutoff"),
    )
    .values(updated_at=bindparam("now"))
)


def quiet_payments(connection: Connection, cutoff: datetime, limit: int) -> list[QuietPayment]:
    """Orders at Paystack with no news since `cutoff`, the longest quiet first."""
    rows = connection.execute(_QUIET_PAYMENTS, {"cutoff": cutoff, "limit": limit})
    return [_typed(QuietPayment, row) for row in rows]


def claim_quiet_payment(batch: Connection, order_id: str, cutoff: datetime, now: datetime) -> CursorResult[Any]:
    """Move a quiet order to the back of the line; one row changes (`db.rows_changed`) for the
    worker that claimed it."""
    return batch.execute(_CLAIM_QUIET_PAYMENT, {"order_id": order_id, "cutoff": cutoff, "now": now})


# --- tickets --------------------------------------------------------------------------------------

_INSERT_TICKETS = insert(_tickets)
_TAKEN_CODES = select(_tickets.c.short_code).where(_tickets.c.short_code.in_(bindparam("codes", expanding=True)))


def taken_codes(connection: Connection, codes: Iterable[str]) -> set[str]:
    """Which of `codes` a ticket has already."""
    return set(connection.execute(_TAKEN_CODES, {"codes": list(codes)}).scalars())


def insert_tickets(connection: Connection, tickets: Sequence[Mapping[str, Any]]) -> None:
    connection.execute(_INSERT_TICKETS, tickets[0] if len(tickets) == 1 else list(tickets))


# --- refunds and cancels --------------------------------------------------------------------------


def claim_refund(connection: Connection, order_id: str, amount: int, now: datetime) -> bool:
    """Add `amount` to what the order has refunded, only while that stays within what was paid."""
    claimed = connection.execute(
        update(_orders)
        .where(
            _orders.c.id == order_id,
            _orders.c.status.in_(MONEY_HELD_STATUSES),
            _orders.c.refunded_amount + amount <= _orders.c.amount,
        )
        .values(refunded_amount=_orders.c.refunded_amount + amount, updated_at=now)
    )
    return claimed.rowcount == 1


def void_tickets(connection: Connection, order_id: str, ticket_ids: Sequence[str], status: str) -> int:
    """Move the order's valid tickets among `ticket_ids` to `status`; returns how many moved."""
    voided = connection.execute(
        update(_tickets)
        .where(
            _tickets.c.id.in_(ticket_ids),
            _tickets.c.order_id == order_id,
            _tickets.c.status == TicketStatus.VALID.value,
        )
        .values(status=status)
    )
    return voided.rowcount


def void_valid_tickets(connection: Connection, order_id: str, status: str) -> None:
    """Move every valid ticket of the order to `status`."""
    connection.execute(
        update(_tickets)
        .where(_tickets.c.order_id == order_id, _tickets.c.status == TicketStatus.VALID.value)
        .values(status=status)
    )


def cancel_completed_order(connection: Connection, order_id: str, now: datetime) -> bool:
    """Cancel a completed (free) order, once: True for the one caller that cancelled it."""
    closed = connection.execute(
        update(_orders)
        .where(_orders.c.id == order_id, _orders.c.status == OrderStatus.COMPLETED.value)
        .values(status=OrderStatus.CANCELLED.value, updated_at=now)
    )
    return closed.rowcount == 1


@dataclass(frozen=True, slots=True)
class TierSeats:
    """How many seats of a tier an order's tickets hold."""

    tier_id: str
    seats: int


def valid_seats_by_tier(connection: Connection, order_id: str) -> list[TierSeats]:
    """The order's valid tickets, counted per tier."""
    rows = connection.execute(
        select(_tickets.c.tier_id, func.count().label("seats"))
        .where(_tickets.c.order_id == order_id, _tickets.c.status == TicketStatus.VALID.value)
        .group_by(_tickets.c.tier_id)
    )
    return [_typed(TierSeats, row) for row in rows]


def valid_ticket_ids(connection: Connection, order_id: str) -> list[str]:
    rows = connection.execute(
        select(_tickets.c.id).where(_tickets.c.order_id == order_id, _tickets.c.status == TicketStatus.VALID.value)
    )
    return list(rows.scalars())


@dataclass(frozen=True, slots=True)
class OrderTicket:
    """One ticket of an order with its line's tier name and price (the refund dialog)."""

    id: str
    short_code: str
    tier_name: str
    unit_price: int
    status: str
    holder_id: str  # who holds it now: a transferred ticket is a new row of its recipient's


def order_tickets(connection: Connection, order_id: str) -> list[OrderTicket]:
    """The order's tickets, by tier name then code."""
    rows = connection.execute(
        select(
            _tickets.c.id,
            _tickets.c.short_code,
            _items.c.tier_name,
            _items.c.unit_price,
            _tickets.c.status,
            _tickets.c.holder_id,
        )
        .join(_items, _items.c.id == _tickets.c.order_item_id)
        .where(_tickets.c.order_id == order_id)
        .order_by(_items.c.tier_name, _tickets.c.short_code)
    )
    return [_typed(OrderTicket, row) for row in rows]


@dataclass(frozen=True, slots=True)
class OrderForRefund:
    """An order as refunding or cancelling it reads it."""

    id: str
    reference: str
    buyer_id: str
    event_id: str
    workspace_id: str
    status: str
    amount: int
    refunded_amount: int
    currency: str
    payment_channel: str  # the rollups count a refund under the channel the sale came in by


_ORDER_FOR_REFUND = select(
    _orders.c.id,
    _orders.c.reference,
    _orders.c.buyer_id,
    _orders.c.event_id,
    _orders.c.workspace_id,
    _orders.c.status,
    _orders.c.amount,
    _orders.c.refunded_amount,
    _orders.c.currency,
    _orders.c.payment_channel,
)


def order_for_refund(connection: Connection, order_id: str) -> OrderForRefund | None:
    found = connection.execute(_ORDER_FOR_REFUND.where(_orders.c.id == order_id)).first()
    return None if found is None else _typed(OrderForRefund, found)


def paid_orders(connection: Connection, event_id: str) -> list[OrderForRefund]:
    """The event's orders holding money, free ones left out (a cancelled event refunds these)."""
    rows = connection.execute(
        _ORDER_FOR_REFUND.where(
            _orders.c.event_id == event_id, _orders.c.status.in_(MONEY_HELD_STATUSES), _orders.c.amount > 0
        )
    )
    return [_typed(OrderForRefund, row) for row in rows]


def set_order_status(connection: Connection, order_id: str, status: str, now: datetime) -> None:
    connection.execute(update(_orders).where(_orders.c.id == order_id).values(status=status, updated_at=now))


def give_back_refund_claim(connection: Connection, order_id: str, amount: int, now: datetime) -> None:
    """A refund that failed: what it claimed on the order can be refunded again."""
    connection.execute(
        update(_orders)
        .where(_orders.c.id == order_id, _orders.c.refunded_amount >= amount)
        .values(refunded_amount=_orders.c.refunded_amount - amount, updated_at=now)
    )


def refunded_seats_by_tier(connection: Connection, ticket_ids: Sequence[str]) -> list[TierSeats]:
    """The tickets among `ticket_ids` that a refund voided, counted per tier."""
    rows = connection.execute(
        select(_tickets.c.tier_id, func.count().label("seats"))
        .where(_tickets.c.id.in_(ticket_ids), _tickets.c.status == TicketStatus.REFUNDED.value)
        .group_by(_tickets.c.tier_id)
    )
    return [_typed(TierSeats, row) for row in rows]


def restore_refunded_tickets(connection: Connection, ticket_ids: Sequence[str]) -> None:
    """A refund that failed: the tickets it voided admit their holders again."""
    connection.execute(
        update(_tickets)
        .where(_tickets.c.id.in_(ticket_ids), _tickets.c.status == TicketStatus.REFUNDED.value)
        .values(status=TicketStatus.VALID.value)
    )


@dataclass(frozen=True, slots=True)
class DueRefund:
    """A queued refund due at Paystack, with the reference of the payment it returns."""

    id: str
    reference: str


def due_refunds(connection: Connection, now: datetime, limit: int) -> list[DueRefund]:
    """Queued refunds due and not claimed by a worker, oldest first."""
    rows = connection.execute(
        select(_refunds.c.id, _orders.c.reference)
        .join(_orders, _orders.c.id == _refunds.c.order_id)
        .where(
            _refunds.c.status == RefundStatus.QUEUED.value,
            _refunds.c.next_attempt_at <= now,
            or_(_refunds.c.locked_until.is_(None), _refunds.c.locked_until < now),
        )
        .order_by(_refunds.c.created_at)
        .limit(limit)
    )
    return [_typed(DueRefund, row) for row in rows]


@dataclass(frozen=True, slots=True)
class OpenRefund:
    """A refund still open at Paystack, with the reference of the payment it returns."""

    id: str
    status: str
    provider_refund_id: int | None
    reference: str


def stale_refunds(connection: Connection, now: datetime, quiet_since: datetime, limit: int) -> list[OpenRefund]:
    """Open refunds unchanged since `quiet_since` (queued ones only once their retry is due),
    the longest unchanged first."""
    rows = connection.execute(
        select(_refunds.c.id, _refunds.c.status, _refunds.c.provider_refund_id, _orders.c.reference)
        .join(_orders, _orders.c.id == _refunds.c.order_id)
        .where(
            _refunds.c.status.in_(OPEN_REFUND_STATUSES),
            _refunds.c.updated_at < quiet_since,
            or_(_refunds.c.status != RefundStatus.QUEUED.value, _refunds.c.next_attempt_at <= now),
        )
        .order_by(_refunds.c.updated_at)
        .limit(limit)
    )
    return [_typed(OpenRefund, row) for row in rows]


def close_unsettled_order(connection: Connection, order_id: str, status: str, now: datetime) -> bool:
    """Close an order that holds no seats and is not settled as `status`, once."""
    closed = connection.execute(
        update(_orders)
        .where(_orders.c.id == order_id, _orders.c.status.not_in(SETTLED_ORDER_STATUSES))
        .values(status=status, updated_at=now)
    )
    return closed.rowcount == 1


def flag_order(connection: Connection, order_id: str, reason: str) -> None:
    """Say on the order why it ended as it did (a payment that bought nothing); a Message `reason` is
    kept as its sentence and values too, so each reader reads it in their language."""
    template, values = platform.kept_message(reason)
    connection.execute(
        update(_orders)
        .where(_orders.c.id == order_id)
        .values(flagged_reason=str(reason)[:500], flagged_template=template, flagged_values=values)
    )


# --- door scans -----------------------------------------------------------------------------------

_holder = _users.alias("holder")
_scanner = _users.alias("scanner")


def _name(person: Alias) -> ColumnElement[str]:
    """Full name, or the username when none was given."""
    return func.coalesce(func.nullif(person.c.full_name, ""), person.c.username)


@dataclass(frozen=True, slots=True)
class ScannedTicket:
    """The scanned ticket as one query reads it: enough to explain any result without another."""

    id: str
    short_code: str
    event_id: str
    status: str
    secret_version: int
    used_at: datetime | None
    holder_name: str
    tier_name: str
    scanner_name: str
    order_id: str = ""
    tier_id: str = ""


# Everything a result shows about a ticket: holder, tier, and who scanned it in.
_TICKET_COLUMNS = (
    _tickets.c.id.label("ticket_id"),
    _tickets.c.short_code,
    _tickets.c.event_id.label("ticket_event_id"),
    _tickets.c.order_id,
    _tickets.c.tier_id,
    _tickets.c.status,
    _tickets.c.secret_version,
    _tickets.c.used_at,
    # The door greets the ticket's attendee when one was named (checkout, transfer), else its holder.
    func.coalesce(func.nullif(_tickets.c.attendee_name, ""), _name(_holder)).label("holder_name"),
    _items.c.tier_name,
    func.coalesce(_name(_scanner), "").label("scanner_name"),
)
_TICKET_JOIN = (
    _tickets.join(_holder, _holder.c.id == _tickets.c.holder_id)
    .join(_items, _items.c.id == _tickets.c.order_item_id)
    .outerjoin(_scanner, _scanner.c.id == _tickets.c.used_by_id)
)
_TICKET_BY_ID = select(*_TICKET_COLUMNS).select_from(_TICKET_JOIN).where(_tickets.c.id == bindparam("key"))
_TICKET_BY_CODE = select(*_TICKET_COLUMNS).select_from(_TICKET_JOIN).where(_tickets.c.short_code == bindparam("key"))


def _scanned(values: Mapping[str, Any]) -> ScannedTicket:
    return ScannedTicket(
        id=values["ticket_id"],
        short_code=values["short_code"],
        event_id=values["ticket_event_id"],
        status=values["status"],
        secret_version=values["secret_version"],
        used_at=values["used_at"],
        holder_name=values["holder_name"],
        tier_name=values["tier_name"],
        scanner_name=values["scanner_name"],
        order_id=values["order_id"],
        tier_id=values["tier_id"],
    )


def scanned_ticket(connection: Connection, key: str, *, by_code: bool) -> ScannedTicket | None:
    """The ticket with this id (or short code), in any event."""
    found = connection.execute(_TICKET_BY_CODE if by_code else _TICKET_BY_ID, {"key": key}).first()
    return None if found is None else _scanned(found._mapping)


@dataclass(frozen=True, slots=True)
class Door:
    """An event at its door: the scanning user's role in its workspace (None: not a member) and
    the ticket the scan names, in any event (None: none)."""

    event_id: str
    timezone: str
    end_at: datetime
    role: str | None
    ticket: ScannedTicket | None
    check_ins_subscribed: bool = False  # a webhook endpoint of the workspace takes ticket.checked_in


def _door_and(ticket_key: ColumnElement[str]) -> Select:
    return (
        select(
            _events.c.id,
            _events.c.timezone,
            _events.c.end_at,
            _members.c.role,
            platform.subscribed_to_webhook(_events.c.workspace_id, WebhookEventType.TICKET_CHECKED_IN).label(
                "check_ins_subscribed"
            ),
            *_TICKET_COLUMNS,
        )
        .select_from(
            _events.outerjoin(
                _members,
                and_(_members.c.workspace_id == _events.c.workspace_id, _members.c.user_id == bindparam("actor_id")),
            ).outerjoin(_TICKET_JOIN, ticket_key == bindparam("key"))
        )
        .where(or_(_events.c.id == bindparam("ref"), _events.c.short_id == bindparam("ref")))
        .limit(1)
    )


_DOOR_AND_TICKET_BY_ID = _door_and(_tickets.c.id)
_DOOR_AND_TICKET_BY_CODE = _door_and(_tickets.c.short_code)


def door(connection: Connection, actor_id: str, event_ref: str, key: str, *, by_code: bool) -> Door | None:
    """The event (by id or short id), the actor's role, the ticket `key` names ("" names none) and
    whether a check-in is told to a webhook endpoint, in one round trip; None when there is no such event."""
    statement = _DOOR_AND_TICKET_BY_CODE if by_code else _DOOR_AND_TICKET_BY_ID
    found = connection.execute(statement, {"actor_id": actor_id, "ref": event_ref, "key": key}).first()
    if found is None:
        return None
    values = found._mapping
    ticket = _scanned(values) if values["ticket_id"] is not None else None
    return Door(
        event_id=values["id"],
        timezone=values["timezone"],
        end_at=values["end_at"],
        role=values["role"],
        ticket=ticket,
        check_ins_subscribed=bool(values["check_ins_subscribed"]),
    )


# An entry's one write to its ticket's row. A valid ticket becomes used: the CASEs read the row as it
# is at the write, so of two devices entering one ticket together exactly one sets who and when. Every
# ticket is touched too (`updated_at`, by its onupdate): door devices' next delta brings the new pass.
# One UPDATE, where a touch and then a guarded admit were two on the same row.
_IS_VALID = _tickets.c.status == TicketStatus.VALID.value
_ENTER = (
    update(_tickets)
    .where(_tickets.c.id == bindparam("ticket_id"))
    .values(
        status=case((_IS_VALID, TicketStatus.USED.value), else_=_tickets.c.status),
        used_at=case((_IS_VALID, bindparam("at", type_=_tickets.c.used_at.type)), else_=_tickets.c.used_at),
        used_by_id=case((_IS_VALID, bindparam("actor_id")), else_=_tickets.c.used_by_id),
    )
)
_LOG_SCAN = insert(TicketScan.__table__)


def enter(connection: Connection, ticket_id: str, actor_id: str, at: datetime) -> None:
    """An entry pass was written: the ticket is touched, and used from now if it was valid."""
    connection.execute(_ENTER, {"ticket_id": ticket_id, "at": at, "actor_id": actor_id})


# Undoing a check-in: only a ticket that is used at the instant of the write goes back to valid.
_UNADMIT = (
    update(_tickets)
    .where(_tickets.c.id == bindparam("ticket_id"), _tickets.c.status == TicketStatus.USED.value)
    .values(status=TicketStatus.VALID.value, used_at=None, used_by_id=None)
)


def unadmit(connection: Connection, ticket_id: str) -> bool:
    """Put a used ticket back to valid (a check-in undone); True when this call changed it."""
    return connection.execute(_UNADMIT, {"ticket_id": ticket_id}).rowcount == 1


def log_scan(connection: Connection, scan: Mapping[str, Any]) -> None:
    connection.execute(_LOG_SCAN, scan)


@dataclass(frozen=True, slots=True)
class DoorCounts:
    checked_in: int
    sold: int


def door_counts(connection: Connection, event_id: str) -> DoorCounts:
    """The event's admitting tickets: how many were used, and all of them."""
    return door_counts_of(connection, [event_id])[event_id]


def door_counts_of(connection: Connection, event_ids: Sequence[str]) -> dict[str, DoorCounts]:
    """`door_counts` of several events in one statement (the analytics page's events)."""
    rows = connection.execute(
        select(_tickets.c.event_id, _tickets.c.status, func.count().label("tickets"))
        .where(_tickets.c.event_id.in_(event_ids), _tickets.c.status.in_(ADMISSION_STATUSES))
        .group_by(_tickets.c.event_id, _tickets.c.status)
    )
    by_event: dict[str, dict[str, int]] = {event_id: {} for event_id in event_ids}
    for row in rows:
        by_event[row.event_id][row.status] = int(row.tickets)
    return {
        event_id: DoorCounts(checked_in=by_status.get(TicketStatus.USED, 0), sold=sum(by_status.values()))
        for event_id, by_status in by_event.items()
    }


# --- Paystack webhook deliveries -------------------------------------------------------------------

_RECORD_WEBHOOK = insert(_webhooks)
_last_try = func.min(func.coalesce(_webhooks.c.rechecked_at, _webhooks.c.received_at))
# Through the partial index ix_payment_webhooks_unconfirmed: only unconfirmed rows are in it.
_UNCONFIRMED_CHARGES = (
    select(_webhooks.c.reference)
    .where(_webhooks.c.outcome == UNCONFIRMED_WEBHOOK, _webhooks.c.event_type == "charge.success")
    .group_by(_webhooks.c.reference)
    .having(_last_try <= bindparam("cutoff", type_=_webhooks.c.received_at.type))
    .order_by(_last_try)
    .limit(bindparam("limit"))
)
_CONFIRMED = (
    update(_webhooks)
    .where(_webhooks.c.reference == bindparam("ref"), _webhooks.c.outcome == UNCONFIRMED_WEBHOOK)
    .values(outcome=bindparam("new_outcome"))
)
_STILL_UNCONFIRMED = (
    update(_webhooks)
    .where(_webhooks.c.reference == bindparam("ref"), _webhooks.c.outcome == UNCONFIRMED_WEBHOOK)
    .values(rechecked_at=bindparam("now", type_=_webhooks.c.rechecked_at.type))
)


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """A verified Paystack delivery, as received."""

    id: str
    event_type: str
    reference: str | None
    body: str
    received_at: datetime


def record_webhook(batch: Connection, delivery: WebhookDelivery, outcome: str | None) -> None:
    """Keep the delivery with what it did (None: acting on it failed)."""
    batch.execute(
        _RECORD_WEBHOOK,
        {
            "id": delivery.id,
            "event_type": delivery.event_type,
            "reference": delivery.reference,
            "signature_valid": True,
            "body": delivery.body,
            "received_at": delivery.received_at,
            "outcome": outcome,
        },
    )


def unconfirmed_charges(connection: Connection, cutoff: datetime, limit: int) -> list[str]:
    """References of `charge.success` deliveries still unconfirmed, last tried before `cutoff`,
    the longest waiting first."""
    return list(connection.execute(_UNCONFIRMED_CHARGES, {"cutoff": cutoff, "limit": limit}).scalars())


def confirm_webhooks(batch: Connection, reference: str, outcome: str) -> None:
    batch.execute(_CONFIRMED, {"ref": reference, "new_outcome": outcome})


def note_recheck(batch: Connection, reference: str, now: datetime) -> None:
    batch.execute(_STILL_UNCONFIRMED, {"ref": reference, "now": now})
