"""An event's attendee questions over JSON (#19 §3): list, add, edit, reorder and delete, for the
event's moderators and above. The same service calls as the Questions tab; each answer is the
event's questions in checkout order."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import sales

router = APIRouter(prefix="/api/events", tags=["attendee questions"])

Kind = Literal[
    "short_text",
    "long_text",
    "number",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "email",
    "phone",
    "country",
]


class QuestionIn(StrictIn):
    label: str = Field(max_length=1000)
    kind: Kind
    options: list[Annotated[str, Field(max_length=1000)]] = Field(default=[], max_length=100)
    required: bool = False
    per_ticket: bool = Field(default=False, alias="perTicket")
    tier_ids: list[Annotated[str, Field(max_length=16)]] = Field(default=[], alias="tierIds", max_length=100)

    def as_input(self) -> sales.QuestionInput:
        return sales.QuestionInput(
            label=self.label,
            kind=self.kind,
            options=tuple(self.options),
            required=self.required,
            per_ticket=self.per_ticket,
            tier_ids=tuple(self.tier_ids),
        )


class MoveIn(StrictIn):
    direction: Literal["up", "down"]


class QuestionOut(BaseModel):
    id: str
    label: str
    kind: str
    options: list[str]
    required: bool
    per_ticket: bool
    tier_ids: list[str]
    position: int
    answers: int
    can_delete: bool


def _out(rows: list[sales.QuestionRow]) -> list[QuestionOut]:
    return [
        QuestionOut(
            id=row.id,
            label=row.label,
            kind=row.kind,
            options=list(row.options),
            required=row.required,
            per_ticket=row.per_ticket,
            tier_ids=list(row.tier_ids),
            position=row.position,
            answers=row.answers,
            can_delete=row.can_delete,
        )
        for row in rows
    ]


@router.get("/{event_id}/questions", responses=answers(403, 404))
def list_questions(event_id: str, user: CurrentUser) -> list[QuestionOut]:
    """The event's questions, in the order checkout asks them."""
    return _out(sales.list_questions(actor=user, event_id=event_id))


@router.post("/{event_id}/questions", status_code=201, responses=answers(403, 404))
def create_question(event_id: str, body: QuestionIn, user: CurrentUser) -> list[QuestionOut]:
    """A new question, asked last (choice kinds need 2–50 options; `tierIds` empty: every ticket)."""
    return _out(sales.create_question(actor=user, event_id=event_id, data=body.as_input()))


@router.put("/{event_id}/questions/{question_id}", responses=answers(403, 404))
def update_question(event_id: str, question_id: str, body: QuestionIn, user: CurrentUser) -> list[QuestionOut]:
    """New wording, kind, options, scope or tiers for a question."""
    return _out(sales.update_question(actor=user, event_id=event_id, question_id=question_id, data=body.as_input()))


@router.post("/{event_id}/questions/{question_id}/move", responses=answers(403, 404))
def move_question(event_id: str, question_id: str, body: MoveIn, user: CurrentUser) -> list[QuestionOut]:
    """Ask a question one place earlier or later."""
    rows = sales.move_question(actor=user, event_id=event_id, question_id=question_id, up=body.direction == "up")
    return _out(rows)


@router.delete("/{event_id}/questions/{question_id}", responses=answers(403, 404, 409))
def delete_question(event_id: str, question_id: str, user: CurrentUser) -> list[QuestionOut]:
    """Delete a question nobody has answered yet (409 once it has answers)."""
    return _out(sales.delete_question(actor=user, event_id=event_id, question_id=question_id))
