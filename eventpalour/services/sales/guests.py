"""Guest checkout (#24 §1): buying with a name and an email (and a phone when the organizer asks),
without an account.

A guest buyer is a `users` row marked `is_guest`, one per email, that can never sign in. The order goes
through the same sales core as an account's (`payments.place_order` → `checkout.book_ticket`) with
that row as the buyer, so every rule holds unchanged and keyed by the email: one open hold per buyer
and event (the orders' unique index), one free registration per person, a code's per-buyer limit.
The confirmation email carries a signed link to the order's tickets (guest_links.py); when an
account with the same email is verified, `claim_guest_orders` moves the guest's orders into it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from eventpalour import routes
from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Order, OrderStatus, RefundRequest, Ticket, User
from eventpalour.models.types import new_id
from eventpalour.services import platform, tickets
from eventpalour.services.identity import UserSummary, masked_email, normalize_email
from eventpalour.services.platform import N_, FieldError, NotFound, ValidationFailed, clean_line
from eventpalour.services.sales import orders, payments, waiting_room
from eventpalour.services.sales.answer_rules import CURRENCY_COUNTRY, NAME_MAX, BadAnswer, normalize_phone
from eventpalour.services.sales.answers import AttendeeAnswers
from eventpalour.services.sales.checkout import refuse_guests_if_required, release_order
from eventpalour.services.sales.guest_links import order_of_link

logger = logging.getLogger("eventpalour.orders")

GUEST_CHECKOUTS = "guest_checkout"
"""The rate limit on guest checkouts per email address (platform RULES): a signed-out form that
writes rows and sends email, so nobody can flood one address or hold seats under many."""


@dataclass(frozen=True)
class GuestBuyer:
    """Who is buying, as the guest form or the API typed it."""

    name: str
    email: str
    phone: str = ""
    # The language the checkout was read in (the page's, the API request's): a guest has no account
    # setting, so their emails (confirmation, a cancelled registration) follow their latest checkout.
    language: str | None = None


@dataclass(frozen=True)
class GuestTerms:
    """What an event asks of guest buyers: whether it takes them at all, and a phone number (read in
    the country of the event's currency)."""

    requires_account: bool
    asks_phone: bool
    currency: str

    @property
    def allows_guests(self) -> bool:
        """A signed-out buyer may check out as a guest (the page offers "Continue as guest")."""
        return not self.requires_account


def guest_terms(event_ref: str) -> GuestTerms | None:
    """The event's terms for guests (by id or short id); None when there is no such event."""
    with read_only() as session:
        row = session.exec(
            select(Event.requires_account, Event.asks_buyer_phone, Event.currency).where(
                (col(Event.id) == event_ref) | (col(Event.short_id) == event_ref)
            )
        ).first()
    return GuestTerms(*row) if row else None


def _checked(guest: GuestBuyer, *, asks_phone: bool, currency: str) -> GuestBuyer:
    """The guest's name, email and phone cleaned, or ValidationFailed with a field error for each bad one."""
    problems: list[FieldError] = []
    name = clean_line(guest.name)
    if not name:
        problems.append(FieldError(("name",), N_("Enter your name.")))
    elif len(name) > NAME_MAX:
        problems.append(FieldError(("name",), N_("Use at most {NAME_MAX} characters."), {"NAME_MAX": NAME_MAX}))
    try:
        email = normalize_email(guest.email)
    except ValidationFailed as bad:
        problems.extend(bad.details)
        email = ""
    phone = ""
    if asks_phone:
        try:
            if not (guest.phone or "").strip():
                raise BadAnswer(N_("Enter your phone number."))
            phone = normalize_phone(guest.phone, CURRENCY_COUNTRY.get(currency))
        except BadAnswer as bad:
            problems.append(bad.field_error(("phone",)))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return GuestBuyer(name=name, email=email, phone=phone, language=platform.normalize_language(guest.language))


def _guest_of(guest: GuestBuyer) -> UserSummary:
    """The guest buyer row of this email, made on its first order; its name (and phone) are the latest typed."""
    for _ in range(2):
        try:
            with transaction() as session:
                row = session.exec(select(User).where(User.email == guest.email, col(User.is_guest).is_(True))).first()
                if row is None:
                    row = User(
                        email=guest.email, is_guest=True, full_name=guest.name, username=f"guest-{new_id().lower()}"
                    )
                    session.add(row)
                row.full_name = guest.name
                row.phone = guest.phone or row.phone
                row.language = guest.language or row.language
                session.flush()
                return _summary(row)
        except IntegrityError:
            continue  # another first order of this email made the row meanwhile: use it
    raise platform.Conflict(N_("Another checkout with this email is under way. Please try again."))


def _summary(row: User) -> UserSummary:
    return UserSummary(
        id=row.id,
        email=row.email,
        username=row.username,
        full_name=row.full_name,
        avatar_url=None,
        account_type=None,
        is_verified=False,
        admin_level=None,
        is_guest=True,
    )


def place_guest_order(
    *,
    guest: GuestBuyer,
    event_id: str,
    quantities: Mapping[str, int],
    code: str | None = None,
    answers: AttendeeAnswers | None = None,
    queue_cookie: str | None = None,
) -> payments.PlacedOrder:
    """The checkout button of a signed-out buyer: `payments.place_order` with a guest buyer.

    Raises NotFound (no such event), PermissionDenied (the event requires accounts), ValidationFailed
    (on `name`, `email`, `phone`), RateLimited (too many guest checkouts for this email), and
    whatever `place_order` raises. Nothing is written on a refusal before the order's own checks."""
    waiting_room.require_admission(event_ref=event_id or "", browser_cookie=queue_cookie)
    terms = guest_terms(event_id or "")
    if terms is None:
        raise NotFound(N_("This event is not on sale."))
    refuse_guests_if_required(terms.requires_account)
    checked = _checked(guest, asks_phone=terms.asks_phone, currency=terms.currency)
    platform.hit_rate_limit(GUEST_CHECKOUTS, platform.personal_key(checked.email))
    buyer = _guest_of(checked)
    placed = payments.place_order(
        actor=buyer, event_id=event_id, quantities=quantities, code=code, answers=answers, queue_cookie=queue_cookie
    )
    logger.info("guest order %s", placed.booking.reference)
    return placed


@dataclass(frozen=True)
class GuestOrderView:
    """A guest's order as its emailed link shows it: the event, the tickets with their QR codes, and
    whether to offer "Create an account to keep your tickets" (the buyer is still a guest)."""

    reference: str
    email: str  # masked: the page is open to whoever holds the link
    event: orders.OrderEvent
    event_url: str
    tickets: list[tickets.TicketView]
    can_claim: bool
    sign_up_url: str


LINK_REFUSED = N_("This link is not valid or has expired. Find your order in the latest email we sent you.")


def guest_order(token: str) -> GuestOrderView:
    """The order a guest link names. Raises NotFound for a forged, altered or expired link."""
    order_id = order_of_link(token or "")
    if order_id is None:
        raise NotFound(LINK_REFUSED)
    with read_only() as session:
        row = session.exec(
            select(Order.reference, User.email, User.is_guest)
            .join(User, col(User.id) == col(Order.buyer_id))
            .where(Order.id == order_id)
        ).first()
    found = orders.event_of_order(row[0]) if row else None
    if row is None or found is None:
        raise NotFound(LINK_REFUSED)
    reference, email, is_guest = row
    return GuestOrderView(
        reference=reference,
        email=masked_email(email),
        event=found,
        event_url=routes.event_url(found.short_id),
        tickets=tickets.tickets_of_order(order_id),
        can_claim=bool(is_guest),
        sign_up_url=routes.SIGN_UP,
    )


def claim_guest_orders(connection: Connection, *, user_id: str, email: str) -> int:
    """Move the orders (and their tickets) of the guest buyer with `email` into the account `user_id`,
    whose address was just proven (a verified sign-up, or a sign-in of a verified account), in the
    caller's transaction. Idempotent: a second call finds nothing left to move. Returns how many moved.

    One open hold per buyer and event holds for the account too: a guest hold for an event the account
    already holds seats for is released first (its seats come back), as a newer checkout would.
    """
    guest_id = connection.execute(select(User.id).where(User.email == email, col(User.is_guest).is_(True))).scalar()
    if guest_id is None or guest_id == user_id:
        return 0
    held_by_account = select(Order.event_id).where(Order.buyer_id == user_id, col(Order.holds_active).is_(True))
    clashing = connection.execute(
        select(Order.id).where(
            Order.buyer_id == guest_id, col(Order.holds_active).is_(True), col(Order.event_id).in_(held_by_account)
        )
    ).scalars()
    for order_id in list(clashing):
        release_order(connection, order_id, OrderStatus.CANCELLED)
    moved = connection.execute(update(Order).where(col(Order.buyer_id) == guest_id).values(buyer_id=user_id)).rowcount
    connection.execute(update(Ticket).where(col(Ticket.holder_id) == guest_id).values(holder_id=user_id))
    connection.execute(update(RefundRequest).where(col(RefundRequest.buyer_id) == guest_id).values(buyer_id=user_id))
    if moved:
        logger.info("guest orders claimed: %d into %s", moved, user_id)
    return moved
