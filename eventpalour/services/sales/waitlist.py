"""Waitlists of sold-out tiers (#19 §4): joining and leaving the line, and offering seats that come back.

An offer is an ordinary pending order for the person at the front of the line, its seats held by
`capacity.hold` like any checkout's, expiring after the event's `waitlist_offer_minutes`. So the one
capacity rule (`TierSeats`: sold + held fit the quantity) is what keeps offered seats from being
sold to anybody else, paying the order (the event page shows it as the visitor's hold) is claiming
the offer, and `checkout.expire_holds` ending it is the offer expiring.

Seats come back through `checkout.release_order` (hold expiry, cancel, failed payment), which calls
`pass_on` in its own transaction: the seats go to the line before any other buyer can see them (on
PostgreSQL the tier row stays locked by the release until COMMIT). The tier editor does the same for
a raised quantity (`events.tiers.save_tiers`), a processed refund (`paystack_refunds`) and a
cancelled free registration (`refunds.cancel_free_order`): each calls `pass_on` in the transaction
that gives the seats back. Seats that come back any other way (a replaced hold) are offered by
`offer_free_seats`, which the housekeeping loop runs after expiring holds. Each entry goes from
waiting to offered by one conditional UPDATE in the transaction that holds its seats, so an entry is
never offered twice.

A free tier's offer is claimed by registering (services/sales/waitlist_claims.py, which also asks the
event's attendee questions for the offered tickets).

Offers are partial when fewer seats came back than the person asked for: the front of the line gets
what there is (up to their quantity) rather than waiting behind nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import (
    OPEN_ORDER_STATUSES,
    SELLING_EVENT_STATUSES,
    SETTLED_ORDER_STATUSES,
    TIER_SEATS,
    Event,
    EventPricing,
    Order,
    OrderStatus,
    TicketTier,
    User,
    WaitlistEntry,
    WaitlistStatus,
)
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    Message,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    enqueue,
    event_when,
    format_money,
    language_or_default,
    message,
    ticket_count_words,
    waitlist_offer_email,
)
from eventpalour.services.sales import capacity, fees
from eventpalour.services.sales import store as sales_store
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

logger = logging.getLogger("eventpalour.waitlist")

DEFAULT_OFFER_MINUTES = 30
MIN_OFFER_MINUTES = 5
MAX_OFFER_MINUTES = 1440

_entries = WaitlistEntry.__table__
_tiers = TicketTier.__table__
_events = Event.__table__
_orders = Order.__table__
_users = User.__table__

_stale_line: ContextVar[dict[str, list[Any]] | None] = ContextVar("waitlist_stale_line", default=None)


@contextmanager
def offer_guard_disabled_for_tests(line_read_before: dict[str, list[Any]]) -> Iterator[None]:
    """Offer to the people of `line_read_before` (per tier: `waiting_now`, read before the release's
    transaction) and mark them offered unconditionally: the check-then-act race that reading the line
    inside the releasing transaction, under the tier row's lock, and the conditional UPDATE prevent."""
    token = _stale_line.set(line_read_before)
    try:
        yield
    finally:
        _stale_line.reset(token)


def offer_minutes_refusal(minutes: int | None) -> str | None:
    """Why `minutes` cannot be an event's offer window, or None."""
    if minutes is None or not MIN_OFFER_MINUTES <= minutes <= MAX_OFFER_MINUTES:
        return message(
            N_("Enter a number of minutes from {least} to {most}."), least=MIN_OFFER_MINUTES, most=MAX_OFFER_MINUTES
        )
    return None


# ---- joining and leaving -------------------------------------------------------------------------


@dataclass(frozen=True)
class TierForWaitlist:
    id: str
    name: str
    event_id: str
    waitlist: bool
    seats_left: int | None
    max_per_order: int
    price: int
    event_status: str
    event_end: datetime
    event_pricing: str


