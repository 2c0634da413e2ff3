"""/checkout/return: the buyer is back from Paystack; confirm the payment and say how it went."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import sales, tickets
from eventpalour.services.platform import N_, DomainError
from eventpalour.services.sales import OrderEvent
from eventpalour.services.tickets import TicketView
from eventpalour.state.base import AuthState, call_service

POLL_SECONDS = 3
POLL_TIMES = 40


@dataclass(frozen=True)
class BoughtFor:
    """The event the order is for, as the success page shows it: when (in the event's zone), where
    ("Online" for an online event), who organizes it, and a calendar invite (a ticket's .ics, which
    needs the buyer signed in, so "" without one of their tickets)."""

    title: str
    schedule: str
    place: str
    organizer: str
    calendar_url: str


def bought_for(found: OrderEvent, shown: list[TicketView], language: str = "en") -> BoughtFor:
    ticket = next((t for t in shown if t.has_calendar), None)
    return BoughtFor(
        title=found.title,
        schedule=found.schedule_in(language),
        place=found.place,
        organizer=found.organizer,
        calendar_url=settings.api_url + routes.ticket_calendar_url(ticket.ticket_id) if ticket else "",
    )


class CheckoutReturnState(AuthState):
    outcome: str = ""
    message: str = ""
    reference: str = ""
    event_title: str = ""
    event_url: str = routes.EVENTS
    issued_tickets: list[TicketView] = []
    bought: BoughtFor | None = None
    _found: OrderEvent | None = None

    @rx.event
    async def confirm(self):
        """on_load: verify through the API (the webhook may not have come yet)."""
        params = self.router.url.query_parameters
        self.reference = params.get("reference") or params.get("trxref") or ""
        self.outcome, self.message, self.issued_tickets, self.bought = "", "", [], None
        found = await call_service(sales.event_of_order, reference=self.reference)
        self._found = found
        self.event_title = found.title if found else ""
        self.event_url = routes.event_url(found.short_id) if found else routes.EVENTS
        if not self.reference:
            self.outcome, self.message = "failed", self._t(N_("This page needs a payment reference."))
            return None
        try:
            result = await call_service(sales.verify_payment, reference=self.reference)
        except DomainError as error:
            self.outcome, self.message = "failed", error.in_language(self._language())
            return None
        self.outcome, self.message = result.status, self._t(result.message)
        if result.has_tickets:
            await self._show_tickets()
        return CheckoutReturnState.keep_checking if result.is_waiting else None

    async def _show_tickets(self) -> None:
        """The event's date, place and organizer, and the buyer's tickets with their QR codes and
        calendar invite (the tickets when the browser is signed in as the buyer)."""
        user = await self.current_user()
        if user is not None:
            try:
                self.issued_tickets = await call_service(tickets.order_tickets, actor=user, reference=self.reference)
            except DomainError:
                self.issued_tickets = []
        self.bought = bought_for(self._found, self.issued_tickets, self._language()) if self._found else None

    @rx.event(background=True)
    async def keep_checking(self):
        """Still pending: ask again every few seconds for two minutes; the email follows either way."""
        for _ in range(POLL_TIMES):
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                reference = self.reference
            try:
                result = await asyncio.to_thread(sales.verify_payment, reference)
            except DomainError:
                return
            if not result.is_waiting:
                async with self:
                    self.outcome, self.message = result.status, self._t(result.message)
                    if result.has_tickets:
                        await self._show_tickets()
                return
