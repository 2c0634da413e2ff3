"""Issuing tickets for an order: one ticket per admission, each with its own short code, and the
confirmation email that carries them, with its text message when the buyer gave a phone (both queued
in the same transaction, so each is sent exactly once)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection
from sqlmodel import Session

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.models.types import new_id, random_string
from eventpalour.services import platform
from eventpalour.services.platform import event_schedule, format_money
from eventpalour.services.sales import sms_tickets
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.fees import price_lines
from eventpalour.services.sales.guest_links import guest_link
from eventpalour.services.sales.refund_policy import policy_view, terms_of
from eventpalour.services.sales.store import Confirmation, OrderLine
from eventpalour.services.tickets import holder_place

# No 0/O, 1/I/L: people type these codes at the door.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 8


def _random_code() -> str:
    return random_string(SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH)


def new_short_codes(connection: Connection, count: int) -> list[str]:
    """`count` distinct codes no ticket has yet, checked with one query per round (not one per
    ticket: fulfilment runs while buyers wait). 31^8 codes make a second round very rare."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {_random_code() for _ in range(count - len(codes))} - codes
        codes |= candidates - sales_store.taken_codes(connection, candidates)
    return list(codes)


def new_short_code(session: Session) -> str:
    """One fresh code (a transfer's new ticket)."""
    return new_short_codes(session.connection(), 1)[0]


@dataclass(frozen=True, slots=True)
class OrderToIssue:
    """What issuing an order's tickets reads, built by whichever path completed it: a free order
    from the values it just wrote (checkout), a paid one from the rows it settled (payments)."""

    id: str
    reference: str
    buyer_id: str
    event_id: str
    amount: int
    currency: str
    lines: tuple[OrderLine, ...]
    subtotal: int  # with platform_fee: the stored figures the email's price lines show
    platform_fee: int
    discount_code: str = ""  # the discount code used ("" none) and what it took off
    discount: int = 0
    buyer_phone: str | None = None  # E.164: the confirmation also goes by SMS (#23 §3)


def issue_tickets(connection: Connection, order: OrderToIssue, confirmation: Confirmation | None = None) -> list[str]:
    """Create the tickets of `order` and queue their confirmation, in the caller's transaction;
    called exactly once per order, by whichever path completed it. Returns the new tickets' ids.

    Prepared Core statements on the caller's connection: this runs while the buyer (or Paystack's
    webhook) waits, for every order of a rush. `confirmation`: the email's facts when the caller
    read them already (settling reads them with its order), else one query here."""
    codes = iter(new_short_codes(connection, sum(line.quantity for line in order.lines)))
    tickets = [
        {
            "id": new_id(),
            "short_code": next(codes),
            "order_id": order.id,
            "order_item_id": line.id,
            "event_id": order.event_id,
            "tier_id": line.tier_id,
            "holder_id": order.buyer_id,
            "seat": seat,
        }
        for line in order.lines
        for seat in range(line.quantity)
    ]
    names = {line.id: line.attendee_names for line in order.lines if line.attendee_names}
    if names:  # the event asks each ticket's attendee (checkout wrote a name for every seat)
        for ticket in tickets:
            ticket["attendee_name"] = names[ticket["order_item_id"]][ticket["seat"]]
    sales_store.insert_tickets(connection, tickets)
    tier_names = {line.id: line.tier_name for line in order.lines}
    ticket_lines = [
        platform.TicketLine(
            ticket_id=t["id"],
            short_code=t["short_code"],
            tier_name=tier_names[t["order_item_id"]],
            attendee_name=t.get("attendee_name") or "",
        )
        for t in tickets
    ]
    facts = _queue_confirmation(connection, order, ticket_lines, confirmation)
    if facts.order_paid_subscribed:
        platform.emit_webhook(
            connection,
            platform.WebhookEventType.ORDER_PAID,
            event_id=order.event_id,
            subject=f"order:{order.id}",
            data={
                "order_id": order.id,
                "reference": order.reference,
                "event_id": order.event_id,
                "amount": order.amount,
                "currency": order.currency,
                "ticket_ids": [t["id"] for t in tickets],
            },
        )
    return [t["id"] for t in tickets]


def _queue_confirmation(
    connection: Connection, order: OrderToIssue, lines: list[platform.TicketLine], confirmation: Confirmation | None
) -> Confirmation:
    """Queue the order's confirmation email (and SMS); returns the facts it was written from."""
    found = confirmation or sales_store.confirmation(connection, order.buyer_id, order.event_id)
    language = platform.language_or_default(found.language)
    free = platform.gettext(language, "Free")
    facts = platform.ConfirmationFacts(
        event_id=order.event_id,
        event_title=found.title,
        schedule=event_schedule(found.start_at, found.end_at, found.timezone, language),
        place=holder_place(found, language=language),
        event_url=settings.app_url + routes.event_url(found.event_short_id),
        reference=order.reference,
        total_label=format_money(order.amount, order.currency, language) if order.amount else free,
        price_lines=tuple(
            (line.label, line.value)
            for line in price_lines(
                tickets=len(lines),
                subtotal=order.subtotal,
                platform_fee=order.platform_fee,
                amount=order.amount,
                currency=order.currency,
                discount=order.discount,
                discount_code=order.discount_code,
                language=language,
            )
        ),
        organizer=platform.Organizer(found.organizer, found.verified, language),
        refund_policy=policy_view(terms_of(found), language=language).lines if order.amount else (),
        guest_link=guest_link(order.id) if found.is_guest else "",
        language=language,
    )
    platform.enqueue(connection, platform.order_confirmation_email(found.email, facts, lines))
    if order.buyer_phone:
        sms_tickets.queue_ticket_sms(
            connection,
            to_email=found.email,
            phone=order.buyer_phone,
            event_title=found.title,
            codes=[line.short_code for line in lines],
            language=language,
        )
    return found
