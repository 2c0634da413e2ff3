"""Waitlists over JSON (#19 §4): a buyer joins or leaves a sold-out tier's waitlist; the event's
organizers read the waitlists per tier. The same service calls as the event page and the manage page."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from eventpalour.api.checkout import AnswersIn
from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import sales

router = APIRouter(tags=["waitlist"])


class JoinWaitlistIn(StrictIn):
    """The sold-out tier to wait for, and how many seats (1 to the tier's per-order cap)."""

    tier_id: str = Field(alias="tierId", max_length=16)
    quantity: int = Field(ge=-(2**31), le=2**31 - 1)


class WaitlistSpotOut(BaseModel):
    tierId: str  # noqa: N815  (JSON field names are camelCase)
    position: int = Field(description="Your place in line: 1 is next.")
    quantity: int


class WaitlistEntryOut(BaseModel):
    position: int | None = Field(description="Place in line while waiting, else null.")
    name: str
    email: str
    quantity: int
    joinedAt: datetime  # noqa: N815
    offeredAt: datetime | None  # noqa: N815
    offeredQuantity: int | None  # noqa: N815
    state: str = Field(description="Waiting, Left, Offered, Claimed or Expired")
    orderReference: str  # noqa: N815


class TierWaitlistOut(BaseModel):
    tierId: str  # noqa: N815
    tierName: str  # noqa: N815
    waitlistOn: bool  # noqa: N815
    waiting: int
    offered: int
    claimed: int
    expired: int
    entries: list[WaitlistEntryOut]


class ClaimOfferIn(StrictIn):
    """Answers to the event's attendee questions for the offered tickets, as at checkout."""

    answers: AnswersIn | None = None


class ClaimedOfferOut(BaseModel):
    """A free offer comes back `registered` (tickets issued); a paid one with the URL to pay it."""

    orderId: str  # noqa: N815
    reference: str
    registered: bool
    authorizationUrl: str | None  # noqa: N815


@router.post("/api/events/{event_id}/waitlist", status_code=201, responses=answers(403, 404, 409))
def join(event_id: str, body: JoinWaitlistIn, user: CurrentUser) -> WaitlistSpotOut:
    """Join the waitlist of a sold-out tier (verified accounts; once per tier). When seats come back,
    they are held for you and you are emailed a link to pay for them."""
    spot = sales.join_waitlist(actor=user, event_id=event_id, tier_id=body.tier_id, quantity=body.quantity)
    return WaitlistSpotOut(tierId=spot.tier_id, position=spot.position, quantity=spot.quantity)


@router.delete("/api/events/{event_id}/waitlist", status_code=204, responses=answers(404))
def leave(event_id: str, user: CurrentUser, tier_id: str = Query(alias="tierId", max_length=16)) -> None:
    """Leave the tier's waitlist (seats already held for you stay yours to pay until they expire)."""
    sales.leave_waitlist(actor=user, event_id=event_id, tier_id=tier_id)


@router.get("/api/events/{event_id}/waitlist", responses=answers(403, 404))
def list_waitlists(event_id: str, user: CurrentUser) -> list[TierWaitlistOut]:
    """The event's waitlists per tier, in line order (moderator and above)."""
    return [
        TierWaitlistOut(
            tierId=view.tier_id,
            tierName=view.tier_name,
            waitlistOn=view.waitlist_on,
            waiting=view.waiting,
            offered=view.offered,
            claimed=view.claimed,
            expired=view.expired,
            entries=[
                WaitlistEntryOut(
                    position=row.position,
                    name=row.name,
                    email=row.email,
                    quantity=row.quantity,
                    joinedAt=row.joined_at,
                    offeredAt=row.offered_at,
                    offeredQuantity=row.offered_quantity,
                    state=row.state,
                    orderReference=row.order_reference,
                )
                for row in view.rows
            ],
        )
        for view in sales.tier_waitlists(actor=user, event_id=event_id)
    ]


@router.post("/api/waitlist/offers/{order_id}/claim", responses=answers(404, 409, 503))
def claim(order_id: str, body: ClaimOfferIn, user: CurrentUser) -> ClaimedOfferOut:
    """Take a waitlist offer held for you: answer the event's attendee questions (`answers`, as at
    checkout: 400 with a field error per bad answer under "answers", nothing saved), then a free
    offer is registered at once and a paid one gets its Paystack URL. 404 not your offer, 409 its
    hold ran out or closed (or already registered for a free event), 503 Paystack unreachable."""
    claimed = sales.claim_waitlist_offer(
        actor=user, order_id=order_id, answers=body.answers.as_answers() if body.answers is not None else None
    )
    return ClaimedOfferOut(
        orderId=claimed.order_id,
        reference=claimed.reference,
        registered=claimed.registered,
        authorizationUrl=claimed.authorization_url,
    )
