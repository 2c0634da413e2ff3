"""The event page's attendee questions (#19 §3): the form the tickets panel shows once tickets are
picked, before anything is held: the questions asked once per order, then, when the event asks
anything per ticket, one section per ticket with the attendee's name. Every answer is checked by
checkout itself (services/sales/answers.py); its field errors come back under each field here.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.models import QuestionKind
from eventpalour.services.platform import N_, FieldError, gettext
from eventpalour.services.sales import AttendeeAnswers, CheckoutQuestion, TicketAnswers

NAME_FIELD = "name"


@dataclass(frozen=True)
class AnswerField:
    """One input of the form. `key` names its value and error; `aria` is its accessible name."""

    key: str
    label: str
    aria: str
    kind: str
    required: bool
    options: list[str]


@dataclass(frozen=True)
class AnswerSection:
    title: str
    fields: list[AnswerField]


def _field(key: str, question: CheckoutQuestion, section: str, language: str) -> AnswerField:
    label = (
        question.label if question.required else gettext(language, "{label} (optional)").format(label=question.label)
    )
    return AnswerField(
        key=key,
        label=label,
        aria=f"{section}: {question.label}" if section else question.label,
        kind=question.kind,
        required=question.required,
        options=list(question.options),
    )


def _asked_for(question: CheckoutQuestion, tier_ids: set[str]) -> bool:
    return not question.tier_ids or bool(set(question.tier_ids) & tier_ids)


def arrange(
    questions: list[CheckoutQuestion],
    quantities: dict[str, int],
    tier_names: dict[str, str],
    language: str = "en",
) -> tuple[list[AnswerSection], list[tuple[str, int]]]:
    """The form's sections for the picked quantities, and the (tier, seat) of each ticket section in
    the order checkout numbers its `tickets` entries; its own words in the reader's `language`."""
    picked = {tier_id for tier_id, n in quantities.items() if n > 0}
    sections: list[AnswerSection] = []
    per_order = [q for q in questions if not q.per_ticket and _asked_for(q, picked)]
    if per_order:
        title = gettext(language, N_("Your order"))
        sections.append(AnswerSection(title, [_field(f"o.{q.id}", q, "", language) for q in per_order]))
    tickets: list[tuple[str, int]] = []
    if any(q.per_ticket for q in questions):
        number = 0
        for tier_id, name in tier_names.items():
            for seat in range(quantities.get(tier_id, 0)):
                number += 1
                title = gettext(language, "Ticket {number} · {tier}").format(number=number, tier=name)
                prefix = f"t.{tier_id}.{seat}."
                attendee = gettext(language, N_("Attendee's name"))
                fields = [AnswerField(prefix + NAME_FIELD, attendee, f"{title}: {attendee}", "name", True, [])]
                fields += [
                    _field(prefix + q.id, q, title, language)
                    for q in questions
                    if q.per_ticket and _asked_for(q, {tier_id})
                ]
                sections.append(AnswerSection(title, fields))
                tickets.append((tier_id, seat))
    return sections, tickets


class CheckoutAnswersMixin(rx.State, mixin=True):
    """The answers form of EventDetailState: the values typed (a multiple choice's options picked
    are kept in `answer_picks`), and the field errors checkout returned."""

    answer_sections: list[AnswerSection] = []
    answer_values: dict[str, str] = {}
    answer_picks: dict[str, list[str]] = {}
    answer_errors: dict[str, str] = {}
    _questions: list[CheckoutQuestion] = []
    _ticket_seats: list[tuple[str, int]] = []

    def _arrange_answers(self, quantities: dict[str, int], tier_names: dict[str, str]) -> None:
        """Lay the form out for the picked tickets, keeping what was typed in the fields that stay."""
        sections, self._ticket_seats = arrange(self._questions, quantities, tier_names, self._language())
        keys = [field.key for section in sections for field in section.fields]
        self.answer_sections = sections
        self.answer_values = {key: self.answer_values.get(key, "") for key in keys}
        self.answer_picks = {key: self.answer_picks.get(key, []) for key in keys}
        self.answer_errors = {k: v for k, v in self.answer_errors.items() if k in self.answer_values}

    def _clear_answers(self) -> None:
        self.answer_values = dict.fromkeys(self.answer_values, "")
        self.answer_picks = {key: [] for key in self.answer_picks}
        self.answer_errors = {}

    @rx.event
    def set_answer(self, key: str, value: str) -> None:
        if key in self.answer_values:
            self.answer_values = {**self.answer_values, key: str(value)[:2000]}
            self.answer_errors = {k: v for k, v in self.answer_errors.items() if k != key}

    @rx.event
    def pick_option(self, key: str, option: str, checked: bool) -> None:
        if key in self.answer_picks:
            kept = [o for o in self.answer_picks[key] if o != option] + ([option] if checked else [])
            self.answer_picks = {**self.answer_picks, key: kept}
            self.answer_errors = {k: v for k, v in self.answer_errors.items() if k != key}

    def _value(self, key: str, kind: str) -> str | list[str]:
        return (
            self.answer_picks.get(key, []) if kind == QuestionKind.MULTIPLE_CHOICE else self.answer_values.get(key, "")
        )

    def _attendee_answers(self) -> AttendeeAnswers | None:
        """The form as checkout takes it (None: the event asks nothing)."""
        if not self._questions:
            return None
        fields = {field.key: field.kind for section in self.answer_sections for field in section.fields}
        order = {key[2:]: self._value(key, kind) for key, kind in fields.items() if key.startswith("o.")}
        tickets = []
        for tier_id, seat in self._ticket_seats:
            prefix = f"t.{tier_id}.{seat}."
            mine = {key.removeprefix(prefix): kind for key, kind in fields.items() if key.startswith(prefix)}
            answers = {q: self._value(prefix + q, kind) for q, kind in mine.items() if q != NAME_FIELD}
            name = self.answer_values.get(prefix + NAME_FIELD, "")
            tickets.append(TicketAnswers(tier_id=tier_id, name=name, answers=answers))
        return AttendeeAnswers(order=order, tickets=tuple(tickets))

    def _show_answer_problems(self, details: list[FieldError]) -> bool:
        """Put checkout's answer errors under their fields; whether there were any."""
        errors: dict[str, str] = {}
        language = self._language()
        for detail in details:
            path = detail.path
            if path[:2] == ("answers", "order") and len(path) == 3:
                errors[f"o.{path[2]}"] = detail.in_language(language)
            elif path[:2] == ("answers", "tickets") and len(path) == 4 and int(path[2]) < len(self._ticket_seats):
                tier_id, seat = self._ticket_seats[int(path[2])]
                errors[f"t.{tier_id}.{seat}.{path[3]}"] = detail.in_language(language)
        self.answer_errors = errors
        return bool(errors) or any(d.path[:1] == ("answers",) for d in details)
