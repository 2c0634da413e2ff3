"""The Questions tab of /workspace/{id}/events/{short_id} (#19 §3): the attendee questions checkout
asks, in order, with a dialog to add or edit one (the rules are services/sales/questions.py)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import sales
from eventpalour.services.platform import N_, DomainError, count_words, gettext, said
from eventpalour.services.sales import QuestionRow
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.discount_codes import TierChoice
from eventpalour.state.events import EventManageState, event_in
from eventpalour.state.forms import FormMixin


@dataclass(frozen=True)
class QuestionLine:
    """A question in the tab's list, with what may be done to it (the service's `can_*`)."""

    id: str
    label: str
    kind: str
    scope: str
    required: str
    tiers: str
    options: str
    answers: str
    can_delete: bool
    can_move_up: bool
    can_move_down: bool


@dataclass(frozen=True)
class QuestionForm:
    """The dialog as typed: options one per line."""

    label: str = ""
    kind: str = "short_text"
    options_text: str = ""
    required: bool = False
    per_ticket: bool = False
    tier_ids: tuple[str, ...] = ()


def question_line(row: QuestionRow, language: str = "en") -> QuestionLine:
    return QuestionLine(
        id=row.id,
        label=row.label,
        kind=gettext(language, row.kind_label),
        scope=gettext(language, row.scope_label),
        required=gettext(language, N_("Required") if row.required else N_("Optional")),
        tiers=said(language, row.tiers_label),
        options=", ".join(row.options),
        answers=count_words(row.answers, N_("{count} answer"), N_("{count} answers"), language),
        can_delete=row.can_delete,
        can_move_up=row.can_move_up,
        can_move_down=row.can_move_down,
    )


class EventQuestionsState(FormMixin, AuthState):
    """The Questions tab (the rest of the page is EventManageState)."""

    question_lines: list[QuestionLine] = []
    questions_loaded: bool = False
    questions_problem: str = ""
    tier_choices: list[TierChoice] = []
    form_open: bool = False
    editing_id: str = ""
    form: QuestionForm = QuestionForm()
    _rows: dict[str, QuestionRow] = {}

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    @rx.var
    def asks_options(self) -> bool:
        return sales.is_choice(self.form.kind)

    def _show(self, rows: list[QuestionRow]) -> None:
        self._rows = {row.id: row for row in rows}
        language = self._language()
        self.question_lines = [question_line(row, language) for row in rows]

    @rx.event
    async def load_questions(self):
        self.questions_loaded, self.questions_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            rows = await call_service(sales.list_questions, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.question_lines, self.questions_problem, self.questions_loaded = (
                [],
                error.in_language(self._language()),
                True,
            )
            return
        manage = await self.get_state(EventManageState)
        self._show(rows)
        self.tier_choices = [TierChoice(id=t.id, name=t.name) for t in manage.tier_rows if t.id]
        self.questions_loaded = True

    @rx.event
    def tab_changed(self, tab: str):
        return EventQuestionsState.load_questions if tab == "questions" else None

    @rx.event
    def new_question(self) -> None:
        self.editing_id, self.form, self.field_errors, self.form_error = "", QuestionForm(), {}, ""
        self.form_open = True

    @rx.event
    def edit_question(self, question_id: str) -> None:
        row = self._rows.get(question_id)
        if row is None:
            return
        self.form = QuestionForm(
            label=row.label,
            kind=row.kind,
            options_text="\n".join(row.options),
            required=row.required,
            per_ticket=row.per_ticket,
            tier_ids=row.tier_ids,
        )
        self.editing_id, self.field_errors, self.form_error = question_id, {}, ""
        self.form_open = True

    @rx.event
    def set_form_open(self, is_open: bool) -> None:
        self.form_open = is_open

    @rx.event
    def set_form_field(self, name: str, value: str) -> None:
        limits = {"label": 300, "kind": 20, "options_text": 6000}
        if name in limits:
            self.form = QuestionForm(**{**self.form.__dict__, name: str(value)[: limits[name]]})
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def set_form_flag(self, name: str, checked: bool) -> None:
        if name in ("required", "per_ticket"):
            self.form = QuestionForm(**{**self.form.__dict__, name: bool(checked)})

    @rx.event
    def toggle_tier(self, tier_id: str, checked: bool) -> None:
        kept = tuple(t for t in self.form.tier_ids if t != tier_id) + ((tier_id,) if checked else ())
        self.form = QuestionForm(**{**self.form.__dict__, "tier_ids": kept})

    @rx.event
    async def save_question(self):
        self._start()
        yield
        data = sales.QuestionInput(
            label=self.form.label,
            kind=self.form.kind,
            options=tuple(self.form.options_text.splitlines()),
            required=self.form.required,
            per_ticket=self.form.per_ticket,
            tier_ids=self.form.tier_ids,
        )
        try:
            actor = await self.require_user()
            common = {"actor": actor, "event_id": self._event_ref(), "data": data}
            if self.editing_id:
                rows = await call_service(sales.update_question, question_id=self.editing_id, **common)
            else:
                rows = await call_service(sales.create_question, **common)
        except DomainError as error:
            yield self._fail(error)
            return
        self._show(rows)
        self.is_submitting, self.form_open = False, False
        yield rx.toast.success(self._t(N_("Question saved.")))

    @rx.event
    async def move(self, question_id: str, up: bool):
        try:
            actor = await self.require_user()
            rows = await call_service(
                sales.move_question, actor=actor, event_id=self._event_ref(), question_id=question_id, up=up
            )
        except DomainError as error:
            yield self.show_error(error)
            return
        self._show(rows)

    @rx.event
    async def delete_question(self, question_id: str):
        try:
            actor = await self.require_user()
            rows = await call_service(
                sales.delete_question, actor=actor, event_id=self._event_ref(), question_id=question_id
            )
        except DomainError as error:
            yield self.show_error(error)
            return
        self._show(rows)
        yield rx.toast.success(self._t(N_("Question deleted.")))
