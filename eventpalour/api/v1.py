"""The organizer API, version 1 (#23 §2): a workspace's events, tiers, orders and attendees, and
check-ins at the door, for its integrations.

Every call sends `Authorization: Bearer <token>` (a token made on the workspace settings page) and
is limited per token (RATE_LIMIT_API_TOKEN). Each route asks for one scope; a token without it gets
403 naming the scope, and an event of another workspace is 404. The token acts as the admin who
made it, so every answer comes from the same services as the organizer pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from eventpalour import routes
from eventpalour.api.deps import address_of
from eventpalour.api.errors import answers
from eventpalour.models import ApiScope
from eventpalour.services import events, platform, sales, tickets, workspaces
from eventpalour.services.platform import NotAuthenticated
from eventpalour.services.workspaces import ApiCaller

router = APIRouter(prefix="/api/v1", tags=["organizer API v1"])

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token from the workspace settings page (API tokens), e.g. `Bearer ep_3kq…`.",
)
NO_TOKEN = "Send an API token in the Authorization header: `Authorization: Bearer <token>`."


def _caller(request: Request, credentials: HTTPAuthorizationCredentials | None, scope: ApiScope) -> ApiCaller:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated(NO_TOKEN)
    secret = credentials.credentials
    platform.hit_rate_limit("api_token", platform.token_hash(secret))
    try:
        return workspaces.authenticate_api_token(secret, scope, event_ref=request.path_params.get("event_id"))
    except NotAuthenticated:
        # Wrong tokens count against the caller's address too, as failed sign-ins do.
        platform.hit_rate_limit("auth", address_of(request.scope) or "")
        raise


def _needs(scope: ApiScope) -> Any:
    """The dependency of a route that needs `scope`: the caller, with the path's event checked."""

    def caller(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
    ) -> ApiCaller:
        return _caller(request, credentials, scope)

    return Depends(caller)


EventsReader = Annotated[ApiCaller, _needs(ApiScope.EVENTS_READ)]
OrdersReader = Annotated[ApiCaller, _needs(ApiScope.ORDERS_READ)]
AttendeesReader = Annotated[ApiCaller, _needs(ApiScope.ATTENDEES_READ)]
DoorKeeper = Annotated[ApiCaller, _needs(ApiScope.CHECKINS_WRITE)]
Page = Annotated[int, Query(ge=1, le=10_000, description="1 for the first page.")]
_EVENT_ANSWERS = answers(403, 404)


def _examples(*items: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(items)})


class EventOut(BaseModel):
    model_config = _examples(
        {
            "id": "k3J9aQ2xVb7Lm0Pq",
            "short_id": "jazz-night-x7",
            "title": "Jazz Night",
            "status": "active",
            "start_at": "2027-01-15T17:00:00Z",
            "timezone": "Africa/Nairobi",
            "city": "Nairobi",
            "type": "physical",
            "pricing": "paid",
            "tickets_sold": 42,
            "capacity": 300,
            "url": "/e/jazz-night-x7",
        }
    )

    id: str
    short_id: str
    title: str
    status: str
    start_at: datetime
    timezone: str
    city: str
    type: str
    pricing: str
    tickets_sold: int
    capacity: int | None = Field(description="Seats over all tiers; null when any tier is unlimited.")
    url: str = Field(description="The public event page, relative to the site.")


class EventListOut(BaseModel):
    events: list[EventOut]
    total: int
    page: int
    page_size: int


class TierOut(BaseModel):
    id: str
    name: str
    description: str
    price: int = Field(description="In minor units of the event's currency (cents).")
    currency: str
    quantity: int | None = Field(description="null: unlimited.")
    sold: int
    seats_left: int | None = Field(description="null: unlimited.")
    sales_start: datetime | None
    sales_end: datetime | None
    max_per_order: int
    hidden: bool


class EventDetailOut(EventOut):
    model_config = _examples(
        {
            "id": "k3J9aQ2xVb7Lm0Pq",
            "short_id": "jazz-night-x7",
            "title": "Jazz Night",
            "status": "active",
            "start_at": "2027-01-15T17:00:00Z",
            "end_at": "2027-01-15T22:00:00Z",
            "timezone": "Africa/Nairobi",
            "city": "Nairobi",
            "venue": "The Alchemist",
            "type": "physical",
            "pricing": "paid",
            "currency": "KES",
            "tickets_sold": 42,
            "capacity": 300,
            "url": "/e/jazz-night-x7",
            "tiers": [
                {
                    "id": "Tq81mZ0c2vXy4Lp9",
                    "name": "General",
                    "description": "",
                    "price": 150000,
                    "currency": "KES",
                    "quantity": 300,
                    "sold": 42,
                    "seats_left": 255,
                    "sales_start": None,
                    "sales_end": None,
                    "max_per_order": 10,
                    "hidden": False,
                }
            ],
        }
    )

    end_at: datetime
    venue: str
    currency: str
    tiers: list[TierOut]


