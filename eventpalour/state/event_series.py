"""The Repeat tab of /workspace/{id}/events/{short_id} (#22 §3): make the event a series (daily,
weekly or monthly with an end date or a number of dates, or picked dates) and list its dates."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import events
from eventpalour.services.platform import N_, DomainError, ValidationFailed, said
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import EventManageState, event_in
from eventpalour.state.forms import FormMixin

RULE_CHOICES = (
    ("daily", N_("Daily")),
    ("weekly", N_("Weekly")),
    ("monthly", N_("Monthly")),
    ("dates", N_("Pick dates")),
)
CHANGE_CHOICES = (
    ("extend", N_("Add dates after the last one")),
    ("rerule", N_("Change the rule from this date")),
)
TYPED_CHOICES = ("rule", "interval", "ends", "count", "until_date", "new_date", "change_mode")
MAX_TYPED = 10  # "YYYY-MM-DD" and small numbers


@dataclass(frozen=True)
class DateLine:
    """One date of the series on the tab: its day and time, status, seats, and where to manage it."""

    short_id: str
    label: str
    status: str
    availability: str
    is_current: bool
    manage_path: str


@dataclass(frozen=True)
class KeptLine:
    """A date the new rule would drop that stays, and why."""

    label: str
    reason: str


def _number(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValidationFailed.field(field, N_("Enter a whole number.")) from None


class EventSeriesState(FormMixin, AuthState):
    """The Repeat tab (the rest of the page is EventManageState)."""

    series_loaded: bool = False
    series_problem: str = ""
    series_label: str = ""
    can_repeat: bool = False
    date_lines: list[DateLine] = []
    rule: str = "weekly"
    interval: str = "1"
    ends: str = "count"  # "count" or "until"
    count: str = "4"
    until_date: str = ""
    new_date: str = ""
    picked_dates: list[str] = []
    can_change_rule: bool = False
    change_mode: str = "extend"  # "extend" or "rerule" (services/events/series_changes.py)
    has_preview: bool = False
    preview_added: list[str] = []
    preview_removed: list[str] = []
    preview_kept: list[KeptLine] = []
    preview_total: int = 0

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    def _show(self, view: events.SeriesView) -> None:
        self.series_label = said(self._language(), view.label)
        self.can_repeat, self.can_change_rule = view.can_repeat, view.can_change_rule
        if not self.can_change_rule:
            self.change_mode = "extend"
        self.date_lines = [
            DateLine(d.short_id, d.label, d.status, d.availability, d.is_current, d.manage_path) for d in view.dates
        ]

    @rx.event
    async def load_series(self):
        self.series_loaded, self.series_problem, self.has_preview = False, "", False
        yield
        try:
            actor = await self.require_user()
            view = await call_service(
                events.get_event_series, actor=actor, event_id=self._event_ref(), language=self._language()
            )
        except DomainError as error:
            self.date_lines, self.series_problem, self.series_loaded = [], error.in_language(self._language()), True
            return
        self._show(view)
        self.series_loaded = True

    @rx.event
    def tab_changed(self, tab: str):
        return EventSeriesState.load_series if tab == "repeat" else None

    @rx.event
    def set_choice(self, name: str, value: str) -> None:
        """The rule, interval, end, count or end date as typed (the service checks them)."""
        if name in TYPED_CHOICES:
            setattr(self, name, str(value)[:MAX_TYPED])
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}
            self.has_preview = False  # a preview shows the choices it was made from

    @rx.event
    def add_date(self) -> None:
        day = self.new_date.strip()
        if day and day not in self.picked_dates:
            self.picked_dates = sorted([*self.picked_dates, day])
        self.new_date, self.has_preview = "", False
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "dates"}

    @rx.event
    def remove_date(self, day: str) -> None:
        self.picked_dates = [d for d in self.picked_dates if d != day]
        self.has_preview = False

    def _input(self) -> events.SeriesInput:
        if self.rule == "dates":
            return events.SeriesInput(rule="dates", dates=tuple(self.picked_dates))
        by_count = self.ends == "count"
        return events.SeriesInput(
            rule=self.rule,
            interval=_number(self.interval, "interval"),
            count=_number(self.count, "count") if by_count else None,
            until_date="" if by_count else self.until_date,
        )

    @rx.event
    async def create_series(self):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            view = await call_service(
                events.create_series,
                actor=actor,
                event_id=self._event_ref(),
                data=self._input(),
                language=self._language(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.picked_dates = False, []
        self._show(view)
        manage = await self.get_state(EventManageState)
        # The page's actions now offer "this and later dates" on the details form.
        yield await manage._reload(self._t(N_("The event now repeats: {rule}.")).format(rule=self.series_label))

    @rx.event
    async def preview_change(self):
        """Show the dates the change would add, remove and keep, before anything changes."""
        self._start()
        self.has_preview = False
        yield
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            plan = await call_service(
                events.preview_series_change,
                actor=actor,
                event_id=self._event_ref(),
                mode=self.change_mode,
                data=self._input(),
                language=self._language(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.preview_added, self.preview_removed = plan.added, plan.removed
        self.preview_kept = [KeptLine(k.label, self._t(k.reason)) for k in plan.kept]
        self.preview_total, self.has_preview, self.is_submitting = plan.total, True, False

    @rx.event
    def close_preview(self) -> None:
        self.has_preview = False

    @rx.event
    async def confirm_change(self):
        """Make the previewed change (the service plans it again from the same choices)."""
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            view = await call_service(
                events.change_series_dates,
                actor=actor,
                event_id=self._event_ref(),
                mode=self.change_mode,
                data=self._input(),
                language=self._language(),
            )
        except DomainError as error:
            self.has_preview = False
            yield self._fail(error)
            return
        self.is_submitting, self.has_preview, self.picked_dates = False, False, []
        self._show(view)
        yield rx.toast.success(self._t(N_("Dates updated: {rule}.")).format(rule=self.series_label))
