"""An order's answers to the attendee questions over JSON (#19 §3): read and replace them, for the
event's organizers (moderator and above) at any time and the buyer until the event starts. The same
service calls as the Orders tab's and the account's "Edit answers"."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from eventpalour.api.checkout import AnswersIn
from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import sales

router = APIRouter(prefix="/api/orders", tags=["attendee questions"])


class TicketAnswersOut(BaseModel):
    tierId: str  # noqa: N815  (JSON field names are camelCase)
    tierName: str  # noqa: N815
    name: str
    answers: dict[str, str | list[str]]


class OrderAnswersOut(BaseModel):
    """The order's answers by question id (a multiple choice as the options picked), and one
    `tickets` entry per ticket when the event asks anything per ticket."""

    orderId: str  # noqa: N815
    reference: str
    order: dict[str, str | list[str]]
    tickets: list[TicketAnswersOut]
    canEdit: bool  # noqa: N815
    editRefusal: str  # noqa: N815


def _out(form: sales.OrderAnswersForm) -> OrderAnswersOut:
    return OrderAnswersOut(
        orderId=form.order_id,
        reference=form.reference,
        order={q: v if isinstance(v, str) else list(v) for q, v in form.answers.order.items()},
        tickets=[
            TicketAnswersOut(
                tierId=ticket.tier_id,
                tierName=tier_name,
                name=ticket.name,
                answers={q: v if isinstance(v, str) else list(v) for q, v in ticket.answers.items()},
            )
            for ticket, (_, tier_name) in zip(form.answers.tickets, form.seats, strict=True)
        ],
        canEdit=form.can_edit,
        editRefusal=form.edit_refusal,
    )


@router.get("/{order_id}/answers", responses=answers(404))
def read(order_id: str, user: CurrentUser) -> OrderAnswersOut:
    """The order's answers as they stand (its buyer, or the event's moderators and above)."""
    return _out(sales.order_answers_form(actor=user, order_id=order_id))


@router.put("/{order_id}/answers", responses=answers(403, 404, 409))
def replace(order_id: str, body: AnswersIn, user: CurrentUser) -> OrderAnswersOut:
    """Replace the order's answers and attendee names, checked as at checkout (400 with a field
    error per bad answer under "answers"; nothing changes). 403 the buyer after the event started,
    409 not a completed order. Audit logged."""
    return _out(sales.edit_order_answers(actor=user, order_id=order_id, answers=body.as_answers()))
