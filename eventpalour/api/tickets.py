"""Ticket files for their holders and the attendee export for organizers: plain GETs behind the
session cookie, so a link with a full page load downloads them (no script, works on every phone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import tickets
from eventpalour.services.tickets import AttendeeFilters

router = APIRouter(tags=["tickets"])
PRIVATE = {"Cache-Control": "private, no-store"}


def _attachment(filename: str, body: bytes | str, media_type: str) -> Response:
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content=body, media_type=media_type, headers=headers)


@router.get("/api/tickets/{ticket_id}/calendar.ics", responses=answers(409))
async def read_ticket_calendar(ticket_id: str, user: CurrentUser) -> Response:
    """The event of one of your tickets as an .ics invite (with the meeting link, for holders)."""
    filename, body = await run_in_threadpool(tickets.ticket_calendar, actor=user, ticket_id=ticket_id)
    return _attachment(filename, body, "text/calendar; charset=utf-8")


@router.get("/api/tickets/{ticket_id}/ticket.png", responses=answers(409))
async def read_ticket_image(ticket_id: str, user: CurrentUser) -> Response:
    """One of your valid tickets as a PNG: event, tier, QR code and short code."""
    filename, body = await run_in_threadpool(tickets.ticket_image, actor=user, ticket_id=ticket_id)
    return _attachment(filename, body, "image/png")


@router.get("/api/events/{event_id}/attendees.csv", responses=answers(403))
async def read_attendees_csv(
    event_id: str,
    user: CurrentUser,
    tier: Annotated[str, Query(max_length=16)] = "",
    payment: Annotated[str, Query(max_length=16)] = "",
    scan: Annotated[str, Query(max_length=16)] = "",
    q: Annotated[str, Query(max_length=120)] = "",
    question: Annotated[str, Query(max_length=16)] = "",
    answer: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The event's attendees as CSV (moderators and above), with the attendee page's filters
    (`question` and `answer`: tickets whose answer to a choice or yes/no question is `answer`). With
    attendee questions, each ticket's attendee name and one column per question follow."""
    filters = AttendeeFilters(tier_id=tier, payment=payment, scan=scan, search=q, question_id=question, answer=answer)
    filename, body = await run_in_threadpool(tickets.attendees_csv, actor=user, event_id=event_id, filters=filters)
    return _attachment(filename, body, "text/csv; charset=utf-8")
