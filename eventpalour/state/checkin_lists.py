"""The Check-in lists tab of /workspace/{id}/events/{short_id} (#21 §5): the event's gates with their
counters, and the form that adds or changes one (name, tiers, daily re-admission, exits). The rules
and every field error are services/tickets/checkin_lists.py's."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from babel.numbers import format_decimal

from eventpalour.services import events, tickets
from eventpalour.services.platform import N_, DomainError, format_locale, gettext, said, ticket_count_words
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import event_in
from eventpalour.state.forms import FormMixin

MAX_TYPED = 200


@dataclass(frozen=True)
class ListLine:
    """One list on the tab."""

    id: str
    name: str
    tiers_label: str
    settings_label: str  # "Re-admits once per day · Counts exits", or ""
    counts_label: str  # "12 of 40 admitted · 3 inside now"
    is_default: bool
    can_delete: bool


@dataclass(frozen=True)
class TierChoice:
    id: str
    name: str


def _line(row: tickets.ListRow, language: str) -> ListLine:
    """A list's card in `language`: its rules, and how many of its tickets came in (whole sentences)."""
    settings = [
        *([N_("Re-admits once per day")] if row.readmit_daily else []),
        *([N_("Counts exits")] if row.count_exits else []),
    ]
    counts = gettext(language, N_("{admitted} of {tickets} admitted")).format(
        admitted=format_decimal(row.admitted, locale=format_locale(language)),
        tickets=ticket_count_words(row.total, language),
    )
    if row.count_exits:
        inside = gettext(language, N_("{count} inside now")).format(
            count=format_decimal(row.inside, locale=format_locale(language))
        )
        counts += f" · {inside}"
    return ListLine(
        id=row.id,
        name=said(language, row.name),
        tiers_label=said(language, row.tiers_label),
        settings_label=" · ".join(gettext(language, text) for text in settings),
        counts_label=counts,
        is_default=row.is_default,
        can_delete=row.can_delete,
    )


class EventCheckInListsState(FormMixin, AuthState):
    """The Check-in lists tab (the rest of the page is EventManageState)."""

    lists_loaded: bool = False
    lists_problem: str = ""
    lines: list[ListLine] = []
    tier_choices: list[TierChoice] = []
    form_open: bool = False
    editing_id: str = ""  # "" while adding a list
    list_name: str = ""
    all_tiers: bool = True
    chosen_tiers: list[str] = []
    readmit_daily: bool = False
    count_exits: bool = False
    _rows: dict[str, tickets.ListRow] = {}

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    @rx.event
    async def load_lists(self):
        self.lists_loaded, self.lists_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            rows = await call_service(tickets.event_checkin_lists, actor=actor, event_id=self._event_ref())
            tiers = await call_service(events.get_tiers, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.lines, self.lists_problem, self.lists_loaded = [], error.in_language(self._language()), True
            return
        self._show(rows)
        self.tier_choices = [TierChoice(t.id, t.name) for t in tiers]
        self.lists_loaded = True

    def _show(self, rows: list[tickets.ListRow]) -> None:
        self._rows = {row.id: row for row in rows}
        language = self._language()
        self.lines = [_line(row, language) for row in rows]

    @rx.event
    def tab_changed(self, tab: str):
        return EventCheckInListsState.load_lists if tab == "checkin" else None

    def _fill(self, row: tickets.ListRow | None) -> None:
        self.field_errors, self.form_error, self.form_open = {}, "", True
        self.editing_id = row.id if row else ""
        self.list_name = said(self._language(), row.name) if row else ""
        self.all_tiers = row.all_tiers if row else True
        self.chosen_tiers = list(row.tier_ids) if row else []
        self.readmit_daily = row.readmit_daily if row else False
        self.count_exits = row.count_exits if row else False

    @rx.event
    def start_new(self) -> None:
        self._fill(None)

    @rx.event
    def start_edit(self, list_id: str) -> None:
        if list_id in self._rows:
            self._fill(self._rows[list_id])

    @rx.event
    def close_form(self) -> None:
        self.form_open, self.field_errors, self.form_error = False, {}, ""

    @rx.event
    def set_list_name(self, value: str) -> None:
        self.list_name = str(value)[:MAX_TYPED]
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "name"}

    @rx.event
    def set_all_tiers(self, value: bool) -> None:
        self.all_tiers = bool(value)
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "tier_ids"}

    @rx.event
    def toggle_tier(self, tier_id: str, on: bool) -> None:
        chosen = [t for t in self.chosen_tiers if t != tier_id]
        self.chosen_tiers = [*chosen, tier_id] if on else chosen
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "tier_ids"}

    @rx.var
    def rule_help(self) -> str:
        """What the door will do with the settings as ticked now."""
        return self._t(tickets.admission_rule(self.readmit_daily, self.count_exits))

    @rx.event
    def set_readmit_daily(self, value: bool) -> None:
        self.readmit_daily = bool(value)

    @rx.event
    def set_count_exits(self, value: bool) -> None:
        self.count_exits = bool(value)

    @rx.event
    async def save_list(self):
        self._start()
        yield
        data = tickets.ListInput(
            name=self.list_name,
            all_tiers=self.all_tiers,
            tier_ids=tuple(self.chosen_tiers),
            readmit_daily=self.readmit_daily,
            count_exits=self.count_exits,
        )
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            if self.editing_id:
                await call_service(
                    tickets.update_checkin_list,
                    actor=actor,
                    event_id=self._event_ref(),
                    list_id=self.editing_id,
                    data=data,
                )
            else:
                await call_service(tickets.create_checkin_list, actor=actor, event_id=self._event_ref(), data=data)
            rows = await call_service(tickets.event_checkin_lists, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            yield self._fail(error)
            return
        self._show(rows)
        self.is_submitting, self.form_open = False, False
        yield rx.toast.success(self._t(N_("Check-in list saved.")))

    @rx.event
    async def delete_list(self, list_id: str):
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            await call_service(tickets.delete_checkin_list, actor=actor, event_id=self._event_ref(), list_id=list_id)
            rows = await call_service(tickets.event_checkin_lists, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            yield self.show_error(error)
            return
        self._show(rows)
        if self.editing_id == list_id:
            self.form_open = False
        yield rx.toast.success(self._t(N_("Check-in list deleted.")))
