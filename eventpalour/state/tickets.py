"""/tickets: the signed-in person's tickets, and giving one to someone else."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import tickets, transfers
from eventpalour.services.dates import clock, event_schedule
from eventpalour.services.errors import DomainError, ValidationFailed
from eventpalour.services.money import price_label
from eventpalour.services.tickets import HeldTicket
from eventpalour.state.base import AuthState, call_service


def ticket_dict(card: HeldTicket) -> dict[str, str]:
    """A card's display text; what it offers are the service's flags. Links to the API are absolute: in
    development the API has its own port."""
    return {
        "id": card.ticket_id,
        "code": card.short_code,
        "status": card.status,
        "status_label": card.status_label,
        "tier": card.tier_name,
        "price": price_label(card.price, card.currency),
        "event": card.event_title,
        "event_url": routes.event_url(card.event_short_id),
        "when": event_schedule(card.event_start, card.event_end, card.event_timezone),
        "place": card.place,
        "organizer": card.organizer,
        "verified": "yes" if card.organizer_verified else "",
        "qr": card.qr_data_uri,
        "from": card.transferred_from,
        "to": card.transferred_to,
        "used_at": clock(card.used_at, card.event_timezone) if card.used_at else "",
        "calendar_url": settings.api_url + routes.ticket_calendar_url(card.ticket_id),
        "image_url": settings.api_url + routes.ticket_image_url(card.ticket_id),
        "can_transfer": "yes" if card.can_transfer else "",
        "can_download": "yes" if card.can_download else "",
        "has_calendar": "yes" if card.has_calendar else "",
    }


class TicketsState(AuthState):
    upcoming: list[dict[str, str]] = []
    past: list[dict[str, str]] = []
    tickets_loaded: bool = False
    transfer_id: str = ""  # the ticket whose transfer dialog is open
    transfer_email: str = ""
    transfer_confirming: bool = False
    transfer_errors: dict[str, str] = {}
    is_transferring: bool = False
    shown_qr_id: str = ""  # the ticket shown full screen at the door

    @rx.var
    def shown_ticket(self) -> dict[str, str]:
        return next((t for t in self.upcoming + self.past if t["id"] == self.shown_qr_id), {})

    @rx.var
    def transfer_code(self) -> str:
        found = next((t for t in self.upcoming if t["id"] == self.transfer_id), None)
        return found["code"] if found else ""

    @rx.event
    async def load_tickets(self):
        self.tickets_loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(tickets.get_user_tickets, actor=actor)
        except DomainError as error:
            self.tickets_loaded = True
            return self.show_error(error)
        self.upcoming = [ticket_dict(card) for card in found.upcoming]
        self.past = [ticket_dict(card) for card in found.past]
        self.tickets_loaded = True
        return None

    @rx.event
    def open_transfer(self, ticket_id: str) -> None:
        self.transfer_id, self.transfer_email, self.transfer_confirming = ticket_id, "", False
        self.transfer_errors, self.is_transferring = {}, False

    @rx.event
    def close_transfer(self, open_: bool = False) -> None:
        if not open_ and not self.is_transferring:
            self.transfer_id, self.transfer_confirming = "", False

    @rx.event
    def review_transfer(self, form: dict[str, str]) -> None:
        """Step one of two: the email is only checked for shape here; the service decides the rest."""
        self.transfer_email = (form.get("email") or "").strip()[:320]
        if "@" not in self.transfer_email:
            self.transfer_errors = {"email": "Enter the email address of their EventPalour account."}
            return
        self.transfer_errors, self.transfer_confirming = {}, True

    @rx.event
    def edit_transfer(self) -> None:
        self.transfer_confirming = False

    @rx.event
    async def confirm_transfer(self):
        self.is_transferring = True
        yield
        try:
            actor = await self.require_user()
            self._limit("general")
            done = await call_service(
                transfers.transfer_ticket, actor=actor, ticket_id=self.transfer_id, recipient_email=self.transfer_email
            )
        except ValidationFailed as error:
            self.is_transferring, self.transfer_confirming = False, False
            self.transfer_errors = {str(d.path[0]): d.message for d in error.details if d.path} or {
                "email": error.message
            }
            return
        except DomainError as error:
            self.is_transferring, self.transfer_id = False, ""
            yield self.show_error(error)
            yield TicketsState.load_tickets
            return
        self.is_transferring, self.transfer_id, self.transfer_confirming = False, "", False
        yield rx.toast.success(f"Ticket sent to {done.recipient_name}. We emailed you both.")
        yield TicketsState.load_tickets

    @rx.event
    def show_qr(self, ticket_id: str) -> None:
        self.shown_qr_id = ticket_id

    @rx.event
    def hide_qr(self, open_: bool = False) -> None:
        if not open_:
            self.shown_qr_id = ""
