"""Duplicating an event over JSON (#24 §6): the same service as the management page's button."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from eventpalour import routes
from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import events

router = APIRouter(prefix="/api/events", tags=["events"])


class EventCopyOut(BaseModel):
    id: str
    shortId: str  # noqa: N815  (JSON field names are camelCase)
    title: str
    status: str
    startAt: datetime  # noqa: N815
    endAt: datetime  # noqa: N815
    manageUrl: str  # noqa: N815


@router.post("/{event_id}/duplicate", status_code=201, responses=answers(403, 404))
def duplicate_event(event_id: str, user: CurrentUser) -> EventCopyOut:
    """A new draft copying the event (details, partners, tiers; no sales or codes), its dates moved
    ahead by whole weeks to the first start in the future (moderators and above)."""
    copy = events.duplicate_event(actor=user, event_id=event_id)
    return EventCopyOut(
        id=copy.id,
        shortId=copy.short_id,
        title=copy.title,
        status=copy.status,
        startAt=copy.start_at,
        endAt=copy.end_at,
        manageUrl=routes.event_manage_url(copy.workspace_id, copy.short_id),
    )
