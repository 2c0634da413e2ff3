"""Reading tickets as their holder sees them: code, tier, status and the QR code, the "My tickets"
page (SPEC §6 getUserTickets), and a ticket's calendar invite and printable image."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select
from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import Event, Order, OrderItem, Ticket, TicketStatus, User, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    NC_,
    Conflict,
    NotAuthenticated,
    NotFound,
    event_schedule,
    gettext,
    language_or_default,
    price_label,
)
from eventpalour.services.tickets import email_attachments, ticket_media, ticket_tokens
from eventpalour.services.tickets.ticket_media import holder_place
from eventpalour.services.tickets.transfers import transfer_refusal


@dataclass(frozen=True)
class TicketView:
    short_code: str
    tier_name: str
    status: str
    qr_data_uri: str  # empty when the ticket can no longer be used, so no stale code is shown
    ticket_id: str = ""
    has_calendar: bool = False  # ticket_calendar would serve it, and the event is not over
    attendee_name: str = ""  # the name given for this ticket ("" when the event asks none)


def order_tickets(*, actor: UserSummary | None, reference: str) -> list[TicketView]:
    """The tickets the actor holds from their own order `reference` (by payment reference or order id)."""
    if actor is None:
        raise NotAuthenticated(N_("Sign in to see your tickets."))
    with read_only() as session:
        order = session.exec(
            select(Order).where((col(Order.reference) == reference) | (col(Order.id) == reference))
        ).first()
        if order is None or order.buyer_id != actor.id:
            raise NotFound(N_("This order does not exist."))
        rows = session.exec(
            select(Ticket, OrderItem.tier_name, Event.end_at)
            .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
            .join(Event, col(Event.id) == col(Ticket.event_id))
            .where(Ticket.order_id == order.id, Ticket.holder_id == actor.id)
            .order_by(col(OrderItem.tier_name), col(Ticket.short_code))
        ).all()
    now = utcnow()
    return [_view(ticket, tier_name, event_over=end_at <= now) for ticket, tier_name, end_at in rows]


def tickets_of_order(order_id: str) -> list[TicketView]:
    """The tickets order `order_id` gave its buyer and the buyer still holds (none transferred away).

    No actor: the caller proved its right to the order another way (sales' signed guest link)."""
    with read_only() as session:
        rows = session.exec(
            select(Ticket, OrderItem.tier_name, Event.end_at)
            .join(Order, col(Order.id) == col(Ticket.order_id))
            .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
            .join(Event, col(Event.id) == col(Ticket.event_id))
            .where(Ticket.order_id == order_id, col(Ticket.holder_id) == col(Order.buyer_id))
            .order_by(col(OrderItem.tier_name), col(Ticket.short_code))
        ).all()
    now = utcnow()
    return [_view(ticket, tier_name, event_over=end_at <= now) for ticket, tier_name, end_at in rows]


def _view(ticket: Ticket, tier_name: str, *, event_over: bool) -> TicketView:
    return TicketView(
        short_code=ticket.short_code,
        tier_name=tier_name,
        status=ticket.status,
        qr_data_uri=(
            ticket_media.qr_svg_data_uri(
                ticket_tokens.sign_signed(ticket.id, ticket.event_id, ticket.tier_id, ticket.secret_version)
            )
            if ticket.status == TicketStatus.VALID
            else ""
        ),
        ticket_id=ticket.id,
        has_calendar=holder_refusal(ticket.status) is None and not event_over,
        attendee_name=ticket.attendee_name or "",
    )


def my_event_tickets(*, actor: UserSummary | None, event_short_id: str) -> list[TicketView]:
    """The valid tickets the actor holds for one event (none when nobody is signed in)."""
    if actor is None:
        return []
    with read_only() as session:
        return event_tickets_of(session, actor.id, event_short_id)


def event_tickets_of(session: Session, holder_id: str, event_short_id: str) -> list[TicketView]:
    """`my_event_tickets` in the caller's read (the event page reads all of its buyer's things in one)."""
    rows = session.exec(
        select(Ticket, OrderItem.tier_name, Event.end_at)
        .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
        .join(Event, col(Event.id) == col(Ticket.event_id))
        .where(
            Event.short_id == event_short_id,
            Ticket.holder_id == holder_id,
            Ticket.status == TicketStatus.VALID,
        )
        .order_by(col(Ticket.created_at), col(Ticket.short_code))
    ).all()
    now = utcnow()
    return [_view(ticket, tier_name, event_over=end_at <= now) for ticket, tier_name, end_at in rows]


@dataclass(frozen=True)
class HeldTicket:
    """One ticket on the holder's "My tickets" page.

    `place` carries the meeting link only while the ticket can still get in (valid or used): a
    ticket given away, refunded or cancelled no longer reveals it. `transferred_to` is set on a
    ticket the actor gave away, `transferred_from` on one they received.
    """

    ticket_id: str
    short_code: str
    status: str
    tier_name: str
    price: int
    currency: str
    event_title: str
    event_short_id: str
    event_start: datetime
    event_end: datetime
    event_timezone: str
    place: str
    organizer: str
    organizer_verified: bool
    qr_data_uri: str
    transferred_from: str
    transferred_to: str
    used_at: datetime | None
    can_transfer: bool = False  # transfer_ticket would accept it now
    can_download: bool = False  # ticket_image would draw it
    has_calendar: bool = False  # ticket_calendar would serve it, and the event is not over
    attendee_name: str = ""  # the name given for this ticket ("" when the event asks none)


@dataclass(frozen=True)
class TicketSummary:
    """The top of "My tickets" (#22 §1): events the person was checked in at, events not over with
    a ticket of theirs that admits them (valid or used), and their tickets not used yet for those."""

    events_attended: int = 0
    upcoming_events: int = 0
    upcoming_tickets: int = 0


@dataclass(frozen=True)
class UserTickets:
    upcoming: list[HeldTicket]
    past: list[HeldTicket]
    summary: TicketSummary = TicketSummary()


def ticket_summary(upcoming: list[HeldTicket], past: list[HeldTicket]) -> TicketSummary:
    """Counted from the person's own tickets: attended is an event where one of them was used at the
    door; upcoming, an event not over for which one still admits them (`HOLDER_STATUSES`)."""
    admitting = [t for t in upcoming if t.status in HOLDER_STATUSES]
    return TicketSummary(
        events_attended=len({t.event_short_id for t in [*upcoming, *past] if t.status == TicketStatus.USED}),
        upcoming_events=len({t.event_short_id for t in admitting}),
        upcoming_tickets=sum(1 for t in admitting if t.status == TicketStatus.VALID),
    )


HOLDER_STATUSES = (TicketStatus.VALID, TicketStatus.USED)
# A ticket's status said of one ticket, apart from the same English said of many ("Checked in" on
# the door's counters is Kiswahili "Wameingia"; one ticket's badge reads "Imetumika").
STATUS_CONTEXT = "ticket status"
STATUS_LABELS = {
    TicketStatus.VALID: NC_("ticket status", "Valid"),
    TicketStatus.USED: NC_("ticket status", "Checked in"),
    TicketStatus.TRANSFERRED: NC_("ticket status", "Transferred"),
    TicketStatus.CANCELLED: NC_("ticket status", "Cancelled"),
    TicketStatus.REFUNDED: NC_("ticket status", "Refunded"),
    TicketStatus.EXPIRED: NC_("ticket status", "Expired"),
}


def status_label(status: str, language: str | None = DEFAULT_LANGUAGE) -> str:
    """The word a reader reads on a ticket's status badge, in `language` ("Checked in" for `used`)."""
    text = STATUS_LABELS.get(status)
    return gettext(language, text, STATUS_CONTEXT) if text else status.capitalize()


def holder_refusal(status: str) -> str | None:
    """Why a ticket in `status` gives its holder no calendar invite or image, or None (it can still get in)."""
    return None if status in HOLDER_STATUSES else N_("This ticket can no longer be used.")


def image_refusal(status: str) -> str | None:
    """Why a ticket in `status` has no printable image, or None: a used ticket has no code left to show."""
    if refusal := holder_refusal(status):
        return refusal
    if status != TicketStatus.VALID:
        return N_("This ticket was already used at the door, so it has no code to show.")
    return None


def _place(event: Event, status: str, language: str = DEFAULT_LANGUAGE) -> str:
    return holder_place(event, with_link=status in HOLDER_STATUSES, language=language)


def _names_by_ticket(session: Session, query: Select) -> dict[str, tuple[str, str]]:
    """{ticket id: (holder name, holder email)} for the tickets `query` selects (id column first)."""
    return {row[0]: (row[1] or row[2], row[3]) for row in session.exec(query).all()}


def _name_and_email(person: tuple[str, str] | None) -> str:
    return f"{person[0]} ({person[1]})" if person else ""


def get_user_tickets(*, actor: UserSummary | None) -> UserTickets:
    """Every ticket the actor holds or held (SPEC §6 getUserTickets): upcoming soonest first, past newest first.

    Raises NotAuthenticated.
    """
    if actor is None:
        raise NotAuthenticated(N_("Sign in to see your tickets."))
    with read_only() as session:
        rows = session.exec(
            select(Ticket, Event, OrderItem, Workspace.name, Workspace.verified)
            .join(Event, col(Event.id) == col(Ticket.event_id))
            .join(OrderItem, col(OrderItem.id) == col(Ticket.order_item_id))
            .join(Workspace, col(Workspace.id) == col(Event.workspace_id))
            .where(Ticket.holder_id == actor.id)
        ).all()
        origins = [row[0].transferred_from_id for row in rows if row[0].transferred_from_id]
        given = [row[0].id for row in rows if row[0].status == TicketStatus.TRANSFERRED]
        senders = _names_by_ticket(
            session,
            select(Ticket.id, User.full_name, User.username, User.email)
            .join(User, col(User.id) == col(Ticket.holder_id))
            .where(col(Ticket.id).in_(origins)),
        )
        recipients = _names_by_ticket(
            session,
            select(Ticket.transferred_from_id, User.full_name, User.username, User.email)
            .join(User, col(User.id) == col(Ticket.holder_id))
            .where(col(Ticket.transferred_from_id).in_(given)),
        )
    now = utcnow()
    cards = [
        HeldTicket(
            ticket_id=ticket.id,
            short_code=ticket.short_code,
            status=ticket.status,
            tier_name=item.tier_name,
            price=item.unit_price,
            currency=event.currency,
            event_title=event.title,
            event_short_id=event.short_id,
            event_start=event.start_at,
            event_end=event.end_at,
            event_timezone=event.timezone,
            place=_place(event, ticket.status),
            organizer=organizer,
            organizer_verified=verified,
            qr_data_uri=_view(ticket, item.tier_name, event_over=event.end_at <= now).qr_data_uri,
            transferred_from=senders.get(ticket.transferred_from_id or "", ("", ""))[0],
            transferred_to=_name_and_email(recipients.get(ticket.id)),
            used_at=ticket.used_at,
            can_transfer=transfer_refusal(ticket.status, event.status, event.start_at, now) is None,
            can_download=image_refusal(ticket.status) is None,
            has_calendar=holder_refusal(ticket.status) is None and event.end_at > now,
            attendee_name=ticket.attendee_name or "",
        )
        for ticket, event, item, organizer, verified in rows
    ]
    upcoming = sorted((c for c in cards if c.event_end > now), key=lambda c: (c.event_start, c.short_code))
    past = sorted((c for c in cards if c.event_end <= now), key=lambda c: (c.event_start, c.short_code), reverse=True)
    return UserTickets(upcoming=upcoming, past=past, summary=ticket_summary(upcoming, past))


def _holder_ticket(session: Session, actor: UserSummary | None, ticket_id: str) -> tuple[Ticket, Event]:
    """The actor's own ticket that can still get in, and its event. Raises NotAuthenticated, NotFound, Conflict."""
    if actor is None:
        raise NotAuthenticated(N_("Sign in to see your tickets."))
    ticket = session.get(Ticket, ticket_id or "")
    if ticket is None or ticket.holder_id != actor.id:
        raise NotFound(N_("This ticket does not exist."))
    if refusal := holder_refusal(ticket.status):
        raise Conflict(refusal)
    return ticket, session.get(Event, ticket.event_id)


def ticket_calendar(*, actor: UserSummary | None, ticket_id: str) -> tuple[str, bytes]:
    """(filename, .ics bytes) of the event the actor's ticket admits to, meeting link included."""
    with read_only() as session:
        _, event = _holder_ticket(session, actor, ticket_id)
        invite = ticket_media.calendar_invite(email_attachments.calendar_entry(event))
    return f"{event.short_id}.ics", invite


def ticket_image(*, actor: UserSummary | None, ticket_id: str) -> tuple[str, bytes]:
    """(filename, PNG bytes) of the actor's valid ticket: the event, the QR code and the short code."""
    with read_only() as session:
        ticket, event = _holder_ticket(session, actor, ticket_id)
        if refusal := image_refusal(ticket.status):
            raise Conflict(refusal)
        tier_name, price = session.exec(
            select(OrderItem.tier_name, OrderItem.unit_price).where(OrderItem.id == ticket.order_item_id)
        ).one()
        holder = session.get(User, ticket.holder_id)
        workspace = session.get(Workspace, event.workspace_id)
        language = language_or_default(holder.language)  # the holder's ticket, in the holder's language
        image = ticket_media.TicketImage(
            token=ticket_tokens.sign_signed(ticket.id, ticket.event_id, ticket.tier_id, ticket.secret_version),
            short_code=ticket.short_code,
            event_title=event.title,
            schedule=event_schedule(event.start_at, event.end_at, event.timezone, language),
            place=_place(event, ticket.status, language),
            tier_name=tier_name,
            price_label=price_label(price, event.currency, language),
            holder_name=ticket.attendee_name or holder.full_name or holder.username,
            organizer=workspace.name,
            organizer_verified=workspace.verified,
            language=language,
        )
    return f"ticket-{ticket.short_code}.png", ticket_media.ticket_png(image)
