"""The manage page's "Waiting room" (#18): the organizer turns an event's fair queue on or off, sets
when it opens, when admission starts and the rate, and watches the queue's figures live
(sales.set_waiting_room, sales.waiting_room_settings)."""

from __future__ import annotations

import asyncio
import math

import reflex as rx

from eventpalour.services import sales
from eventpalour.services.platform import N_, DomainError, Figure, count_words, gettext
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import event_in
from eventpalour.state.forms import FormMixin

_FIELDS = {"opens_at": "opens_local", "starts_at": "starts_local", "rate_per_minute": "rate_per_minute"}
REFRESH_SECONDS = 5
WATCH_MINUTES = 30  # a tab left open stops asking after this; the Refresh button starts it again


class EventWaitingRoomState(FormMixin, AuthState):
    enabled: bool = False
    opens_local: str = ""
    starts_local: str = ""
    rate_per_minute: str = ""
    timezone: str = ""
    has_room: bool = False
    figures_status: str = ""  # "Not on", "Open: admission starts …", "Admitting"
    waiting: str = ""
    admitted: str = ""
    entered: str = ""
    rate_label: str = ""
    clear_label: str = ""
    loaded: bool = False
    load_problem: str = ""
    _watch: int = 0  # which watch is current: a newer one (another load) ends the older loop

    def _show(self, room: sales.WaitingRoomSettings) -> None:
        self.enabled, self.opens_local, self.starts_local = room.enabled, room.opens_local, room.starts_local
        self.rate_per_minute, self.timezone = str(room.rate_per_minute), room.timezone
        self._show_figures(room)

    def _show_figures(self, room: sales.WaitingRoomSettings) -> None:
        report = room.report
        self.has_room = report is not None
        if report is None:
            return
        language = self._language()
        if not report.active:
            opens = gettext(language, N_("Opens {when}")).format(when=room.opens_label)
            self.figures_status = opens if room.enabled else gettext(language, N_("Off"))
        elif not report.started:
            self.figures_status = gettext(language, N_("Open: admission starts {when}")).format(when=room.starts_label)
        else:
            self.figures_status = gettext(language, N_("Admitting visitors"))
        # Each figure with the reader's digit grouping ("1,234", "1 234").
        self.waiting = Figure(report.waiting).in_language(language)
        self.admitted = Figure(report.admitted).in_language(language)
        self.entered = Figure(report.entered).in_language(language)
        count = Figure(report.rate_per_minute).in_language(language)
        self.rate_label = gettext(language, N_("{count} a minute")).format(count=count)
        minutes = math.ceil(report.clear_seconds / 60)
        about = count_words(minutes, N_("About {count} minute"), N_("About {count} minutes"), language)
        self.clear_label = about if report.waiting else gettext(language, N_("Nobody waiting"))

    async def _read(self) -> sales.WaitingRoomSettings:
        actor = await self.require_user()
        return await call_service(
            sales.waiting_room_settings,
            actor=actor,
            event_id=event_in(self.router.url.path),
            language=self._language(),
        )

    @rx.event
    async def load_room(self):
        """on_load: the form and the figures, then keep the figures fresh while the page is open."""
        self.loaded, self.load_problem = False, ""
        self.reset_form()  # the page's `form=` is the Codes tab's: this form clears its own
        try:
            self._show(await self._read())
        except DomainError as error:
            self.load_problem = error.in_language(self._language())
            return None
        self.loaded = True
        self._watch += 1
        return EventWaitingRoomState.watch_figures

    @rx.event(background=True)
    async def watch_figures(self):
        """Refresh the queue's figures every few seconds, for as long as this is the newest watch."""
        async with self:
            mine = self._watch
        for _ in range(WATCH_MINUTES * 60 // REFRESH_SECONDS):
            await asyncio.sleep(REFRESH_SECONDS)
            async with self:
                if self._watch != mine or event_in(self.router.url.path) == "":
                    return
                try:
                    self._show_figures(await self._read())
                except DomainError:
                    return

    @rx.event
    async def refresh_figures(self):
        try:
            self._show_figures(await self._read())
        except DomainError as error:
            return self.show_error(error)
        self._watch += 1
        return EventWaitingRoomState.watch_figures

    @rx.event
    def set_enabled(self, value: bool) -> None:
        self.enabled = bool(value)

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        """A typed value of the form (controlled inputs); its error goes once it is edited."""
        if name in _FIELDS:
            setattr(self, _FIELDS[name], str(value)[:40])
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    async def save_room(self, form_data: dict[str, str]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            room = await call_service(
                sales.set_waiting_room,
                actor=actor,
                event_id=event_in(self.router.url.path),
                enabled=self.enabled,
                opens_local=str(form_data.get("opens_at", ""))[:40],
                starts_local=str(form_data.get("starts_at", ""))[:40],
                rate_per_minute=str(form_data.get("rate_per_minute", ""))[:20],
                language=self._language(),
            )
        except DomainError as error:
            for step in self._fail(error):
                yield step
            return
        self.is_submitting = False
        self._show(room)
        yield rx.toast.success(self._t(N_("Waiting room on.") if room.enabled else N_("Waiting room off.")))