class OrderOut(BaseModel):
    id: str
    reference: str
    status: str
    buyer_name: str
    buyer_email: str
    tickets: int
    amount: int = Field(description="What the buyer paid, in minor units of `currency`.")
    currency: str
    platform_fee: int
    refunded_amount: int
    discount_code: str
    discount: int
    created_at: datetime
    answers: list[str] = Field(description='Answers to attendee questions, "Question: answer".')


class OrderPageOut(BaseModel):
    model_config = _examples(
        {
            "orders": [
                {
                    "id": "Ab12Cd34Ef56Gh78",
                    "reference": "EP-7K2M9Q",
                    "status": "completed",
                    "buyer_name": "Amina Njeri",
                    "buyer_email": "amina@example.com",
                    "tickets": 2,
                    "amount": 322500,
                    "currency": "KES",
                    "platform_fee": 22500,
                    "refunded_amount": 0,
                    "discount_code": "",
                    "discount": 0,
                    "created_at": "2027-01-02T09:30:00Z",
                    "answers": ["T-shirt size: L"],
                }
            ],
            "next_cursor": "MjAyNy0wMS0wMlQwOTozMDowMCswMDowMHxBYjEyQ2QzNEVmNTZHaDc4",
        }
    )

    orders: list[OrderOut]
    next_cursor: str = Field(description="Pass as `cursor` for the next page; empty on the last page.")


class AttendeeOut(BaseModel):
    ticket_id: str
    short_code: str
    holder_name: str
    holder_email: str
    attendee_name: str = Field(description="The name given for this ticket at checkout or transfer; empty if none.")
    tier_name: str
    payment: str
    ticket_status: str
    checked_in_at: datetime | None
    order_reference: str
    answers: list[str]


class AttendeePageOut(BaseModel):
    model_config = _examples(
        {
            "attendees": [
                {
                    "ticket_id": "Tk0a9Bc8De7Fg6Hi",
                    "short_code": "7KQ2M9XA",
                    "holder_name": "Amina Njeri",
                    "holder_email": "amina@example.com",
                    "attendee_name": "Amina Njeri",
                    "tier_name": "General",
                    "payment": "paid",
                    "ticket_status": "valid",
                    "checked_in_at": None,
                    "order_reference": "EP-7K2M9Q",
                    "answers": ["T-shirt size: L"],
                }
            ],
            "total": 1,
            "checked_in": 0,
            "page": 1,
            "page_size": 50,
        }
    )

    attendees: list[AttendeeOut]
    total: int
    checked_in: int
    page: int
    page_size: int


class CheckInIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"code": "7KQ2M9XA"}, {"token": "EP1.eyJ0Ijoi…"}]},
    )

    code: str | None = Field(default=None, max_length=32, description="The ticket's short code, as printed.")
    token: str | None = Field(default=None, max_length=2000, description="The token inside the ticket's QR code.")
    list_id: str = Field(
        default="", max_length=16, description="The check-in list (gate) to check in on; empty: the event's main list."
    )
    direction: Literal["entry", "exit"] = Field(default="entry", description="`exit` only on a list that counts exits.")

    @model_validator(mode="after")
    def _one_of_them(self) -> CheckInIn:
        if bool(self.code) == bool(self.token):
            raise ValueError("Send either `code` or `token`, not both and not neither.")
        return self


class CheckInOut(BaseModel):
    model_config = _examples(
        {
            "admitted": True,
            "result": "ok",
            "message": "Welcome, Amina Njeri!",
            "short_code": "7KQ2M9XA",
            "holder_name": "Amina Njeri",
            "tier_name": "General",
            "used_at": "",
        }
    )

    admitted: bool = Field(description="true: this call let the holder in.")
    result: str = Field(description="ok, already_used, invalid, wrong_event, not_valid or event_ended.")
    message: str
    short_code: str
    holder_name: str
    tier_name: str
    used_at: str = Field(description="When an already used ticket was used, in the event's time zone.")


def _event_out(row: events.EventSummary) -> EventOut:
    return EventOut(
        id=row.id,
        short_id=row.short_id,
        title=row.title,
        status=row.status,
        start_at=row.start_at,
        timezone=row.timezone,
        city=row.city,
        type=row.type,
        pricing=row.pricing,
        tickets_sold=row.tickets_sold,
        capacity=row.capacity,
        url=routes.event_url(row.short_id),
    )


@router.get("/events", responses=answers(403))
def list_events(caller: EventsReader, page: Page = 1) -> EventListOut:
    """The workspace's events, latest start first, a page at a time (scope `events:read`)."""
    rows, total = events.list_workspace_events(actor=caller.actor, workspace_id=caller.workspace_id, page=page)
    return EventListOut(events=[_event_out(r) for r in rows], total=total, page=page, page_size=events.PAGE_SIZE)


