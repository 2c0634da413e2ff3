"""Answers to attendee questions as organizers read them (#19 §3): on the Orders tab (per order, and
each ticket's attendee and answers), and on the attendee list and its CSV (one column per question,
a filter by answer for the questions with a fixed set of answers). A per-order answer belongs to
every ticket of the order; a per-ticket one to the ticket at its place (`order_item_id`, `seat`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists
from sqlmodel import Session, col, select

from eventpalour.models import FILTERABLE_KINDS, OrderAnswer, OrderItem, Question, QuestionKind, Ticket
from eventpalour.services.platform import N_, Joined, Message
from eventpalour.services.sales.answer_rules import NO, YES, YES_NO_WORDS, shown_value


@dataclass(frozen=True)
class QuestionColumn:
    """A question as a column of the attendee list and CSV; `choices` (value, label) to filter by."""

    id: str
    label: str
    kind: str
    per_ticket: bool
    choices: tuple[tuple[str, str], ...]


def question_columns(session: Session, event_id: str) -> list[QuestionColumn]:
    """The event's questions in checkout order."""
    found = session.exec(
        select(Question)
        .where(Question.event_id == event_id)
        .order_by(col(Question.position), col(Question.created_at), col(Question.id))
    ).all()
    return [
        QuestionColumn(
            id=q.id,
            label=q.label,
            kind=q.kind,
            per_ticket=q.per_ticket,
            choices=_choices(q.kind, q.options or []),
        )
        for q in found
    ]


def _choices(kind: str, options: Sequence[str]) -> tuple[tuple[str, str], ...]:
    if kind not in FILTERABLE_KINDS:
        return ()
    if kind == QuestionKind.YES_NO:
        return tuple((value, Message(YES_NO_WORDS[value])) for value in (YES, NO))
    return tuple((option, option) for option in options)


def answer_condition(question: QuestionColumn, answer: str) -> ColumnElement[bool]:
    """Tickets (rows of `tickets`) whose answer to `question` is `answer` (one of its choices; a
    multiple choice: among those picked), for the attendee list's filter."""
    answers = OrderAnswer.__table__.c
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        matched = answers.value.contains(json.dumps(answer), autoescape=True)
    else:
        matched = answers.value == answer
    if question.per_ticket:
        place = and_(answers.order_item_id == col(Ticket.order_item_id), answers.seat == col(Ticket.seat))
    else:
        place = and_(answers.order_id == col(Ticket.order_id), answers.seat.is_(None))
    return exists().where(answers.question_id == question.id, place, matched)


@dataclass(frozen=True, slots=True)
class TicketPlace:
    """Where a ticket's answers are: its order, and its line and seat."""

    order_id: str
    order_item_id: str
    seat: int


def _stored(session: Session, order_ids: Sequence[str]) -> list[tuple[OrderAnswer, str, str]]:
    if not order_ids:
        return []
    return list(
        session.exec(
            select(OrderAnswer, Question.kind, Question.label)
            .join(Question, col(Question.id) == col(OrderAnswer.question_id))
            .where(col(OrderAnswer.order_id).in_(list(set(order_ids))))
            .order_by(col(Question.position), col(Question.created_at))
        ).all()
    )


def answers_of_tickets(session: Session, places: Sequence[TicketPlace]) -> list[dict[str, str]]:
    """Each ticket's answers as shown ({question id: text}), its order's per-order answers included."""
    per_order: dict[str, dict[str, str]] = defaultdict(dict)
    per_seat: dict[tuple[str | None, int | None], dict[str, str]] = defaultdict(dict)
    for answer, kind, _label in _stored(session, [p.order_id for p in places]):
        shown = shown_value(kind, answer.value)
        if answer.seat is None:
            per_order[answer.order_id][answer.question_id] = shown
        else:
            per_seat[(answer.order_item_id, answer.seat)][answer.question_id] = shown
    return [{**per_order[p.order_id], **per_seat[(p.order_item_id, p.seat)]} for p in places]


def answer_line(question: str, answer: str) -> Message:
    """ "T-shirt size: L": a question (as the organizer wrote it) and its shown answer, one sentence
    per language ("Taille : L" in French); the answer said in the reader's language when it is the
    system's word (Yes/No, a country)."""
    return Message(N_("{question}: {answer}"), question=question, answer=answer)


def order_answer_lines(session: Session, order_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The Orders tab's account of each order's answers: "Label: answer" for the per-order ones, then
    one line per named ticket: "VIP 1 · Amina Njeri — T-shirt size: L"."""
    lines: dict[str, list[str]] = defaultdict(list)
    per_seat: dict[tuple[str | None, int | None], list[Message]] = defaultdict(list)
    for answer, kind, label in _stored(session, order_ids):
        text = answer_line(label, shown_value(kind, answer.value))
        if answer.seat is None:
            lines[answer.order_id].append(text)
        else:
            per_seat[(answer.order_item_id, answer.seat)].append(text)
    if order_ids:
        items = session.exec(
            select(OrderItem)
            .where(col(OrderItem.order_id).in_(list(order_ids)), col(OrderItem.attendee_names).is_not(None))
            .order_by(col(OrderItem.tier_id))
        ).all()
        for item in items:
            for seat, name in enumerate(item.attendee_names or []):
                ticket = f"{item.tier_name} {seat + 1} · {name}"
                answered = per_seat[(item.id, seat)]
                lines[item.order_id].append(Joined([ticket, Joined(answered, "; ")], " — ") if answered else ticket)
    return {order_id: tuple(found) for order_id, found in lines.items()}
