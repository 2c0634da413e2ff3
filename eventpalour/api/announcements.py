"""An event's announcements to its ticket holders over JSON (#22 §2): list, send now or schedule,
cancel a scheduled one; for the event's moderators and above. The same service calls as the
Announcements tab; every POST is rate-limited by PostRateLimitMiddleware. Also the target of the
emails' List-Unsubscribe header (`unsubscribe_router`), which needs no sign-in: the token is the key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from eventpalour import routes
from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import tickets

router = APIRouter(prefix="/api/events", tags=["announcements"])
unsubscribe_router = APIRouter(prefix="/api/announcements", tags=["announcements"])

_TierId = Annotated[str, Field(max_length=16)]


class AnnouncementIn(BaseModel):
    # Not strict: `sendAt` arrives as an ISO 8601 string.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    subject: str = Field(max_length=1000)
    body: str = Field(max_length=100_000)
    audience: str = Field(default="all", max_length=32)
    tier_ids: list[_TierId] = Field(default=[], alias="tierIds", max_length=100)
    send_at: datetime | None = Field(default=None, alias="sendAt")

    def as_input(self) -> tickets.AnnouncementInput:
        send_at = self.send_at
        if send_at is not None and send_at.tzinfo is None:
            send_at = send_at.replace(tzinfo=UTC)  # a moment without a zone is taken as UTC
        return tickets.AnnouncementInput(
            subject=self.subject,
            body=self.body,
            audience=self.audience,
            tier_ids=tuple(self.tier_ids),
            send_at=send_at,
        )


class AnnouncementOut(BaseModel):
    id: str
    subject: str
    body: str
    body_html: str
    audience: str
    audience_label: str
    tier_ids: list[str]
    status: str
    send_at: datetime
    sent_at: datetime | None
    recipients_count: int
    can_cancel: bool


def _out(row: tickets.AnnouncementRow) -> AnnouncementOut:
    return AnnouncementOut(
        id=row.id,
        subject=row.subject,
        body=row.body,
        body_html=row.body_html,
        audience=row.audience,
        audience_label=row.audience_label,
        tier_ids=list(row.tier_ids),
        status=row.status,
        send_at=row.send_at,
        sent_at=row.sent_at,
        recipients_count=row.recipients_count,
        can_cancel=row.can_cancel,
    )


class UnsubscribedOut(BaseModel):
    event_title: str
    subscribed: bool


@unsubscribe_router.post("/unsubscribe/{token}", responses=answers(404))
def unsubscribe_one_click(token: str) -> UnsubscribedOut:
    """RFC 8058 one-click unsubscribe: a mail app's POST (body `List-Unsubscribe=One-Click`) stops
    this event's announcements to the token's address at once; a repeat changes nothing."""
    subscription = tickets.unsubscribe_from_announcements(token=token)
    return UnsubscribedOut(event_title=subscription.event_title, subscribed=subscription.subscribed)


@unsubscribe_router.get("/unsubscribe/{token}", status_code=303, response_class=RedirectResponse)
def open_unsubscribe_page(token: str) -> RedirectResponse:
    """A person following the header's link in a browser lands on the unsubscribe page, which asks
    before it unsubscribes (link checkers fetch links with GET)."""
    return RedirectResponse(routes.unsubscribe_url(token), status_code=303)


@router.get("/{event_id}/announcements", responses=answers(403, 404))
def list_announcements(event_id: str, user: CurrentUser) -> list[AnnouncementOut]:
    """The event's announcements, newest first, with what was sent to how many."""
    return [_out(row) for row in tickets.list_announcements(actor=user, event_id=event_id)]


@router.post("/{event_id}/announcements", status_code=201, responses=answers(403, 404))
def create_announcement(event_id: str, body: AnnouncementIn, user: CurrentUser) -> AnnouncementOut:
    """Send a Markdown message to `audience` (`all`, `tiers` with `tierIds`, `checked_in`,
    `not_checked_in`) now, or at `sendAt` (in the future). "Now" answers at once with the
    announcement queued (`status` scheduled); the worker sends it within seconds. One email per
    holder address; holders who unsubscribed from this event's announcements are left out."""
    return _out(tickets.create_announcement(actor=user, event_id=event_id, data=body.as_input()))


@router.post("/{event_id}/announcements/{announcement_id}/cancel", responses=answers(403, 404, 409))
def cancel_announcement(event_id: str, announcement_id: str, user: CurrentUser) -> AnnouncementOut:
    """Cancel a scheduled announcement (one already sent cannot be)."""
    return _out(tickets.cancel_announcement(actor=user, event_id=event_id, announcement_id=announcement_id))
