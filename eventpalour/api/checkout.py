"""Placing an order over JSON (SPEC §5): the same service call as the event page's checkout button.

`EventDetailState.checkout` calls `sales.place_order` (hold the seats and create the order, then
start a paid order's Paystack transaction); this route does exactly that for API clients (and the
checkout benchmark), so both paths share every rule. Signed-in only (session cookie); limited like
every other POST under /api/.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Cookie, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from eventpalour.api.deps import AuthLimited, SessionToken, signed_in_user
from eventpalour.api.errors import answers, reader_language
from eventpalour.api.schemas import StrictIn
from eventpalour.cookies import QUEUE_COOKIE
from eventpalour.integrations import paystack
from eventpalour.services import sales

router = APIRouter(prefix="/api/checkout", tags=["checkout"])
# This browser's place in the event's waiting room (#18): checkouts need its admission while it is active.
QueueCookie = Annotated[str | None, Cookie(alias=QUEUE_COOKIE, include_in_schema=False)]

Quantity = Annotated[int, Field(ge=0, le=sales.MAX_TICKETS_PER_ORDER)]
_QuestionId = Annotated[str, Field(max_length=16)]
# One answer: text (a yes/no is "yes" or "no"; a country its ISO code or name), or the options picked.
Answer = str | list[Annotated[str, Field(max_length=200)]]
_Answers = dict[_QuestionId, Answer]


class TicketAnswersIn(StrictIn):
    """One ticket's attendee, in the order of that tier's tickets."""

    tier_id: str = Field(alias="tierId", max_length=16)
    name: str = Field(default="", max_length=1000)
    answers: _Answers = Field(default={}, max_length=60)


class AnswersIn(StrictIn):
    """Answers to the event's attendee questions: `order` once per order, `tickets` one per ticket."""

    order: _Answers = Field(default={}, max_length=60)
    tickets: list[TicketAnswersIn] = Field(default=[], max_length=sales.MAX_TICKETS_PER_ORDER)

    def as_answers(self) -> sales.AttendeeAnswers:
        return sales.AttendeeAnswers(
            order=self.order,
            tickets=tuple(sales.TicketAnswers(tier_id=t.tier_id, name=t.name, answers=t.answers) for t in self.tickets),
        )


class OrderIn(StrictIn):
    event_id: str = Field(alias="eventId", min_length=1, max_length=32)
    quantities: dict[Annotated[str, Field(max_length=16)], Quantity] = Field(min_length=1, max_length=20)
    code: str | None = Field(default=None, max_length=100)
    answers: AnswersIn | None = None
    # For SMS tickets, when the event asks (#23 §3): E.164, or a Kenyan, Nigerian, Ghanaian or South
    # African number in its national form read in the country of the event's currency.
    phone: str | None = Field(default=None, max_length=40)


class GuestIn(StrictIn):
    """Who buys without an account: the order and its tickets are tied to this email."""

    name: str = Field(max_length=1000)
    email: str = Field(max_length=1000)
    phone: str = Field(default="", max_length=100)


class GuestOrderIn(OrderIn):
    guest: GuestIn


class OrderOut(BaseModel):
    """A free order comes back `completed` with no `authorization_url`; a paid one `processing` with it."""

    order_id: str
    reference: str
    status: str
    amount: int
    currency: str
    discount: int
    code: str
    expires_at: datetime | None
    authorization_url: str | None
    paystack_public_key: str | None


@router.post("/orders", status_code=201, responses=answers(403, 404, 409, 503))
async def place_order(body: OrderIn, session_token: SessionToken = None, queue_cookie: QueueCookie = None) -> OrderOut:
    """Hold the seats and create the order; a paid order also gets its Paystack transaction.

    Errors: 401 not signed in, 403 email not verified, 404 event not on sale, 409 sold out (or
    already registered for a free event, or a payment for this event in progress: one open order per
    buyer and event, a newer checkout replaces one not yet at Paystack), 400/422 bad input, 503
    Paystack unreachable (seats released). An optional `code` applies a discount code (400 on the
    `code` field when it is unknown, expired, inapplicable or used up). `answers` answers the
    event's attendee questions (400 with a field error per bad answer, under "answers"; nothing is
    held): `order` by question id, and when the event asks anything per ticket, one `tickets` entry
    per ticket (`tierId`, the attendee's `name`, `answers` by question id). `phone`: where the event
    sends SMS tickets, the buyer's phone (400 on the `phone` field when it cannot be read; nothing is
    held); the confirmation is then also texted to it. While the event's waiting room is active, 403
    with `"code": "waiting_room"` unless this browser's `ep_queue` cookie was admitted by its queue (#18).
    """
    return await run_in_threadpool(_place_order, body, session_token, queue_cookie)


def _place_order(body: OrderIn, session_token: str | None, queue_cookie: str | None) -> OrderOut:
    """The whole order in one worker thread: the session lookup, the hold, Paystack's initialize and
    the answer. The route itself is async so that FastAPI checks the answer on the loop: for a sync
    route it takes a second thread hop just for that."""
    user = signed_in_user(session_token)
    placed = sales.place_order(
        actor=user,
        event_id=body.event_id,
        quantities=body.quantities,
        code=body.code,
        answers=body.answers.as_answers() if body.answers is not None else None,
        phone=body.phone,
        queue_cookie=queue_cookie,
    )
    return _order_out(placed)


@router.post("/guest-orders", status_code=201, responses=answers(403, 404, 409, 429, 503), dependencies=[AuthLimited])
async def place_guest_order(body: GuestOrderIn, request: Request, queue_cookie: QueueCookie = None) -> OrderOut:
    """The same checkout for a buyer without an account (#24 §1): `guest` names them (`name`, `email`,
    and `phone` when the event asks for one); the order and tickets are tied to the email, and the
    confirmation email carries a link to the tickets. The same rules as `POST /orders`, keyed by the
    email: one open order per email and event, one free registration per email.

    Errors as `POST /orders`, and: 403 the event requires buyers to have an account, 400 on
    `name`, `email` or `phone`, 429 too many checkouts from this client or for this email, 403
    `waiting_room` as `POST /orders`.
    """
    return await run_in_threadpool(_place_guest_order, body, reader_language(request), queue_cookie)


def _place_guest_order(body: GuestOrderIn, language: str, queue_cookie: str | None) -> OrderOut:
    """As `_place_order`, for a guest."""
    placed = sales.place_guest_order(
        guest=sales.GuestBuyer(name=body.guest.name, email=body.guest.email, phone=body.guest.phone, language=language),
        event_id=body.event_id,
        quantities=body.quantities,
        code=body.code,
        answers=body.answers.as_answers() if body.answers is not None else None,
        queue_cookie=queue_cookie,
    )
    return _order_out(placed)


def _order_out(placed: sales.PlacedOrder) -> OrderOut:
    booking, paid = placed.booking, placed.authorization_url is not None
    return OrderOut(
        order_id=booking.order_id,
        reference=booking.reference,
        status=booking.status,
        amount=booking.amount,
        currency=booking.currency,
        discount=booking.discount,
        code=booking.code,
        expires_at=booking.expires_at,
        authorization_url=placed.authorization_url,
        paystack_public_key=paystack.public_key() if paid else None,
    )