_TIER_FOR_WAITLIST = (
    select(
        _tiers.c.id,
        _tiers.c.name,
        _tiers.c.event_id,
        _tiers.c.waitlist,
        TIER_SEATS.left.label("seats_left"),
        _tiers.c.max_per_order,
        _tiers.c.price,
        _events.c.status.label("event_status"),
        _events.c.end_at.label("event_end"),
        _events.c.pricing.label("event_pricing"),
    )
    .join(_events, _events.c.id == _tiers.c.event_id)
    .where(_tiers.c.id == bindparam("tier_id"), _tiers.c.hidden.is_(False))
)


_EVENT_ID_OF = select(_events.c.id).where(or_(_events.c.id == bindparam("ref"), _events.c.short_id == bindparam("ref")))


def _event_id_of(connection: Connection, ref: str) -> str:
    """The id of the event `ref` names (its id or its short id, as in its page's URL)."""
    found = connection.execute(_EVENT_ID_OF, {"ref": ref or ""}).scalar()
    if found is None:
        raise NotFound(N_("This event does not exist."))
    return found


def _selling(status: str, end_at: datetime, now: datetime) -> bool:
    return status in SELLING_EVENT_STATUSES and end_at > now


def _joinable(tier: TierForWaitlist, now: datetime) -> bool:
    """The tier takes a waitlist now: switched on, sold out, its event still selling."""
    return tier.waitlist and tier.seats_left == 0 and _selling(tier.event_status, tier.event_end, now)


def join_waitlist(*, actor: UserSummary | None, event_id: str, tier_id: str, quantity: int) -> WaitlistSpot:
    """Put the actor in line for `quantity` seats of a sold-out tier (signed in, email verified,
    once per tier at a time, at most the tier's per-order cap)."""
    if actor is None:
        raise NotAuthenticated()
    if not actor.is_verified:
        raise PermissionDenied(N_("Verify your email address to join a waitlist."))
    now = utcnow()
    with transaction() as session:
        connection = session.connection()
        event_id = _event_id_of(connection, event_id)
        found = connection.execute(_TIER_FOR_WAITLIST, {"tier_id": tier_id or ""}).first()
        if found is None or found.event_id != event_id:
            raise NotFound(N_("This ticket is not offered for this event."))
        tier = TierForWaitlist(**found._mapping)
        if not tier.waitlist:
            raise Conflict(N_("{name} has no waitlist."), values={"name": tier.name})
        if not _selling(tier.event_status, tier.event_end, now):
            raise Conflict(N_("This event is not selling tickets."))
        if tier.seats_left != 0:
            raise Conflict(N_("{name} is not sold out: buy your tickets now."), values={"name": tier.name})
        if not isinstance(quantity, int) or not 1 <= quantity <= tier.max_per_order:
            raise ValidationFailed.field(
                "quantity", N_("Choose from 1 to {max_per_order} tickets."), max_per_order=tier.max_per_order
            )
        # A free event takes one registration per person (checkout's rule): a waitlist seat for
        # someone already registered could never be claimed, and would only delay the next person.
        if tier.event_pricing == EventPricing.FREE and sales_store.has_completed_order(connection, actor.id, event_id):
            raise Conflict(N_("You are already registered for this event."))
        if _open_offer(connection, tier.id, actor.id) is not None:
            raise Conflict(
                N_("Seats of {name} are already held for you: pay for them on this page."), values={"name": tier.name}
            )
        try:
            with connection.begin_nested():
                connection.execute(
                    insert(_entries),
                    {
                        "id": new_id(),
                        "event_id": event_id,
                        "tier_id": tier.id,
                        "user_id": actor.id,
                        "quantity": quantity,
                        "status": WaitlistStatus.WAITING.value,
                        "created_at": now,
                    },
                )
        except IntegrityError:
            raise Conflict(N_("You are already on the waitlist for {name}."), values={"name": tier.name}) from None
    logger.info("waitlist joined tier=%s user=%s quantity=%d", tier_id, actor.id, quantity)
    spots = my_waitlist(actor=actor, event_id=event_id)
    return spots[tier_id]