@router.get("/events/{event_id}", responses=_EVENT_ANSWERS)
def get_event(event_id: str, caller: EventsReader) -> EventDetailOut:
    """One event (by id or short id) with its ticket tiers and the seats left in each (scope `events:read`)."""
    details = events.get_event_by_id(actor=caller.actor, event_id=caller.event_id)
    event = details.event
    capacity = None if any(t.quantity is None for t in details.tiers) else sum(t.quantity or 0 for t in details.tiers)
    return EventDetailOut(
        id=event.id,
        short_id=event.short_id,
        title=event.title,
        status=event.status,
        start_at=event.start_at,
        end_at=event.end_at,
        timezone=event.timezone,
        city=event.city or "",
        venue=event.venue or "",
        type=event.type,
        pricing=event.pricing,
        currency=event.currency,
        tickets_sold=sum(t.sold for t in details.tiers),
        capacity=capacity,
        url=routes.event_url(event.short_id),
        tiers=[
            TierOut(
                id=t.id,
                name=t.name,
                description=t.description,
                price=t.price,
                currency=event.currency,
                quantity=t.quantity,
                sold=t.sold,
                seats_left=t.available,
                sales_start=t.sales_start,
                sales_end=t.sales_end,
                max_per_order=t.max_per_order,
                hidden=t.hidden,
            )
            for t in details.tiers
        ],
    )


@router.get("/events/{event_id}/orders", responses=_EVENT_ANSWERS)
def list_orders(
    event_id: str,
    caller: OrdersReader,
    status: Annotated[
        str, Query(max_length=16, description="paid, awaiting, refunded, failed or cancelled; empty: all.")
    ] = "",
    since: Annotated[datetime | None, Query(description="Only orders created at or after this (ISO 8601).")] = None,
    cursor: Annotated[str, Query(max_length=200, description="A page's `next_cursor`.")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> OrderPageOut:
    """The event's orders, oldest first, in cursor pages (scope `orders:read`). Keep the last
    `next_cursor` to read only newer orders next time."""
    feed = sales.event_order_feed(
        actor=caller.actor, event_id=caller.event_id, status=status, since=since, cursor=cursor, limit=limit
    )
    return OrderPageOut(
        orders=[
            OrderOut(
                id=r.order_id,
                reference=r.reference,
                status=r.status,
                buyer_name=r.buyer_name,
                buyer_email=r.buyer_email,
                tickets=r.tickets,
                amount=r.amount,
                currency=r.currency,
                platform_fee=r.platform_fee,
                refunded_amount=r.refunded_amount,
                discount_code=r.discount_code,
                discount=r.discount,
                created_at=r.created_at,
                answers=list(r.answers),
            )
            for r in feed.rows
        ],
        next_cursor=feed.next_cursor,
    )


@router.get("/events/{event_id}/attendees", responses=_EVENT_ANSWERS)
def list_attendees(event_id: str, caller: AttendeesReader, page: Page = 1) -> AttendeePageOut:
    """The event's ticket holders by name, with their answers to attendee questions, a page at a
    time (scope `attendees:read`)."""
    found = tickets.event_attendees(
        actor=caller.actor, event_id=caller.event_id, filters=tickets.AttendeeFilters(), page=page
    )
    return AttendeePageOut(
        attendees=[
            AttendeeOut(
                ticket_id=r.ticket_id,
                short_code=r.short_code,
                holder_name=r.holder_name,
                holder_email=r.holder_email,
                attendee_name=r.attendee_name,
                tier_name=r.tier_name,
                payment=r.payment,
                ticket_status=r.ticket_status,
                checked_in_at=r.checked_in_at,
                order_reference=r.order_reference,
                answers=list(r.answers),
            )
            for r in found.rows
        ],
        total=found.total,
        checked_in=found.checked_in,
        page=page,
        page_size=tickets.PAGE_SIZE,
    )


@router.post("/events/{event_id}/check-ins", responses=_EVENT_ANSWERS)
def check_in(event_id: str, body: CheckInIn, caller: DoorKeeper) -> CheckInOut:
    """Check a ticket holder in, as the door scanner does (scope `checkins:write`): a ticket is
    admitted at most once, however many doors and integrations scan it. A ticket that cannot be
    admitted is still a 200, with `admitted: false` and the reason in `result` and `message`."""
    outcome = tickets.scan_ticket(
        actor=caller.actor,
        event_id=caller.event_id,
        token_or_code=body.code or body.token or "",
        device=f"API token: {caller.token_name}",
        list_id=body.list_id,
        direction=body.direction,
    )
    return CheckInOut(
        admitted=outcome.admitted,
        result=outcome.result,
        message=outcome.message,
        short_code=outcome.short_code,
        holder_name=outcome.holder_name,
        tier_name=outcome.tier_name,
        used_at=outcome.used_at_label,
    )
