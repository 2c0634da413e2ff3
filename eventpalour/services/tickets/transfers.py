"""Giving a ticket to someone else (SPEC §6 `transferTicket`).

The old ticket is never edited into the recipient's: it becomes `transferred` (so its QR code and
short code stop working at the door at once) and the recipient gets a new ticket row with a new
code that points back at it. Both rows belong to the same order line, so the tier's `sold`
counter, and with it the event's capacity, never moves: a transfer needs no free seat.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import (
    ENDED_EVENT_STATUSES,
    Event,
    OrderItem,
    Ticket,
    TicketStatus,
    User,
    UserStatus,
    Workspace,
    account_email,
)
from eventpalour.models.types import utcnow
from eventpalour.services import platform, sales
from eventpalour.services.identity import UserSummary, normalize_email
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound, ValidationFailed, event_schedule
from eventpalour.services.sales import new_short_code
from eventpalour.services.tickets.ticket_media import holder_place

NO_ACCOUNT = N_("No verified EventPalour account uses this email. Ask them to sign up and verify their email first.")


@dataclass(frozen=True)
class TransferCheck:
    """A transfer that `transfer_ticket` would make now: the ticket's code and the recipient's
    address as stored (the confirm step shows them; the recipient's name stays private until sent)."""

    ticket_id: str
    short_code: str
    recipient_email: str
    attendee_name: str = ""  # the new attendee's name, when the event names each ticket's attendee


@dataclass(frozen=True)
class TransferResult:
    new_ticket_id: str
    new_short_code: str
    recipient_name: str
    recipient_email: str


def _recipient_email(raw: str) -> str:
    """The recipient's address as accounts store it. Raises ValidationFailed (email)."""
    if not (raw or "").strip():
        raise ValidationFailed.field("email", N_("Enter the email address of their EventPalour account."))
    return normalize_email(raw)


def _recipient(session: Session, actor: UserSummary, email: str) -> User:
    recipient = session.exec(select(User).where(account_email(email))).first()
    if recipient is None or not recipient.is_verified or recipient.status != UserStatus.ACTIVE:
        raise ValidationFailed.field("email", NO_ACCOUNT)
    if recipient.id == actor.id:
        raise ValidationFailed.field("email", N_("This ticket is already yours. Enter the other person's email."))
    return recipient


# Why a ticket that is not valid stays with its holder: one whole sentence per status.
NOT_TRANSFERABLE = {
    TicketStatus.USED: N_("Only valid tickets can be transferred; this one has been used."),
    TicketStatus.TRANSFERRED: N_("Only valid tickets can be transferred; this one has been transferred."),
    TicketStatus.CANCELLED: N_("Only valid tickets can be transferred; this one was cancelled."),
    TicketStatus.REFUNDED: N_("Only valid tickets can be transferred; this one was refunded."),
    TicketStatus.EXPIRED: N_("Only valid tickets can be transferred; this one has expired."),
}


def transfer_refusal(ticket_status: str, event_status: str, event_start: datetime, now: datetime) -> str | None:
    """Why a ticket cannot be given away now, or None: only a valid ticket, and only before its event
    starts (the "My tickets" card offers Transfer by this same rule)."""
    if ticket_status != TicketStatus.VALID:
        return NOT_TRANSFERABLE.get(ticket_status, N_("Only valid tickets can be transferred."))
    if event_status in ENDED_EVENT_STATUSES or event_start <= now:
        return N_("Tickets can only be transferred before the event starts.")
    return None


def _check_transferable(ticket: Ticket, event: Event) -> None:
    if refusal := transfer_refusal(ticket.status, event.status, event.start_at, utcnow()):
        raise Conflict(refusal)


def _own_ticket(session: Session, actor: UserSummary, ticket_id: str) -> tuple[Ticket, Event]:
    """The actor's ticket and its event, if it may be given away now. Raises NotFound, Conflict."""
    ticket = session.get(Ticket, ticket_id or "")
    if ticket is None or ticket.holder_id != actor.id:
        raise NotFound(N_("This ticket does not exist."))
    event = session.get(Event, ticket.event_id)
    _check_transferable(ticket, event)
    return ticket, event


def _new_attendee(ticket: Ticket, raw: str) -> str | None:
    """The new holder's name for a ticket that names its attendee (required then), else None: the
    event asks no names and the ticket keeps showing its holder's account name."""
    return None if ticket.attendee_name is None else sales.attendee_name(raw, field="attendee_name")


def check_transfer(
    *, actor: UserSummary | None, ticket_id: str, recipient_email: str, attendee_name: str = ""
) -> TransferCheck:
    """Whether `transfer_ticket` would give this ticket to `recipient_email` now, checked by the same
    rules and in the same order (the "My tickets" dialog asks before its confirm step); changes nothing.

    Raises NotAuthenticated, NotFound, Conflict, ValidationFailed (email: malformed, no verified
    account, or the actor's own; attendee_name: missing for a ticket that names its attendee).
    """
    if actor is None:
        raise NotAuthenticated(N_("Sign in to transfer tickets."))
    email = _recipient_email(recipient_email)
    with read_only() as session:
        ticket, _ = _own_ticket(session, actor, ticket_id)
        recipient = _recipient(session, actor, email)
        name = _new_attendee(ticket, attendee_name)
        return TransferCheck(
            ticket_id=ticket.id, short_code=ticket.short_code, recipient_email=recipient.email, attendee_name=name or ""
        )


def transfer_ticket(
    *, actor: UserSummary | None, ticket_id: str, recipient_email: str, attendee_name: str = ""
) -> TransferResult:
    """Move one valid ticket of the actor to the verified account behind `recipient_email`.

    Guarantees the old code stops working in the same transaction that issues the new one, and
    that a ticket scanned or transferred at the same moment is not transferred too (a conditional
    UPDATE decides). Both people are emailed. The new ticket keeps the old one's place in its order
    (and so the answers given for it); when the event names each ticket's attendee, it names
    `attendee_name`. Raises NotAuthenticated, NotFound (not the actor's ticket), ValidationFailed
    (email: no such verified account, or the actor's own; attendee_name), Conflict (not valid, or
    the event has started).
    """
    if actor is None:
        raise NotAuthenticated(N_("Sign in to transfer tickets."))
    email = _recipient_email(recipient_email)
    with transaction() as session:
        ticket, event = _own_ticket(session, actor, ticket_id)
        recipient = _recipient(session, actor, email)
        name = _new_attendee(ticket, attendee_name)
        retired = session.execute(
            update(Ticket)
            .where(col(Ticket.id) == ticket.id, Ticket.holder_id == actor.id, Ticket.status == TicketStatus.VALID)
            .values(status=TicketStatus.TRANSFERRED)
        ).rowcount
        if retired != 1:
            raise Conflict(N_("This ticket was used or changed a moment ago. Reload and try again."))
        successor = Ticket(
            short_code=new_short_code(session),
            order_id=ticket.order_id,
            order_item_id=ticket.order_item_id,
            event_id=ticket.event_id,
            tier_id=ticket.tier_id,
            holder_id=recipient.id,
            seat=ticket.seat,
            attendee_name=name,
            transferred_from_id=ticket.id,
        )
        session.add(successor)
        session.flush()
        _queue_emails(session, actor, recipient, event, ticket, successor)
        platform.emit_webhook(
            session,
            platform.WebhookEventType.TICKET_TRANSFERRED,
            event_id=event.id,
            subject=f"order:{ticket.order_id}",
            data={
                "ticket_id": successor.id,
                "short_code": successor.short_code,
                "previous_ticket_id": ticket.id,
                "order_id": ticket.order_id,
                "event_id": event.id,
            },
        )
        return TransferResult(
            new_ticket_id=successor.id,
            new_short_code=successor.short_code,
            recipient_name=recipient.full_name or recipient.username,
            recipient_email=recipient.email,
        )


def _queue_emails(
    session: Session, sender: UserSummary, recipient: User, event: Event, old: Ticket, new: Ticket
) -> None:
    workspace = session.get(Workspace, event.workspace_id)
    facts = platform.TransferFacts(
        event_id=event.id,
        event_title=event.title,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone),
        place=holder_place(event),
        tickets_url=settings.app_url + routes.MY_TICKETS,
        sender_name=sender.display_name,
        recipient_name=recipient.full_name or recipient.username,
        recipient_email=recipient.email,
        old_code=old.short_code,
        organizer=platform.Organizer(workspace.name, workspace.verified),
    )
    tier_name = session.exec(select(OrderItem.tier_name).where(OrderItem.id == new.order_item_id)).one()
    line = platform.TicketLine(
        ticket_id=new.id, short_code=new.short_code, tier_name=tier_name, attendee_name=new.attendee_name or ""
    )
    # Each in their own language, with the dates written in it (the sender's account may have chosen another).
    to_language = platform.language_or_default(recipient.language)
    from_language = platform.language_or_default(session.exec(select(User.language).where(User.id == sender.id)).one())
    for_sender = replace(
        facts,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone, from_language),
        place=holder_place(event, language=from_language),
        organizer=replace(facts.organizer, language=from_language),
    )
    for_recipient = replace(
        facts,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone, to_language),
        place=holder_place(event, language=to_language),
        organizer=replace(facts.organizer, language=to_language),
    )
    platform.enqueue(session, platform.ticket_transfer_sent_email(sender.email, for_sender, from_language))
    platform.enqueue(
        session, platform.ticket_transfer_received_email(recipient.email, for_recipient, line, to_language)
    )
    _text_recipient(session, sender, recipient, event, new)


def _text_recipient(session: Session, sender: UserSummary, recipient: User, event: Event, new: Ticket) -> None:
    """The new holder's ticket by SMS too (#23 §3), when the event sends SMS and they gave a phone on an order."""
    if not sales.asks_sms_phone(event.sms_tickets):
        return
    phone = sales.known_phones(session, [recipient.id]).get(recipient.id)
    if phone is None:
        return
    text = platform.transfer_sms_text(
        event_title=event.title,
        code=new.short_code,
        sender=sender.display_name,
        link=settings.app_url + routes.MY_TICKETS,
        language=platform.language_or_default(recipient.language),
    )
    platform.enqueue_sms(
        session,
        platform.SmsMessage(
            to_email=recipient.email,
            to_phone=phone,
            subject=f"SMS: a ticket for {event.title}",
            text=text,
            kind="transfer_sms",
        ),
    )
