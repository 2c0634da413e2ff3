"""/announcements/unsubscribe/{token}: the link in every announcement email. Opening the page stops
that event's announcements to that address; a button brings them back.

The opt-out runs from the page's load event (over the websocket, once the page's script runs), not
from the GET of the link: mail scanners that fetch links to check them change nothing."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.services import tickets
from eventpalour.services.platform import N_, DomainError
from eventpalour.state.base import AuthState, call_service


class AnnouncementUnsubscribeState(AuthState):
    event_title: str = ""
    event_path: str = ""
    masked_email: str = ""
    subscribed: bool = False
    problem: str = ""
    checked: bool = False
    is_busy: bool = False

    def _token(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    def _show(self, view: tickets.Subscription) -> None:
        self.event_title, self.masked_email, self.subscribed = view.event_title, view.masked_email, view.subscribed
        self.event_path = routes.event_url(view.event_short_id)
        self.problem, self.checked, self.is_busy = "", True, False

    @rx.event
    async def open_link(self):
        self.checked, self.problem = False, ""
        yield
        try:
            await self._limit("general")
            view = await call_service(tickets.unsubscribe_from_announcements, token=self._token())
        except DomainError as error:
            self.problem, self.checked = error.in_language(self._language()), True
            return
        self._show(view)

    async def _change(self, fn, done: str):  # noqa: ANN001
        self.is_busy = True
        yield
        try:
            await self._limit("general")
            view = await call_service(fn, token=self._token())
        except DomainError as error:
            self.is_busy = False
            yield self.show_error(error)
            return
        self._show(view)
        yield rx.toast.success(self._t(done))

    @rx.event
    async def resubscribe(self):
        async for step in self._change(
            tickets.resubscribe_to_announcements, N_("You will get this event's announcements again.")
        ):
            yield step

    @rx.event
    async def unsubscribe(self):
        async for step in self._change(
            tickets.unsubscribe_from_announcements, N_("Unsubscribed from this event's announcements.")
        ):
            yield step
