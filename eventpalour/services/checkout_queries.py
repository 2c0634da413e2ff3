"""The SQL of a checkout rush, built once at import: who is signing in, placing an order, paying.

Every buyer of a popular event runs these, many per second, so they are prepared Core statements
with bound parameters returning plain rows, not ORM queries composed per call and turned into
objects: composing and object building were most of an order's CPU time (the scanner's path made
the same change, services/scan_queries.py). The rules that use them live in services/auth.py,
services/checkout.py and services/payments.py.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, bindparam, insert, or_, select, update

from eventpalour.models import (
    OPEN_ORDER_STATUSES,
    SETTLED_ORDER_STATUSES,
    TIER_SEATS,
    Event,
    Order,
    OrderItem,
    OrderStatus,
    PlatformAdmin,
    TicketTier,
    User,
    UserSession,
    Workspace,
)
from eventpalour.models.user import is_verified_sql

_sessions = UserSession.__table__
_users = User.__table__
_admins = PlatformAdmin.__table__
_events = Event.__table__
_tiers = TicketTier.__table__
_orders = Order.__table__
_items = OrderItem.__table__
_workspaces = Workspace.__table__
_now = bindparam("now", type_=_orders.c.updated_at.type)

# The session behind a cookie, its user and their admin level (NULL: not an admin).
SIGNED_IN_USER = (
    select(
        _sessions.c.id.label("session_id"),
        _sessions.c.expires_at,
        _sessions.c.last_seen_at,
        _users.c.id,
        _users.c.email,
        _users.c.username,
        _users.c.full_name,
        _users.c.avatar_url,
        _users.c.account_type,
        is_verified_sql(_users).label("is_verified"),
        _users.c.status,
        _admins.c.level.label("admin_level"),
    )
    .select_from(
        _sessions.join(_users, _users.c.id == _sessions.c.user_id).outerjoin(_admins, _admins.c.user_id == _users.c.id)
    )
    .where(_sessions.c.token_hash == bindparam("digest"))
)

# An event (by id or short id) with each of its tiers, one row per tier (tier columns NULL when none).
EVENT_AND_TIERS = (
    select(
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
    .select_from(_events.outerjoin(_tiers, _tiers.c.event_id == _events.c.id))
    .where(or_(_events.c.id == bindparam("ref"), _events.c.short_id == bindparam("ref")))
)

INSERT_ORDER = insert(_orders)
INSERT_ITEMS = insert(_items)


# What an order's confirmation email says about the event and its organizer, and where it goes
# (services/fulfilment.py); they need the event, its workspace and the buyer joined in.
CONFIRMATION_COLUMNS = (
    _users.c.email,
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
)


def _order_with_event(match: ColumnElement[bool]) -> Select:
    """An order as paying for it and settling it read it: with its event's status and what its
    confirmation email needs, so settling issues the tickets without another round trip."""
    return (
        select(
            _orders.c.id,
            _orders.c.reference,
            _orders.c.status,
            _orders.c.buyer_id,
            _orders.c.event_id,
            _orders.c.amount,
            _orders.c.currency,
            _orders.c.platform_fee,
            _orders.c.holds_active,
            _orders.c.expires_at,
            _orders.c.authorization_url,
            _events.c.status.label("event_status"),
            *CONFIRMATION_COLUMNS,
        )
        .select_from(
            _orders.join(_events, _events.c.id == _orders.c.event_id)
            .join(_workspaces, _workspaces.c.id == _events.c.workspace_id)
            .join(_users, _users.c.id == _orders.c.buyer_id)
        )
        .where(match)
    )


# Starting a payment (by order id), and settling one (by the Paystack reference).
ORDER_TO_PAY = _order_with_event(_orders.c.id == bindparam("order_id"))
ORDER_TO_SETTLE = _order_with_event(_orders.c.reference == bindparam("reference"))

# The buyer is on the way to Paystack: only a still pending order moves on.
MARK_PROCESSING = (
    update(_orders)
    .where(_orders.c.id == bindparam("order_id"), _orders.c.status == OrderStatus.PENDING.value)
    .values(
        status=OrderStatus.PROCESSING.value,
        authorization_url=bindparam("new_authorization_url"),
        access_code=bindparam("new_access_code"),
        updated_at=_now,
    )
)

# Close an open order whose seats are held; the flag makes it happen once (services/checkout.release_order).
CLOSE_HOLDING_ORDER = (
    update(_orders)
    .where(
        _orders.c.id == bindparam("order_id"),
        _orders.c.holds_active.is_(True),
        _orders.c.status.in_(OPEN_ORDER_STATUSES),
    )
    .values(status=bindparam("new_status"), holds_active=False, updated_at=_now)
)
ORDER_ITEMS = select(_items.c.id, _items.c.tier_id, _items.c.tier_name, _items.c.quantity).where(
    _items.c.order_id == bindparam("order_id")
)

# The buyer's order holding seats for an event (at most one: the orders' `uq_orders_open_hold`).
OPEN_HOLD_OF_BUYER = select(_orders.c.id, _orders.c.status, _orders.c.expires_at).where(
    _orders.c.buyer_id == bindparam("buyer_id"),
    _orders.c.event_id == bindparam("event_id"),
    _orders.c.holds_active.is_(True),
)
# Close that order for a newer checkout, only while no payment can reach it (services/checkout.py
# `_replace_open_hold`): its Paystack transaction was never handed to the buyer, or its hold is over.
REPLACE_OPEN_HOLD = (
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

ORDER_STATUS = select(_orders.c.id, _orders.c.status).where(_orders.c.reference == bindparam("reference"))

# Fulfilment's claim: the first caller (return, webhook or reconciler) moves the order to completed.
CLAIM_ORDER = (
    update(_orders)
    .where(_orders.c.id == bindparam("order_id"), _orders.c.status.not_in(SETTLED_ORDER_STATUSES))
    .values(
        status=OrderStatus.COMPLETED.value,
        holds_active=False,
        expires_at=None,
        paid_at=bindparam("new_paid_at", type_=_orders.c.paid_at.type),
        provider_fee=bindparam("new_provider_fee"),
        organizer_share=bindparam("new_organizer_share"),
        updated_at=_now,
    )
)
# The same claim, only while the order's seats are still held: its rowcount tells which seats to take.
CLAIM_HELD_ORDER = CLAIM_ORDER.where(_orders.c.holds_active.is_(True))
