"""The Codes tab of /workspace/{id}/events/{short_id} (#19): the event's discount and access codes
with their uses, a form to create or edit one, bulk creation of single-use codes, deleting a code no
order has carried, and the CSV download."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import platform, sales
from eventpalour.services.platform import N_, DomainError, event_when, gettext, said
from eventpalour.services.sales import CodeForm, CodeRow
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import EventManageState, event_in
from eventpalour.state.forms import FormMixin

KINDS = ("percent", "fixed", sales.NO_DISCOUNT)


@dataclass(frozen=True)
class CodeLine:
    """A code in the tab's list, with what may be done to it (the service's `can_*`)."""

    id: str
    code: str
    label: str
    tiers: str
    unlocks: str
    uses: str
    valid: str
    status: str
    can_deactivate: bool
    can_activate: bool
    can_delete: bool


@dataclass(frozen=True)
class TierChoice:
    id: str
    name: str


def _valid(row: CodeRow, zone_name: str, language: str) -> str:
    start = event_when(row.valid_from, zone_name, language=language) if row.valid_from else ""
    end = event_when(row.valid_until, zone_name, language=language) if row.valid_until else ""
    if start and end:
        return f"{start} – {end}"
    if start:
        return gettext(language, N_("From {start}")).format(start=start)
    return gettext(language, N_("Until {end}")).format(end=end) if end else gettext(language, N_("Always"))


def _discount(row: CodeRow, currency: str, language: str) -> str:
    """ "50% off", "KES 500.00 off", or "No discount", in `language`."""
    if row.kind is None or row.value is None:
        return gettext(language, N_("No discount"))
    if row.kind == "percent":
        return gettext(language, N_("{percent}% off")).format(percent=row.value)
    return gettext(language, N_("{amount} off")).format(amount=platform.format_money(row.value, currency, language))


def _uses(row: CodeRow, language: str) -> str:
    """ "3 of 10", "3 of unlimited (+1 held)": the uses sold, the limit and the uses held by open orders."""
    limit = gettext(language, N_("unlimited")) if row.max_uses is None else str(row.max_uses)
    uses = gettext(language, N_("{used} of {limit}")).format(used=row.uses_sold, limit=limit)
    if row.uses_held:
        return gettext(language, N_("{uses} (+{count} held)")).format(uses=uses, count=row.uses_held)
    return uses


def code_line(row: CodeRow, zone_name: str, currency: str, language: str) -> CodeLine:
    """A code's row in `language`; the tier names are the organizer's own."""
    return CodeLine(
        id=row.id,
        code=row.code,
        label=_discount(row, currency, language),
        tiers=said(language, row.tiers_label),
        unlocks=row.unlocks_label,
        uses=_uses(row, language),
        valid=_valid(row, zone_name, language),
        status=gettext(language, N_("Active") if row.active else N_("Inactive")),
        can_deactivate=row.can_deactivate,
        can_activate=row.can_activate,
        can_delete=row.can_delete,
    )


class EventCodesState(FormMixin, AuthState):
    """The Codes tab (the rest of the page is EventManageState)."""

    code_lines: list[CodeLine] = []
    codes_loaded: bool = False
    codes_problem: str = ""
    tier_choices: list[TierChoice] = []
    hidden_choices: list[TierChoice] = []  # the hidden tiers a code may unlock
    form_open: bool = False
    editing_id: str = ""
    form: CodeForm = CodeForm()
    bulk_open: bool = False
    bulk_count: str = "50"
    bulk_prefix: str = ""
    _rows: dict[str, CodeRow] = {}

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    @rx.var
    def csv_url(self) -> str:
        ref = self._event_ref()
        return settings.api_url + routes.discount_codes_csv_url(ref) if ref else ""

    @rx.var
    def percent_kind(self) -> bool:
        return self.form.kind == "percent"

    @rx.var
    def has_discount(self) -> bool:
        return self.form.kind != sales.NO_DISCOUNT

    @rx.event
    async def load_codes(self):
        self.codes_loaded, self.codes_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            rows = await call_service(sales.list_codes, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.code_lines, self.codes_problem, self.codes_loaded = [], error.in_language(self._language()), True
            return
        manage = await self.get_state(EventManageState)
        zone_name = manage.event.timezone or "UTC"
        self._rows = {row.id: row for row in rows}
        language, currency = self._language(), str(manage.values.get("currency") or "KES")
        self.code_lines = [code_line(row, zone_name, currency, language) for row in rows]
        self.tier_choices = [TierChoice(id=t.id, name=t.name) for t in manage.tier_rows if t.id]
        self.hidden_choices = [TierChoice(id=t.id, name=t.name) for t in manage.tier_rows if t.id and t.hidden]
        self.codes_loaded = True

    @rx.event
    def tab_changed(self, tab: str):
        return EventCodesState.load_codes if tab == "codes" else None

    @rx.event
    def new_code(self) -> None:
        self.editing_id, self.form, self.field_errors, self.form_error = "", CodeForm(), {}, ""
        self.form_open = True

    @rx.event
    async def edit_code(self, code_id: str) -> None:
        row = self._rows.get(code_id)
        if row is None:
            return
        manage = await self.get_state(EventManageState)
        currency = str(manage.values.get("currency") or "KES")
        self.form = sales.form_of(row, currency, manage.event.timezone or "UTC")
        self.editing_id, self.field_errors, self.form_error = code_id, {}, ""
        self.form_open = True

    @rx.event
    def set_form_open(self, is_open: bool) -> None:
        self.form_open = is_open

    @rx.event
    def set_bulk_open(self, is_open: bool) -> None:
        self.bulk_open = is_open
        if is_open:
            self.form, self.field_errors, self.form_error = CodeForm(), {}, ""

    @rx.event
    def set_form_field(self, name: str, value: str) -> None:
        if name in ("code", "kind", "value", "valid_from_local", "valid_until_local", "max_uses", "per_buyer_limit"):
            self.form = CodeForm(**{**self.form.__dict__, name: str(value)[:100]})
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def set_bulk_field(self, name: str, value: str) -> None:
        if name == "count":
            self.bulk_count = str(value)[:6]
        elif name == "prefix":
            self.bulk_prefix = str(value)[:40]

    @rx.event
    def toggle_tier(self, tier_id: str, checked: bool) -> None:
        kept = tuple(t for t in self.form.tier_ids if t != tier_id) + ((tier_id,) if checked else ())
        self.form = CodeForm(**{**self.form.__dict__, "tier_ids": kept})

    @rx.event
    def toggle_unlock(self, tier_id: str, checked: bool) -> None:
        kept = tuple(t for t in self.form.unlock_tier_ids if t != tier_id) + ((tier_id,) if checked else ())
        self.form = CodeForm(**{**self.form.__dict__, "unlock_tier_ids": kept})
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "unlock_tier_ids"}

    @rx.event
    def toggle_form_active(self, checked: bool) -> None:
        self.form = CodeForm(**{**self.form.__dict__, "active": bool(checked)})

    @rx.event
    async def save_code(self):
        self._start()
        yield
        try:
            actor = await self.require_user()
            row = await call_service(
                sales.save_code_form,
                actor=actor,
                event_id=self._event_ref(),
                code_id=self.editing_id,
                form=self.form,
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.form_open = False, False
        yield rx.toast.success(self._t(N_("Code {code} saved.")).format(code=row.code))
        yield EventCodesState.load_codes

    @rx.event
    async def bulk_create(self):
        self._start()
        yield
        try:
            actor = await self.require_user()
            made = await call_service(
                sales.bulk_create_from_form,
                actor=actor,
                event_id=self._event_ref(),
                count=self.bulk_count,
                prefix=self.bulk_prefix,
                form=self.form,
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.bulk_open = False, False
        created = platform.count_words(
            len(made), N_("{count} single-use code"), N_("{count} single-use codes"), self._language()
        )
        yield rx.toast.success(self._t(N_("{codes} created. Download them as CSV.")).format(codes=created))
        yield EventCodesState.load_codes

    @rx.event
    async def set_active(self, code_id: str, active: bool):
        try:
            actor = await self.require_user()
            row = await call_service(
                sales.set_code_active, actor=actor, event_id=self._event_ref(), code_id=code_id, active=active
            )
        except DomainError as error:
            yield self.show_error(error)
            return
        done = N_("Code {code} activated.") if row.active else N_("Code {code} deactivated.")
        yield rx.toast.success(self._t(done).format(code=row.code))
        yield EventCodesState.load_codes

    @rx.event
    async def delete_code(self, code_id: str):
        """Delete a code no order has carried (the service refuses the others, with the reason)."""
        try:
            actor = await self.require_user()
            text = await call_service(sales.delete_code, actor=actor, event_id=self._event_ref(), code_id=code_id)
        except DomainError as error:
            yield self.show_error(error)
            return
        yield rx.toast.success(self._t(N_("Code {code} deleted.")).format(code=text))
        yield EventCodesState.load_codes