def leave_waitlist(*, actor: UserSummary | None, event_id: str, tier_id: str) -> None:
    """Take the actor out of the line for the tier (an offer already made stays theirs to pay)."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        connection = session.connection()
        event_id = _event_id_of(connection, event_id)
        left = connection.execute(
            update(_entries)
            .where(
                _entries.c.event_id == event_id,
                _entries.c.tier_id == tier_id,
                _entries.c.user_id == actor.id,
                _entries.c.status == WaitlistStatus.WAITING.value,
            )
            .values(status=WaitlistStatus.LEFT.value)
        )
        if left.rowcount != 1:
            raise NotFound(N_("You are not on this waitlist."))


def forget_waiting_of(session: Session, user_id: str, _address: str) -> int:
    """An account being erased leaves every line it waits in (its offers are orders: kept, as money
    records are), in the caller's transaction, so no offer is ever made to the tombstone."""
    return session.execute(
        update(_entries)
        .where(_entries.c.user_id == user_id, _entries.c.status == WaitlistStatus.WAITING.value)
        .values(status=WaitlistStatus.LEFT.value)
    ).rowcount


_OPEN_OFFER = select(_entries.c.id).join(_orders, _orders.c.id == _entries.c.order_id)


def _open_offer(connection: Connection, tier_id: str, user_id: str) -> str | None:
    return connection.execute(
        _OPEN_OFFER.where(
            _entries.c.tier_id == tier_id,
            _entries.c.user_id == user_id,
            _orders.c.holds_active.is_(True),
            _orders.c.status.in_(OPEN_ORDER_STATUSES),
        )
    ).scalar()


# ---- what the event page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class WaitlistSpot:
    """The visitor's place in a tier's line."""

    tier_id: str
    position: int  # 1 is next
    quantity: int
    can_leave: bool


@dataclass(frozen=True)
class TierWaitlist:
    """A tier's waitlist as the event page shows it to the visitor."""

    tier_id: str
    can_join: bool  # sold out, waitlist on, event selling, and the visitor not in line
    max_quantity: int
    spot: WaitlistSpot | None


def my_waitlist(*, actor: UserSummary | None, event_id: str) -> dict[str, WaitlistSpot]:
    """The actor's waiting entries for the event's tiers, with their place in line."""
    if actor is None:
        return {}
    earlier = _entries.alias("earlier")
    ahead = (
        select(func.count())
        .select_from(earlier)
        .where(
            earlier.c.tier_id == _entries.c.tier_id,
            earlier.c.status == WaitlistStatus.WAITING.value,
            earlier.c.created_at <= _entries.c.created_at,
        )
        .correlate(_entries)
        .scalar_subquery()
    )
    with read_only() as reader:
        connection = reader.connection()
        event_id = _event_id_of(connection, event_id)
        rows = connection.execute(
            select(_entries.c.tier_id, _entries.c.quantity, ahead.label("position")).where(
                _entries.c.event_id == event_id,
                _entries.c.user_id == actor.id,
                _entries.c.status == WaitlistStatus.WAITING.value,
            )
        )
        return {row.tier_id: WaitlistSpot(row.tier_id, row.position, row.quantity, True) for row in rows}


def event_waitlists(*, actor: UserSummary | None, event_id: str) -> dict[str, TierWaitlist]:
    """Per tier of the event with a waitlist: whether the visitor may join it now, and their spot."""
    now = utcnow()
    with read_only() as reader:
        connection = reader.connection()
        event_id = _event_id_of(connection, event_id)
        rows = connection.execute(
            select(
                _tiers.c.id,
                _tiers.c.max_per_order,
                TIER_SEATS.left.label("left"),
                _events.c.status,
                _events.c.end_at,
            )
            .join(_events, _events.c.id == _tiers.c.event_id)
            .where(_tiers.c.event_id == event_id, _tiers.c.waitlist.is_(True), _tiers.c.hidden.is_(False))
        ).all()
    spots = my_waitlist(actor=actor, event_id=event_id)
    return {
        row.id: TierWaitlist(
            tier_id=row.id,
            can_join=row.left == 0 and _selling(row.status, row.end_at, now) and row.id not in spots,
            max_quantity=row.max_per_order,
            spot=spots.get(row.id),
        )
        for row in rows
    }


# ---- offering seats that come back ---------------------------------------------------------------


