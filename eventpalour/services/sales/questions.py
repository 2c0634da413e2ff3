"""Managing an event's attendee questions (#19 §3): moderators and above add, edit, reorder and delete
them on the Questions tab and over the API. Checkout asks them (services/sales/answers.py); this
module only writes what organizers decide, and reads them for the checkout form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import CHOICE_KINDS, OrderAnswer, Question, QuestionKind, QuestionTier, TicketTier
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    Message,
    NotFound,
    ValidationFailed,
    clean_line,
    plural,
)
from eventpalour.services.sales.answer_rules import COUNTRY_CHOICES
from eventpalour.services.sales.answers import asked_questions
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

LABEL_MAX = 200
OPTION_MAX = 100
OPTIONS_MAX = 50
QUESTIONS_MAX = 50

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: N_("Short text"),
    QuestionKind.LONG_TEXT: N_("Long text"),
    QuestionKind.NUMBER: N_("Number"),
    QuestionKind.SINGLE_CHOICE: N_("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: N_("Multiple choice"),
    QuestionKind.YES_NO: N_("Yes / no"),
    QuestionKind.EMAIL: N_("Email"),
    QuestionKind.PHONE: N_("Phone"),
    QuestionKind.COUNTRY: N_("Country"),
}
"""Every kind and its label, in the order the Questions tab offers them."""


@dataclass(frozen=True)
class QuestionInput:
    """What an organizer enters. `options` only for choice kinds; `tier_ids` empty: every tier."""

    label: str
    kind: str
    options: tuple[str, ...] = ()
    required: bool = False
    per_ticket: bool = False
    tier_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionRow:
    """A question as the Questions tab and the API show it."""

    id: str
    label: str
    kind: str
    kind_label: str
    options: tuple[str, ...]
    required: bool
    per_ticket: bool
    scope_label: str
    tier_ids: tuple[str, ...]
    tiers_label: str
    position: int
    answers: int
    answers_label: str
    can_delete: bool
    can_move_up: bool
    can_move_down: bool


def is_choice(kind: str) -> bool:
    """Whether the kind is answered from the question's options."""
    return kind in CHOICE_KINDS


def _cleaned(data: QuestionInput, tiers: dict[str, str]) -> QuestionInput:
    """`data` with its text cleaned, or ValidationFailed naming every field that is wrong."""
    problems: list[FieldError] = []
    label = clean_line(data.label)
    if not label:
        problems.append(FieldError(("label",), N_("Enter the question.")))
    elif len(label) > LABEL_MAX:
        problems.append(FieldError(("label",), N_("Keep the question to {count} characters."), {"count": LABEL_MAX}))
    if data.kind not in KIND_LABELS:
        problems.append(FieldError(("kind",), N_("Choose what kind of answer to ask for.")))
    options = tuple(o for o in (clean_line(option) for option in data.options) if o)
    if is_choice(data.kind):
        if len(options) < 2:
            problems.append(FieldError(("options",), N_("Give at least two options, one per line.")))
        elif len(options) > OPTIONS_MAX:
            problems.append(FieldError(("options",), N_("Give at most {count} options."), {"count": OPTIONS_MAX}))
        elif any(len(option) > OPTION_MAX for option in options):
            problems.append(
                FieldError(("options",), N_("Keep each option to {count} characters."), {"count": OPTION_MAX})
            )
        elif len({option.casefold() for option in options}) != len(options):
            problems.append(FieldError(("options",), N_("Each option must be different.")))
    else:
        options = ()
    if any(tier_id not in tiers for tier_id in data.tier_ids):
        problems.append(FieldError(("tier_ids",), N_("Choose tickets of this event.")))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return QuestionInput(label, data.kind, options, data.required, data.per_ticket, tuple(dict.fromkeys(data.tier_ids)))


def _tiers_of(session: Session, event_id: str) -> dict[str, str]:
    rows = session.exec(
        select(TicketTier.id, TicketTier.name).where(TicketTier.event_id == event_id).order_by(TicketTier.sort_order)
    ).all()
    return {tier_id: name for tier_id, name in rows}


def _questions_of(session: Session, event_id: str) -> list[Question]:
    return list(
        session.exec(
            select(Question)
            .where(Question.event_id == event_id)
            .order_by(col(Question.position), col(Question.created_at), col(Question.id))
        ).all()
    )


def _rows(session: Session, event_id: str) -> list[QuestionRow]:
    questions = _questions_of(session, event_id)
    tiers = _tiers_of(session, event_id)
    ids = [q.id for q in questions]
    links: dict[str, list[str]] = {question_id: [] for question_id in ids}
    counts: dict[str, int] = {}
    if ids:
        for link in session.exec(select(QuestionTier).where(col(QuestionTier.question_id).in_(ids))):
            links[link.question_id].append(link.tier_id)
        counted = session.exec(
            select(OrderAnswer.question_id, func.count())
            .where(col(OrderAnswer.question_id).in_(ids))
            .group_by(col(OrderAnswer.question_id))
        )
        counts = dict(counted.all())
    last = len(questions) - 1
    return [
        _row(question, index, last, links[question.id], tiers, counts.get(question.id, 0))
        for index, question in enumerate(questions)
    ]


