"""Changing the answers of a completed order (#19 §3): the organizer (moderator and above) at any
time, the buyer until the event starts. The new answers replace all of the order's answers and pass
checkout's own rules (`answers.check_answers`: every bad answer a field error, nothing changed); the
attendees' names change on the order's lines and on its tickets still valid, so the door greets the
right name. Every change is audit logged (who, which order, which questions)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, update
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    Event,
    Order,
    OrderAnswer,
    OrderItem,
    OrderStatus,
    QuestionKind,
    Ticket,
    TicketStatus,
    WorkspaceMember,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound, PermissionDenied
from eventpalour.services.sales import answers as attendee_answers
from eventpalour.services.sales.answers import AnswerValue, AttendeeAnswers, TicketAnswers
from eventpalour.services.sales.questions import CheckoutQuestion
from eventpalour.services.workspaces import WorkspaceAction, allows

# Orders whose tickets stand (a partly refunded order keeps its other tickets and their answers).
EDITABLE_STATUSES = (OrderStatus.COMPLETED.value, OrderStatus.PARTIALLY_REFUNDED.value)
BUYER_TOO_LATE = N_("The event has started: answers can no longer be changed. Ask the organizer.")

_tickets = Ticket.__table__
_SET_TICKET_NAME = (
    update(_tickets)
    .where(
        and_(
            _tickets.c.order_item_id == bindparam("item_id"),
            _tickets.c.seat == bindparam("ticket_seat"),
            _tickets.c.status == TicketStatus.VALID.value,
        )
    )
    .values(attendee_name=bindparam("new_name"))
)


@dataclass(frozen=True)
class OrderAnswersForm:
    """An order's questions and current answers, to edit them: `answers` as checkout takes them
    (a multiple choice's picks as a list), `seats` the (tier id, tier name) of each ticket entry."""

    order_id: str
    reference: str
    questions: tuple[CheckoutQuestion, ...]
    answers: AttendeeAnswers
    seats: tuple[tuple[str, str], ...]
    can_edit: bool
    edit_refusal: str


def _load(session: Session, actor: UserSummary | None, order_id: str) -> tuple[Order, Event, bool]:
    """The order, its event, and whether the actor edits as its organizer (else as its buyer)."""
    if actor is None:
        raise NotAuthenticated()
    found = session.exec(
        select(Order, Event).join(Event, col(Event.id) == col(Order.event_id)).where(Order.id == (order_id or ""))
    ).first()
    if found is None:
        raise NotFound(N_("This order does not exist."))
    order, event = found
    role = session.exec(
        select(WorkspaceMember.role).where(
            WorkspaceMember.workspace_id == event.workspace_id, WorkspaceMember.user_id == actor.id
        )
    ).first()
    # Moderators and above, who see the attendees and their answers, may correct them.
    organizer = role is not None and allows(role, WorkspaceAction.VIEW_ATTENDEES)
    if not organizer and order.buyer_id != actor.id:
        raise NotFound(N_("This order does not exist."))
    return order, event, organizer


def _refusal(order: Order, event: Event, organizer: bool) -> str:
    if order.status not in EDITABLE_STATUSES:
        return N_("Only the answers of a completed order can be changed.")
    if not organizer and event.start_at <= utcnow():
        return BUYER_TOO_LATE
    return ""


def _lines(session: Session, order_id: str) -> list[OrderItem]:
    return list(session.exec(select(OrderItem).where(OrderItem.order_id == order_id).order_by(col(OrderItem.tier_id))))


def order_answers_form(*, actor: UserSummary | None, order_id: str) -> OrderAnswersForm:
    """The order's questions and answers as they stand, for its organizer or its buyer."""
    with read_only() as session:
        order, event, organizer = _load(session, actor, order_id)
        asked = attendee_answers.asked_questions(session.connection(), event.id)
        lines = _lines(session, order.id)
        stored = session.exec(select(OrderAnswer).where(OrderAnswer.order_id == order.id)).all()
    kinds = {q.id: q.kind for q in asked}
    per_order: dict[str, AnswerValue] = {}
    per_seat: dict[tuple[str | None, int | None], dict[str, AnswerValue]] = defaultdict(dict)
    for answer in stored:
        value: AnswerValue = answer.value
        if kinds.get(answer.question_id) == QuestionKind.MULTIPLE_CHOICE:
            value = json.loads(answer.value)
        if answer.seat is None:
            per_order[answer.question_id] = value
        else:
            per_seat[(answer.order_item_id, answer.seat)][answer.question_id] = value
    tickets: list[TicketAnswers] = []
    seats: list[tuple[str, str]] = []
    if any(q.per_ticket for q in asked):
        for line in lines:
            names = line.attendee_names or []
            for seat in range(line.quantity):
                name = names[seat] if seat < len(names) else ""
                tickets.append(TicketAnswers(line.tier_id, name, per_seat[(line.id, seat)]))
                seats.append((line.tier_id, line.tier_name))
    refusal = _refusal(order, event, organizer)
    return OrderAnswersForm(
        order_id=order.id,
        reference=order.reference,
        questions=tuple(
            CheckoutQuestion(
                q.id, q.label, q.kind, q.options, q.required, q.per_ticket, tuple(sorted(q.tier_ids or ()))
            )
            for q in asked
        ),
        answers=AttendeeAnswers(order=per_order, tickets=tuple(tickets)),
        seats=tuple(seats),
        can_edit=not refusal,
        edit_refusal=refusal,
    )


def edit_order_answers(*, actor: UserSummary | None, order_id: str, answers: AttendeeAnswers) -> OrderAnswersForm:
    """Replace the order's answers (and attendee names) with `answers`, checked as at checkout.
    Raises NotAuthenticated, NotFound (neither its buyer nor its organizer), Conflict (not a
    completed order), PermissionDenied (the buyer after the event started), ValidationFailed
    (under "answers", as at checkout: nothing changed)."""
    with transaction() as session:
        order, event, organizer = _load(session, actor, order_id)
        refusal = _refusal(order, event, organizer)
        if refusal == BUYER_TOO_LATE:
            raise PermissionDenied(refusal)
        if refusal:
            raise Conflict(refusal)
        connection = session.connection()
        asked = attendee_answers.asked_questions(connection, event.id)
        lines = _lines(session, order.id)
        wanted = {line.tier_id: line.quantity for line in lines}
        checked = attendee_answers.check_answers(asked, wanted, answers, order.currency)
        connection.execute(delete(OrderAnswer.__table__).where(OrderAnswer.__table__.c.order_id == order.id))
        attendee_answers.insert_answers(connection, checked.rows(order.id, {line.tier_id: line.id for line in lines}))
        renamed = 0
        for line in lines:
            names = checked.names.get(line.tier_id)
            if names is None:
                continue
            line.attendee_names = names
            for seat, name in enumerate(names):
                renamed += connection.execute(
                    _SET_TICKET_NAME, {"item_id": line.id, "ticket_seat": seat, "new_name": name}
                ).rowcount
        admin.record_audit(
            session,
            action="order.answers",
            actor_id=actor.id,
            target=("order", order.id),
            details={
                "as": "organizer" if organizer else "buyer",
                "questions": sorted({q for q, _ in checked.order} | _ticket_questions(checked)),
                "tickets_renamed": renamed,
            },
        )
    return order_answers_form(actor=actor, order_id=order_id)


def _ticket_questions(checked: attendee_answers.CheckedAnswers) -> set[str]:
    return {q for seats in checked.tickets.values() for seat in seats for q, _ in seat}


__all__ = ["OrderAnswersForm", "edit_order_answers", "order_answers_form"]
