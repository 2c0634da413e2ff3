"""Answers at checkout (#19 §3): which questions an order is asked, the buyer's answers checked all
at once (every bad one a field error, nothing held or saved), and the rows that keep them.

Checkout reads the questions only for an event that has some (`EventOnSale.has_questions`, read in
the same query as the event), so an event without questions pays no extra round trip. When the event
asks anything per ticket, every ticket of the order carries its attendee's name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from eventpalour.models import Event, OrderAnswer, Question, QuestionTier
from eventpalour.models.types import new_id
from eventpalour.services.platform import N_, FieldError, ValidationFailed
from eventpalour.services.sales.answer_rules import BadAnswer, check_answer, check_name

_questions = Question.__table__
_question_tiers = QuestionTier.__table__
_answers = OrderAnswer.__table__
_events = Event.__table__

AnswerValue = str | Sequence[str]


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A question as checkout asks it. `tier_ids` None: asked for every tier."""

    id: str
    label: str
    kind: str
    options: tuple[str, ...]
    required: bool
    per_ticket: bool
    tier_ids: frozenset[str] | None

    def asks_for(self, tier_ids: set[str] | frozenset[str]) -> bool:
        """Whether any of these tiers is asked this question."""
        return self.tier_ids is None or bool(self.tier_ids & tier_ids)


@dataclass(frozen=True)
class TicketAnswers:
    """One ticket's attendee: the name and the per-ticket answers (by question id)."""

    tier_id: str
    name: str = ""
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)


@dataclass(frozen=True)
class AttendeeAnswers:
    """What a buyer answered: per-order answers by question id, and one entry per ticket, in the
    order of the tickets of each tier (the k-th entry of a tier is that tier's seat k)."""

    order: Mapping[str, AnswerValue] = field(default_factory=dict)
    tickets: Sequence[TicketAnswers] = ()


@dataclass(frozen=True)
class CheckedAnswers:
    """Answers as stored: per order, and per tier and seat; `names` per tier (empty: none asked)."""

    order: tuple[tuple[str, str], ...] = ()
    names: Mapping[str, list[str]] = field(default_factory=dict)
    tickets: Mapping[str, list[list[tuple[str, str]]]] = field(default_factory=dict)

    def rows(self, order_id: str, item_of_tier: Mapping[str, str]) -> list[dict[str, Any]]:
        """The order_answers rows of an order whose line for each tier is `item_of_tier[tier]`."""
        made = [_row(order_id, question_id, value) for question_id, value in self.order]
        for tier_id, seats in self.tickets.items():
            for seat, answers in enumerate(seats):
                made += [_row(order_id, q, v, item_of_tier[tier_id], seat) for q, v in answers]
        return made


NO_ANSWERS = CheckedAnswers()


def _row(order_id: str, question_id: str, value: str, item_id: str | None = None, seat: int | None = None) -> dict:
    return {
        "id": new_id(),
        "order_id": order_id,
        "question_id": question_id,
        "order_item_id": item_id,
        "seat": seat,
        "value": value,
    }


_ASKED_ALL = (
    select(
        _questions.c.id,
        _questions.c.label,
        _questions.c.kind,
        _questions.c.options,
        _questions.c.required,
        _questions.c.per_ticket,
        _questions.c.all_tiers,
        _question_tiers.c.tier_id,
    )
    .select_from(_questions.outerjoin(_question_tiers, _question_tiers.c.question_id == _questions.c.id))
    .order_by(_questions.c.position, _questions.c.created_at, _questions.c.id)
)
_ASKED = _ASKED_ALL.where(_questions.c.event_id == bindparam("event_id"))


# The same, for an event named by id or short id (the event page's checkout form).
_ASKED_BY_REF = _ASKED_ALL.where(
    _questions.c.event_id
    == select(_events.c.id)
    .where((_events.c.id == bindparam("ref")) | (_events.c.short_id == bindparam("ref")))
    .scalar_subquery()
)