@dataclass(frozen=True)
class _TierToOffer:
    id: str
    name: str
    price: int
    seats_left: int | None
    event_id: str
    short_id: str
    title: str
    workspace_id: str
    currency: str
    fee_mode: str
    timezone: str
    offer_minutes: int
    status: str
    end_at: datetime
    sales_end: datetime | None
    refund_policy: str
    refund_days: int | None
    refund_policy_text: str


_TIER_TO_OFFER = (
    select(
        _tiers.c.id,
        _tiers.c.name,
        _tiers.c.price,
        TIER_SEATS.left.label("seats_left"),
        _events.c.id.label("event_id"),
        _events.c.short_id,
        _events.c.title,
        _events.c.workspace_id,
        _events.c.currency,
        _events.c.fee_mode,
        _events.c.timezone,
        _events.c.waitlist_offer_minutes.label("offer_minutes"),
        _events.c.status,
        _events.c.end_at,
        _tiers.c.sales_end,
        _events.c.refund_policy,
        _events.c.refund_days,
        _events.c.refund_policy_text,
    )
    .join(_events, _events.c.id == _tiers.c.event_id)
    .where(_tiers.c.id == bindparam("tier_id"), _tiers.c.waitlist.is_(True))
)
_NEXT_WAITING = (
    select(_entries.c.id, _entries.c.user_id, _entries.c.quantity, _users.c.email, _users.c.language)
    .join(_users, _users.c.id == _entries.c.user_id)
    .where(_entries.c.tier_id == bindparam("tier_id"), _entries.c.status == WaitlistStatus.WAITING.value)
    .order_by(_entries.c.created_at, _entries.c.id)
    .limit(bindparam("limit"))
)
_MARK_OFFERED = (
    update(_entries)
    .where(_entries.c.id == bindparam("entry_id"), _entries.c.status == WaitlistStatus.WAITING.value)
    .values(
        status=WaitlistStatus.OFFERED.value,
        order_id=bindparam("order_id"),
        offered_quantity=bindparam("offered"),
        offered_at=bindparam("now"),
    )
)
_MARK_OFFERED_UNGUARDED = (
    update(_entries)
    .where(_entries.c.id == bindparam("entry_id"))
    .values(
        status=WaitlistStatus.OFFERED.value,
        order_id=bindparam("order_id"),
        offered_quantity=bindparam("offered"),
        offered_at=bindparam("now"),
    )
)


def pass_on(connection: Connection, tier_ids: Iterable[str]) -> int:
    """Offer the seats now free in `tier_ids` to the people waiting for them, inside the caller's
    transaction (which has just given seats back, so on PostgreSQL it holds the tier rows' locks).
    Returns how many offers were made."""
    now = utcnow()
    offers = 0
    for tier_id in sorted(set(tier_ids)):
        offers += _offer_tier(connection, tier_id, now)
    return offers


def _offer_tier(connection: Connection, tier_id: str, now: datetime) -> int:
    found = connection.execute(_TIER_TO_OFFER, {"tier_id": tier_id}).first()
    if found is None:
        return 0
    tier = _TierToOffer(**found._mapping)
    if tier.seats_left is None or tier.seats_left <= 0 or not _selling(tier.status, tier.end_at, now):
        return 0
    if tier.sales_end is not None and tier.sales_end <= now:
        return 0
    left = tier.seats_left
    stale = _stale_line.get()
    unguarded = stale is not None
    waiting = stale.get(tier_id, []) if stale is not None else _next_waiting(connection, tier_id, left)
    offers = 0
    for entry in waiting:
        if left <= 0:
            break
        n = min(entry.quantity, left)
        if _offer(connection, tier, entry, n, now, unguarded):
            left -= n
            offers += 1
    return offers


def _next_waiting(connection: Connection, tier_id: str, seats: int) -> list[Any]:
    # At most `seats` people can get an offer; a few more in case some hold seats of the event already.
    return list(connection.execute(_NEXT_WAITING, {"tier_id": tier_id, "limit": seats + 20}))


