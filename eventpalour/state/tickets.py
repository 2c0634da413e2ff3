"""/tickets: the signed-in person's tickets, and giving one to someone else."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import tickets
from eventpalour.services.platform import (
    DomainError,
    Figure,
    ValidationFailed,
    event_schedule,
    gettext,
    plural,
    price_label,
)
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.tickets import HeldTicket, HolderAnnouncement, TicketSummary, status_label
from eventpalour.state.base import AuthState, call_service


@dataclass(frozen=True)
class TicketCard:
    """A ticket on /tickets: the service's ticket (what it offers are its flags) and the texts and links
    the card adds. Links to the API are absolute: in development the API has its own port."""

    ticket: HeldTicket
    status_label: str
    price: str
    event_url: str
    when: str
    used_at: str  # "" until it is scanned at the door
    calendar_url: str
    image_url: str


def card_for(ticket: HeldTicket, language: str = "en") -> TicketCard:
    """The card's texts in the reader's language (its price and dates per locale)."""
    return TicketCard(
        ticket=ticket,
        status_label=status_label(ticket.status, language),
        price=price_label(ticket.price, ticket.currency, language),
        event_url=routes.event_url(ticket.event_short_id),
        when=event_schedule(ticket.event_start, ticket.event_end, ticket.event_timezone, language),
        used_at=clock(ticket.used_at, ticket.event_timezone) if ticket.used_at else "",
        calendar_url=settings.api_url + routes.ticket_calendar_url(ticket.ticket_id),
        image_url=settings.api_url + routes.ticket_image_url(ticket.ticket_id),
    )


def summary_words(summary: TicketSummary, language: str = "en") -> list[str]:
    if language != "en":
        return _summary_translated(summary, language)
    return [
        plural(summary.events_attended, "event") + " attended",
        plural(summary.upcoming_events, "upcoming event"),
        plural(summary.upcoming_tickets, "ticket") + " to use",
    ]


def _summary_translated(summary: TicketSummary, language: str) -> list[str]:
    """The summary's three counts in Kiswahili or French: each language orders noun and number its
    own way ("tiketi 3 za kutumia"), so each count is one whole message, singular or plural."""
    attended, upcoming, to_use = summary.events_attended, summary.upcoming_events, summary.upcoming_tickets
    texts = [
        gettext(language, "{count} event attended") if attended == 1 else gettext(language, "{count} events attended"),
        gettext(language, "{count} upcoming event") if upcoming == 1 else gettext(language, "{count} upcoming events"),
        gettext(language, "{count} ticket to use") if to_use == 1 else gettext(language, "{count} tickets to use"),
    ]
    counts = (attended, upcoming, to_use)
    return [text.format(count=Figure(count).in_language(language)) for text, count in zip(texts, counts, strict=True)]


class TicketsState(AuthState):
    upcoming: list[TicketCard] = []
    past: list[TicketCard] = []
    tickets_loaded: bool = False
    summary: list[str] = []  # "2 events attended", "1 upcoming event", "3 tickets to use"
    announcements: list[HolderAnnouncement] = []  # sent ones that reached the person's tickets
    transfer_id: str = ""  # the ticket whose transfer dialog is open
    transfer_email: str = ""
    transfer_name: str = ""  # the new attendee's name, for a ticket that names its attendee
    transfer_confirming: bool = False
    transfer_errors: dict[str, str] = {}
    is_transferring: bool = False
    shown_qr_id: str = ""  # the ticket shown full screen at the door

    @rx.var
    def shown_ticket(self) -> TicketCard | None:
        return next((c for c in self.upcoming + self.past if c.ticket.ticket_id == self.shown_qr_id), None)

    @rx.var
    def transfer_code(self) -> str:
        found = next((c for c in self.upcoming if c.ticket.ticket_id == self.transfer_id), None)
        return found.ticket.short_code if found else ""

    @rx.var
    def transfer_asks_name(self) -> bool:
        """The ticket names its attendee (the event asks each ticket's name): the transfer asks the new one."""
        found = next((c for c in self.upcoming if c.ticket.ticket_id == self.transfer_id), None)
        return bool(found and found.ticket.attendee_name)

    @rx.event
    async def load_tickets(self):
        self.tickets_loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(tickets.get_user_tickets, actor=actor)
            self.announcements = await call_service(tickets.my_announcements, actor=actor)
        except DomainError as error:
            self.tickets_loaded = True
            return self.show_error(error)
        language = self._language()
        self.upcoming = [card_for(t, language) for t in found.upcoming]
        self.past = [card_for(t, language) for t in found.past]
        self.summary = summary_words(found.summary, language)
        self.tickets_loaded = True
        return None

    @rx.event
    def open_transfer(self, ticket_id: str) -> None:
        self.transfer_id, self.transfer_email, self.transfer_confirming = ticket_id, "", False
        self.transfer_name = ""
        self.transfer_errors, self.is_transferring = {}, False

    @rx.event
    def close_transfer(self, open_: bool = False) -> None:
        if not open_ and not self.is_transferring:
            self.transfer_id, self.transfer_confirming = "", False

    def _transfer_refused(self, error: DomainError) -> list[rx.event.EventSpec]:
        """A refusal about the address goes under the email field (the dialog stays open with it); any
        other (the ticket was used, the event started) closes the dialog with a toast and a fresh list."""
        self.is_transferring, self.transfer_confirming = False, False
        if isinstance(error, ValidationFailed):
            self.transfer_errors = {
                str(d.path[0]): d.in_language(self._language()) for d in error.details if d.path
            } or {"email": error.in_language(self._language())}
            return []
        self.transfer_id = ""
        return [*self.show_error(error), TicketsState.load_tickets]

    @rx.event
    async def review_transfer(self, form: dict[str, str]):
        """Step one of two: the confirm step shows only once the transfer's own rules accept the
        recipient (a verified account, not the holder) and the ticket (`tickets.check_transfer`)."""
        self.transfer_email = (form.get("email") or "").strip()[:320]
        self.transfer_name = (form.get("attendee_name") or "").strip()[:200]
        self.transfer_errors, self.is_transferring = {}, True
        yield
        try:
            actor = await self.require_user()
            await self._limit("general")
            checked = await call_service(
                tickets.check_transfer,
                actor=actor,
                ticket_id=self.transfer_id,
                recipient_email=self.transfer_email,
                attendee_name=self.transfer_name,
            )
        except DomainError as error:
            if shown := self._transfer_refused(error):
                yield shown
            return
        self.transfer_email, self.is_transferring, self.transfer_confirming = checked.recipient_email, False, True
        self.transfer_name = checked.attendee_name

    @rx.event
    def edit_transfer(self) -> None:
        self.transfer_confirming = False

    @rx.event
    async def confirm_transfer(self):
        self.is_transferring = True
        yield
        try:
            actor = await self.require_user()
            await self._limit("general")
            done = await call_service(
                tickets.transfer_ticket,
                actor=actor,
                ticket_id=self.transfer_id,
                recipient_email=self.transfer_email,
                attendee_name=self.transfer_name,
            )
        except DomainError as error:
            if shown := self._transfer_refused(error):
                yield shown
            return
        self.is_transferring, self.transfer_id, self.transfer_confirming = False, "", False
        yield rx.toast.success(self._t("Ticket sent to {name}. We emailed you both.").format(name=done.recipient_name))
        yield TicketsState.load_tickets

    @rx.event
    def show_qr(self, ticket_id: str) -> None:
        self.shown_qr_id = ticket_id

    @rx.event
    def hide_qr(self, open_: bool = False) -> None:
        if not open_:
            self.shown_qr_id = ""