def asked_questions(connection: Connection, event_id: str, *, by_ref: bool = False) -> tuple[AskedQuestion, ...]:
    """The event's questions in form order, with the tiers each is asked for (one query). `by_ref`:
    `event_id` may be the event's short id."""
    found: dict[str, dict[str, Any]] = {}
    statement, params = (_ASKED_BY_REF, {"ref": event_id}) if by_ref else (_ASKED, {"event_id": event_id})
    for row in connection.execute(statement, params):
        entry = found.setdefault(row.id, {"row": row, "tiers": set()})
        if row.tier_id is not None:
            entry["tiers"].add(row.tier_id)
    return tuple(
        AskedQuestion(
            id=row.id,
            label=row.label,
            kind=row.kind,
            options=tuple(row.options or ()),
            required=row.required,
            per_ticket=row.per_ticket,
            tier_ids=None if row.all_tiers else frozenset(tiers),
        )
        for row, tiers in ((entry["row"], entry["tiers"]) for entry in found.values())
    )


def check_answers(
    asked: Sequence[AskedQuestion], wanted: Mapping[str, int], given: AttendeeAnswers | None, currency: str
) -> CheckedAnswers:
    """The buyer's answers for an order of `wanted` tickets, as stored; or ValidationFailed with a
    field error for every bad answer (paths ("answers", "order", question id) and ("answers",
    "tickets", entry index, question id or "name"))."""
    given = given or AttendeeAnswers()
    problems: list[FieldError] = []
    tiers = set(wanted)
    asked_once = {q.id for q in asked if not q.per_ticket}
    asked_each = {q.id for q in asked if q.per_ticket}
    for question_id in given.order:
        if question_id not in asked_once:
            problems.append(FieldError(("answers", "order", question_id), N_("This question is not asked per order.")))
    for index, entry in enumerate(given.tickets):
        for question_id in entry.answers:
            if question_id not in asked_each:
                path = ("answers", "tickets", index, question_id)
                problems.append(FieldError(path, N_("This question is not asked per ticket.")))
    order: list[tuple[str, str]] = []
    for question in asked:
        if question.per_ticket or not question.asks_for(tiers):
            continue
        _check(question, given.order.get(question.id), currency, ("answers", "order", question.id), order, problems)
    per_ticket = [q for q in asked if q.per_ticket]
    if not per_ticket:
        if given.tickets:
            problems.append(FieldError(("answers", "tickets"), N_("This event asks nothing per ticket.")))
        _refuse(problems)
        return CheckedAnswers(order=tuple(order))
    names: dict[str, list[str]] = defaultdict(list)
    tickets: dict[str, list[list[tuple[str, str]]]] = defaultdict(list)
    for index, entry in enumerate(given.tickets):
        if entry.tier_id not in tiers or len(names[entry.tier_id]) >= wanted[entry.tier_id]:
            problems.append(FieldError(("answers", "tickets", index), N_("This ticket is not in the order.")))
            continue
        names[entry.tier_id].append(_name(entry.name, ("answers", "tickets", index, "name"), problems))
        seat: list[tuple[str, str]] = []
        for question in per_ticket:
            if question.asks_for({entry.tier_id}):
                path = ("answers", "tickets", index, question.id)
                _check(question, entry.answers.get(question.id), currency, path, seat, problems)
        tickets[entry.tier_id].append(seat)
    if any(len(names[tier_id]) != n for tier_id, n in wanted.items()):
        problems.append(FieldError(("answers", "tickets"), N_("Give each ticket its attendee's name and answers.")))
    _refuse(problems)
    return CheckedAnswers(order=tuple(order), names=dict(names), tickets=dict(tickets))


def _check(
    question: AskedQuestion,
    raw: AnswerValue | None,
    currency: str,
    path: tuple[str | int, ...],
    into: list[tuple[str, str]],
    problems: list[FieldError],
) -> None:
    try:
        value = check_answer(question.kind, question.options, question.required, raw, currency)
    except BadAnswer as bad:
        problems.append(bad.field_error(path))
        return
    if value is not None:
        into.append((question.id, value))


def _name(raw: str, path: tuple[str | int, ...], problems: list[FieldError]) -> str:
    try:
        return check_name(raw)
    except BadAnswer as bad:
        problems.append(bad.field_error(path))
        return ""


def _refuse(problems: list[FieldError]) -> None:
    if problems:
        raise ValidationFailed(
            # The first problem is said inside in the reader's language too (errors.py: a FieldError value).
            N_("Check the answers: {message}"),
            values={"message": problems[0]},
            details=problems,
        )


_INSERT_ANSWERS = insert(_answers)


def insert_answers(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write an order's answers (no statement at all when there are none)."""
    if rows:
        connection.execute(_INSERT_ANSWERS, list(rows))
