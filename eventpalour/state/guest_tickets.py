"""/tickets/guest/{token}: a guest buyer's order, opened from the signed link in its confirmation
email (#24 §1), with no account: the event, the tickets' QR codes, and the way to keep them in an account."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import sales
from eventpalour.services.platform import DomainError
from eventpalour.services.tickets import TicketView
from eventpalour.state.base import AuthState, call_service


@dataclass(frozen=True)
class GuestEvent:
    title: str
    schedule: str
    place: str
    organizer: str
    url: str


class GuestTicketsState(AuthState):
    reference: str = ""
    masked_email: str = ""
    event: GuestEvent | None = None
    issued: list[TicketView] = []
    can_claim: bool = False
    sign_up_url: str = ""
    problem: str = ""
    checked: bool = False

    def _token(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    @rx.event
    async def open_link(self):
        self.checked, self.problem, self.issued, self.event = False, "", [], None
        yield
        try:
            await self._limit("general")  # a page anyone can ask with any token
            view = await call_service(sales.guest_order, token=self._token())
        except DomainError as error:
            self.problem, self.checked = error.in_language(self._language()), True
            return
        found = view.event
        self.event = GuestEvent(found.title, found.schedule, found.place, found.organizer, view.event_url)
        self.reference, self.masked_email, self.issued = view.reference, view.email, view.tickets
        self.can_claim, self.sign_up_url, self.checked = view.can_claim, view.sign_up_url, True
