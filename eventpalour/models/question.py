"""Attendee questions (#19 §3): what an event asks its buyers at checkout, and their answers.

A question is asked once per order (e.g. "How did you hear about us?") or once per ticket (e.g.
"Dietary needs", with the attendee's name beside it). Per-ticket answers are kept with the order
line and the ticket's place in it (`order_item_id`, `seat`), which every ticket of that line
carries (models/order.py `Ticket.seat`), so a ticket keeps its answers through a transfer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"


CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
"""Kinds answered by picking from the question's options."""
FILTERABLE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.YES_NO)
"""Kinds the attendee list can filter by (a fixed set of answers)."""


class Question(SQLModel, table=True):
    """A question an event asks, e.g. "T-shirt size" (single choice S/M/L, required, per ticket, VIP
    only). `all_tiers` False limits it to the tiers in event_question_tiers; `position` orders the form."""

    __tablename__ = "event_questions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('short_text', 'long_text', 'number', 'single_choice', 'multiple_choice', "
            "'yes_no', 'email', 'phone', 'country')",
            name="ck_event_questions_kind",
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=16, ondelete="CASCADE")
    label: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    options: list[str] = Field(default_factory=list, sa_type=JSON)
    required: bool = Field(default=False)
    per_ticket: bool = Field(default=False)
    all_tiers: bool = Field(default=True)
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestionTier(SQLModel, table=True):
    """A tier a question is asked for (only read when the question's `all_tiers` is False)."""

    __tablename__ = "event_question_tiers"

    question_id: str = Field(foreign_key="event_questions.id", primary_key=True, max_length=16, ondelete="CASCADE")
    tier_id: str = Field(foreign_key="ticket_tiers.id", primary_key=True, max_length=16, ondelete="CASCADE")


class OrderAnswer(SQLModel, table=True):
    """One answer, e.g. order EVT-…, "T-shirt size" = "M" for the 2nd VIP ticket (`order_item_id`
    the VIP line, `seat` 1). A per-order answer has neither. `value` is stored normalised (a phone
    as +CC…, a country as its ISO code, a multiple choice as a JSON list, yes/no as "yes"/"no")."""

    __tablename__ = "order_answers"
    __table_args__ = (Index("ix_order_answers_item_seat", "order_item_id", "seat"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=16, ondelete="CASCADE")
    question_id: str = Field(foreign_key="event_questions.id", index=True, max_length=16)
    order_item_id: str | None = Field(default=None, foreign_key="order_items.id", max_length=16, ondelete="CASCADE")
    seat: int | None = Field(default=None)
    value: str = Field(max_length=2000)