def waiting_now(tier_id: str) -> list[Any]:
    """The line as read outside any transaction: only for the race test's control run, which hands it
    to `offer_guard_disabled_for_tests` as the stale read."""
    with read_only() as reader:
        return _next_waiting(reader.connection(), tier_id, 1000)


def _offer(connection: Connection, tier: _TierToOffer, entry: Any, n: int, now: datetime, unguarded: bool) -> bool:
    """Hold `n` seats for `entry` as a pending order and email them; False (nothing changed) when they
    already hold seats of the event (their open order: the next pass offers again) or were offered already."""
    if sales_store.open_hold_of_buyer(connection, entry.user_id, tier.event_id) is not None:
        return False
    charge = fees.price_of({tier.id: tier.price}, {tier.id: n}, tier.fee_mode)
    expires_at = now + timedelta(minutes=tier.offer_minutes)
    order = _offer_order(entry.user_id, tier, charge, now, expires_at)
    item = {
        "id": new_id(),
        "order_id": order["id"],
        "tier_id": tier.id,
        "tier_name": tier.name,
        "quantity": n,
        "unit_price": tier.price,
    }
    try:
        with connection.begin_nested():
            sales_store.insert_order(connection, order, [item])
            marked = connection.execute(
                _MARK_OFFERED_UNGUARDED if unguarded else _MARK_OFFERED,
                {"entry_id": entry.id, "order_id": order["id"], "offered": n, "now": now},
            )
            if marked.rowcount != 1:
                raise _AlreadyOffered()
            capacity.hold(connection, tier.id, n)
    except (_AlreadyOffered, capacity.NotEnoughSeats, IntegrityError):
        return False
    language = language_or_default(entry.language)  # the offer speaks the waiting person's language
    until = f"{event_when(expires_at, tier.timezone, language=language)} ({tier.timezone})"
    enqueue(
        connection,
        waitlist_offer_email(
            entry.email,
            tier.title,
            ticket_count_words(n, language),
            tier.name,
            format_money(charge.amount, tier.currency, language),
            until,
            claim_url(tier.short_id),
            free=charge.amount == 0,
            language=language,
        ),
    )
    logger.info("waitlist offer entry=%s order=%s tier=%s seats=%d", entry.id, order["reference"], tier.id, n)
    return True


class _AlreadyOffered(Exception):
    """Another transaction offered this entry first."""


def claim_url(short_id: str) -> str:
    """The link in an offer email: the event page, which shows the held seats ready to pay."""
    return settings.app_url + routes.event_url(short_id)


def _offer_order(
    buyer_id: str, tier: _TierToOffer, charge: fees.Price, now: datetime, expires_at: datetime
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "reference": sales_store.new_reference(),
        "buyer_id": buyer_id,
        "event_id": tier.event_id,
        "workspace_id": tier.workspace_id,
        "status": OrderStatus.PENDING.value,
        "currency": tier.currency,
        "subtotal": charge.subtotal,
        "discount_code_id": None,
        "discount_amount": 0,
        "platform_fee": charge.platform_fee,
        "amount": charge.amount,
        "fee_mode": tier.fee_mode,
        "holds_active": True,
        "expires_at": expires_at,
        "created_at": now,
        "updated_at": now,
        # The policy in force when the seats are offered is the one the order keeps (#19 §5).
        "refund_policy": tier.refund_policy,
        "refund_days": tier.refund_days,
        "refund_policy_text": tier.refund_policy_text,
    }


_TIERS_WITH_FREE_SEATS_AND_A_LINE = (
    select(_tiers.c.id)
    .where(
        _tiers.c.waitlist.is_(True),
        TIER_SEATS.left > 0,
        select(_entries.c.id)
        .where(_entries.c.tier_id == _tiers.c.id, _entries.c.status == WaitlistStatus.WAITING.value)
        .exists(),
    )
    .limit(bindparam("limit"))
)
_LOCK_TIER = select(_tiers.c.id).where(_tiers.c.id == bindparam("tier_id")).with_for_update()