def _row(
    question: Question, index: int, last: int, tier_ids: list[str], tiers: dict[str, str], answers: int
) -> QuestionRow:
    return QuestionRow(
        id=question.id,
        label=question.label,
        kind=question.kind,
        kind_label=KIND_LABELS.get(question.kind, question.kind),
        options=tuple(question.options or ()),
        required=question.required,
        per_ticket=question.per_ticket,
        scope_label=N_("Each ticket") if question.per_ticket else N_("Once per order"),
        tier_ids=tuple(tier_ids),
        tiers_label=Message(N_("All tickets"))
        if question.all_tiers
        else ", ".join(tiers.get(t, "?") for t in tier_ids),
        position=index,
        answers=answers,
        answers_label=plural(answers, "answer"),
        can_delete=answers == 0,
        can_move_up=index > 0,
        can_move_down=index < last,
    )


def list_questions(*, actor: UserSummary | None, event_id: str) -> list[QuestionRow]:
    """The event's questions in the order checkout asks them (moderators and above)."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        return _rows(session, event.id)


def _write_tiers(session: Session, question_id: str, tier_ids: Sequence[str]) -> None:
    for link in session.exec(select(QuestionTier).where(QuestionTier.question_id == question_id)):
        session.delete(link)
    session.flush()
    for tier_id in tier_ids:
        session.add(QuestionTier(question_id=question_id, tier_id=tier_id))


def _apply(question: Question, data: QuestionInput) -> None:
    question.label = data.label
    question.kind = data.kind
    question.options = list(data.options)
    question.required = data.required
    question.per_ticket = data.per_ticket
    question.all_tiers = not data.tier_ids


def create_question(*, actor: UserSummary | None, event_id: str, data: QuestionInput) -> list[QuestionRow]:
    """A new question, asked last. Returns the event's questions. Raises NotAuthenticated, NotFound,
    PermissionDenied, ValidationFailed."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        data = _cleaned(data, _tiers_of(session, event.id))
        existing = _questions_of(session, event.id)
        if len(existing) >= QUESTIONS_MAX:
            raise ValidationFailed.field("label", N_("An event asks at most {count} questions."), count=QUESTIONS_MAX)
        question = Question(event_id=event.id, label=data.label, kind=data.kind, position=len(existing))
        _apply(question, data)
        session.add(question)
        session.flush()
        _write_tiers(session, question.id, data.tier_ids)
        session.flush()
        return _rows(session, event.id)


def _load(session: Session, actor: UserSummary | None, event_id: str, question_id: str) -> Question:
    event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
    question = session.get(Question, question_id or "")
    if question is None or question.event_id != event.id:
        raise NotFound(N_("This question does not exist."))
    return question


def update_question(
    *, actor: UserSummary | None, event_id: str, question_id: str, data: QuestionInput
) -> list[QuestionRow]:
    """New wording, kind, options or scope for a question (answers given so far stay as given)."""
    with transaction() as session:
        question = _load(session, actor, event_id, question_id)
        data = _cleaned(data, _tiers_of(session, question.event_id))
        _apply(question, data)
        session.add(question)
        _write_tiers(session, question.id, data.tier_ids)
        session.flush()
        return _rows(session, question.event_id)


def delete_question(*, actor: UserSummary | None, event_id: str, question_id: str) -> list[QuestionRow]:
    """Stop asking a question nobody has answered yet (answers are part of orders: a question with
    answers can be made optional, not deleted). Raises Conflict when it has answers."""
    with transaction() as session:
        question = _load(session, actor, event_id, question_id)
        answered = session.exec(select(OrderAnswer.id).where(OrderAnswer.question_id == question.id)).first()
        if answered is not None:
            raise Conflict(N_("Buyers have answered this question, so it stays. Make it optional instead."))
        event_key = question.event_id
        session.delete(question)
        session.flush()
        for position, other in enumerate(_questions_of(session, event_key)):
            other.position = position
            session.add(other)
        session.flush()
        return _rows(session, event_key)


def move_question(*, actor: UserSummary | None, event_id: str, question_id: str, up: bool) -> list[QuestionRow]:
    """Ask a question one place earlier (`up`) or later in the checkout form."""
    with transaction() as session:
        question = _load(session, actor, event_id, question_id)
        ordered = _questions_of(session, question.event_id)
        index = next(i for i, q in enumerate(ordered) if q.id == question.id)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, each in enumerate(ordered):
            each.position = position
            session.add(each)
        session.flush()
        return _rows(session, question.event_id)


@dataclass(frozen=True)
class CheckoutQuestion:
    """A question as the event page's checkout form asks it. `tier_ids` empty: every tier."""

    id: str
    label: str
    kind: str
    options: tuple[str, ...]
    required: bool
    per_ticket: bool
    tier_ids: tuple[str, ...]


def checkout_questions(*, event_id: str) -> list[CheckoutQuestion]:
    """The questions the event's checkout asks, in order (public: anyone who can see the event page)."""
    with read_only() as reader:
        return checkout_questions_in(reader.connection(), event_id)


def checkout_questions_in(connection: Connection, event_id: str) -> list[CheckoutQuestion]:
    """`checkout_questions` in the caller's read (the event page reads them with the event)."""
    asked = asked_questions(connection, event_id, by_ref=True)
    return [
        CheckoutQuestion(
            id=q.id,
            label=q.label,
            kind=q.kind,
            options=q.options,
            required=q.required,
            per_ticket=q.per_ticket,
            tier_ids=tuple(sorted(q.tier_ids)) if q.tier_ids is not None else (),
        )
        for q in asked
    ]


def country_choices() -> tuple[tuple[str, str], ...]:
    """(ISO code, name) of every country, for a country question's list."""
    return COUNTRY_CHOICES
