"""Refund requests over JSON (#19 §5): a buyer asks for a refund of their order; the event's
workspace admins list the requests waiting and approve or decline them; moderators and above set
the event's refund policy. The same service calls as /account/orders, the Orders tab and the form."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import events, sales

router = APIRouter(tags=["refund requests"])

_TicketId = Annotated[str, Field(max_length=16)]


class RefundRequestIn(StrictIn):
    """The tickets to refund (ids of valid tickets of the order you still hold) and why."""

    ticket_ids: list[_TicketId] = Field(alias="ticketIds", max_length=100)
    reason: str = Field(max_length=5000)


class DeclineIn(StrictIn):
    reason: str = Field(max_length=5000)


class RefundPolicyIn(StrictIn):
    """`none`, `days_before` (with `days`, 1–365) or `until_start`; `text` is the organizer's own words."""

    policy: str = Field(max_length=32)
    days: int | None = Field(default=None, ge=-(2**31), le=2**31 - 1)
    text: str = Field(default="", max_length=5000)


class RefundPolicyOut(BaseModel):
    policy: str
    days: int | None
    text: str


class RefundRequestOut(BaseModel):
    id: str
    orderId: str  # noqa: N815  (JSON field names are camelCase)
    reference: str
    status: str = Field(description="pending, approved or declined")
    amount: int = Field(description="What the chosen tickets come to, in minor units of `currency`.")
    currency: str
    ticketCodes: list[str]  # noqa: N815
    reason: str
    decisionReason: str  # noqa: N815
    createdAt: datetime  # noqa: N815
    buyerName: str = ""  # noqa: N815
    buyerEmail: str = ""  # noqa: N815
    canApprove: bool = False  # noqa: N815
    approveRefusal: str = ""  # noqa: N815
    policy: str = Field(default="", description="The refund policy the order was placed under, in one line.")

    @classmethod
    def of(cls, view: sales.RefundRequestView) -> RefundRequestOut:
        return cls(
            id=view.id,
            orderId=view.order_id,
            reference=view.reference,
            status=view.status,
            amount=view.amount,
            currency=view.currency,
            ticketCodes=view.ticket_codes,
            reason=view.reason,
            decisionReason=view.decision_reason,
            createdAt=view.created_at,
            buyerName=view.buyer_name,
            buyerEmail=view.buyer_email,
            canApprove=view.can_approve,
            approveRefusal=view.approve_refusal,
            policy=view.policy,
        )


@router.post("/api/orders/{order_id}/refund-requests", status_code=201, responses=answers(404, 409))
def request_refund(order_id: str, body: RefundRequestIn, user: CurrentUser) -> RefundRequestOut:
    """Ask for a refund of your paid order, within the event's refund policy (one open request per order)."""
    view = sales.request_refund(actor=user, order_id=order_id, ticket_ids=body.ticket_ids, reason=body.reason)
    return RefundRequestOut.of(view)


@router.get("/api/events/{event_id}/refund-requests", responses=answers(403, 404))
def list_requests(event_id: str, user: CurrentUser) -> list[RefundRequestOut]:
    """The event's refund requests waiting for an answer, oldest first (workspace admin and above)."""
    return [RefundRequestOut.of(view) for view in sales.event_refund_requests(actor=user, event_id=event_id)]


@router.post("/api/events/{event_id}/refund-requests/{request_id}/approve", responses=answers(403, 404, 409))
def approve(event_id: str, request_id: str, user: CurrentUser) -> RefundRequestOut:
    """Refund the request's tickets (the organizer's refund path) and email the buyer."""
    view = sales.approve_refund_request(actor=user, request_id=request_id, event_id=event_id)
    return RefundRequestOut.of(view)


@router.post("/api/events/{event_id}/refund-requests/{request_id}/decline", responses=answers(403, 404, 409))
def decline(event_id: str, request_id: str, body: DeclineIn, user: CurrentUser) -> RefundRequestOut:
    """Decline the request; the buyer is emailed the reason."""
    view = sales.decline_refund_request(actor=user, request_id=request_id, reason=body.reason, event_id=event_id)
    return RefundRequestOut.of(view)


@router.put("/api/events/{event_id}/refund-policy", responses=answers(403, 404, 409))
def set_refund_policy(event_id: str, body: RefundPolicyIn, user: CurrentUser) -> RefundPolicyOut:
    """Set the event's refund policy (moderator and above; a free event keeps none)."""
    event = events.set_refund_policy(actor=user, event_id=event_id, policy=body.policy, days=body.days, text=body.text)
    return RefundPolicyOut(policy=event.refund_policy, days=event.refund_days, text=event.refund_policy_text)