def offer_free_seats(tier_ids: Iterable[str] | None = None, limit: int = 200) -> int:
    """Offer free seats of tiers with a waitlist (all of them, or `tier_ids`) to the people waiting:
    seats that came back other than through `release_order`. Each tier in its own transaction, with
    its row locked first (PostgreSQL) so no checkout takes the seats between reading and holding."""
    if tier_ids is None:
        with read_only() as reader:
            tier_ids = list(reader.connection().execute(_TIERS_WITH_FREE_SEATS_AND_A_LINE, {"limit": limit}).scalars())
    offers = 0
    for tier_id in sorted(set(tier_ids)):
        with transaction() as session:
            connection = session.connection()
            connection.execute(_LOCK_TIER, {"tier_id": tier_id})
            offers += pass_on(connection, [tier_id])
    return offers


# ---- what organizers see -------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitlistRow:
    position: int | None  # place in line while waiting
    name: str
    email: str
    quantity: int
    joined_at: datetime
    offered_at: datetime | None
    offered_quantity: int | None
    state: str  # "Waiting", "Left", "Offered", "Claimed", "Expired"
    order_reference: str


@dataclass(frozen=True)
class TierWaitlistView:
    tier_id: str
    tier_name: str
    waitlist_on: bool
    waiting: int
    offered: int
    claimed: int
    expired: int
    rows: tuple[WaitlistRow, ...]


def _state(status: str, order_status: str | None, holds_active: bool | None) -> str:
    """An entry's state in words: an offer's outcome is its order's (claimed: paid; expired: closed unpaid).
    Our words, said in the reader's language where shown (`platform.said`)."""
    if status == WaitlistStatus.WAITING:
        return Message(N_("Waiting"))
    if status == WaitlistStatus.LEFT:
        return Message(N_("Left the waitlist"))
    if order_status in SETTLED_ORDER_STATUSES:
        return Message(N_("Claimed"))
    if order_status in OPEN_ORDER_STATUSES and holds_active:
        return Message(N_("Offered"))
    return Message(N_("Expired"))


def tier_waitlists(*, actor: UserSummary | None, event_id: str) -> list[TierWaitlistView]:
    """The event's waitlists per tier, in line order, for its organizers (moderators and above)."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        connection = session.connection()
        tiers = connection.execute(
            select(_tiers.c.id, _tiers.c.name, _tiers.c.waitlist)
            .where(_tiers.c.event_id == event.id)
            .order_by(_tiers.c.sort_order, _tiers.c.created_at)
        ).all()
        rows = connection.execute(
            select(
                _entries.c.tier_id,
                _entries.c.status,
                _entries.c.quantity,
                _entries.c.created_at,
                _entries.c.offered_at,
                _entries.c.offered_quantity,
                _users.c.full_name,
                _users.c.username,
                _users.c.email,
                _orders.c.status.label("order_status"),
                _orders.c.holds_active,
                _orders.c.reference,
            )
            .join(_users, _users.c.id == _entries.c.user_id)
            .outerjoin(_orders, and_(_orders.c.id == _entries.c.order_id))
            .where(_entries.c.event_id == event.id)
            .order_by(_entries.c.created_at, _entries.c.id)
        ).all()
    views = []
    for tier in tiers:
        mine = [row for row in rows if row.tier_id == tier.id]
        if not tier.waitlist and not mine:
            continue
        position = 0
        entries = []
        for row in mine:
            state = _state(row.status, row.order_status, row.holds_active)
            if state == "Waiting":
                position += 1
            entries.append(
                WaitlistRow(
                    position=position if state == "Waiting" else None,
                    name=row.full_name or row.username,
                    email=row.email,
                    quantity=row.quantity,
                    joined_at=row.created_at,
                    offered_at=row.offered_at,
                    offered_quantity=row.offered_quantity,
                    state=state,
                    order_reference=row.reference or "",
                )
            )
        states = [entry.state for entry in entries]
        views.append(
            TierWaitlistView(
                tier_id=tier.id,
                tier_name=tier.name,
                waitlist_on=tier.waitlist,
                waiting=states.count("Waiting"),
                offered=states.count("Offered"),
                claimed=states.count("Claimed"),
                expired=states.count("Expired"),
                rows=tuple(entries),
            )
        )
    return views
