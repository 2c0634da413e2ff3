"""An event's waiting room over HTTP (#18): the queue's page, its poll and the pass's redemption.

No Reflex and no websocket here: a waiting browser costs one small GET every few seconds, answered
from one indexed read (sales.queue_status). The browser is the signed `ep_queue` cookie, set when it
first joins; the rules (places, rate, passes) are all in services/sales/waiting_room.py.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from eventpalour import routes
from eventpalour.api.waiting_room_page import queue_page, unknown_event_page
from eventpalour.config import settings
from eventpalour.cookies import LANGUAGE_COOKIE, QUEUE_COOKIE, QUEUE_COOKIE_DAYS
from eventpalour.services import events, platform, sales
from eventpalour.services.platform import Conflict, DomainError, NotFound, ValidationFailed

router = APIRouter(prefix="/api/waiting-room", tags=["waiting room"])
page_router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


class QueueStatusOut(BaseModel):
    """A browser's place. `has_room` false: go to `event_url`. `admitted`: go to `enter_url` (the
    pass). `rejoin`: the page loads again to (re)join the queue. `headline`/`detail`: what to show,
    in the browser's language."""

    has_room: bool
    rejoin: bool
    started: bool
    place: int | None
    waiting: int
    estimate_seconds: int | None
    admitted: bool
    enter_url: str | None
    event_url: str
    poll_seconds: int
    headline: str
    detail: str


def language_of(request: Request) -> str:
    """The page's language: the browser's cookie, else its Accept-Language."""
    chosen = platform.normalize_language(request.cookies.get(LANGUAGE_COOKIE))
    return chosen or platform.negotiate_language(request.headers.get("accept-language"))


def _number(count: int, language: str) -> str:
    """A count written with the reader's digit grouping: "1,234" in English, "1 234" in French."""
    return platform.Figure(count).in_language(language)


def _estimate_words(seconds: int | None, language: str) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return platform.gettext(language, "Less than a minute to go.")
    minutes = math.ceil(seconds / 60)
    if minutes == 1:
        return platform.gettext(language, "About 1 minute to go.")
    return platform.gettext(language, "About {minutes} minutes to go.").format(minutes=_number(minutes, language))


def _waiting_words(count: int, language: str) -> str:
    if count == 1:
        return platform.gettext(language, "1 person is waiting.")
    return platform.gettext(language, "{count} people are waiting.").format(count=_number(count, language))


def words(view: sales.QueueView, language: str) -> tuple[str, str]:
    """(headline, detail) for a browser's place, in `language`; the start in the event's time zone."""
    if view.admitted:
        return platform.gettext(language, "It's your turn!"), platform.gettext(language, "Opening the event page…")
    if view.lapsed or not view.joined:
        return platform.gettext(language, "Taking your place in the queue…"), ""
    if not view.started:
        start = platform.event_when(view.starts_at, view.timezone, language=language) if view.starts_at else ""
        draw = platform.gettext(language, "At {start}, everyone waiting gets a random place in line.").format(
            start=start
        )
        return platform.gettext(language, "You're in the queue"), " ".join(
            (draw, _waiting_words(view.waiting, language), _estimate_words(view.estimate_seconds, language))
        )
    headline = platform.gettext(language, "Your place in line: {place}").format(place=_number(view.place, language))
    return headline, " ".join(
        (_waiting_words(view.waiting, language), _estimate_words(view.estimate_seconds, language))
    )


def status_out(view: sales.QueueView, language: str) -> QueueStatusOut:
    headline, detail = words(view, language)
    return QueueStatusOut(
        has_room=view.has_room,
        rejoin=view.has_room and (view.lapsed or not view.joined),
        started=view.started,
        place=view.place,
        waiting=view.waiting,
        estimate_seconds=view.estimate_seconds,
        admitted=view.admitted,
        enter_url=view.enter_url,
        event_url=routes.event_url(view.short_id),
        poll_seconds=view.poll_seconds,
        headline=headline,
        detail=detail,
    )


def _set_queue_cookie(response: Response, value: str) -> None:
    response.set_cookie(
        QUEUE_COOKIE,
        value,
        max_age=QUEUE_COOKIE_DAYS * 24 * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def _public_event(short_id: str) -> events.PublicEvent | None:
    try:
        return events.get_public_event(short_id)
    except (NotFound, ValidationFailed):
        return None


@page_router.get(routes.queue_url("{short_id}"), response_class=HTMLResponse)
def show_queue(short_id: str, request: Request, problem: str = "") -> Response:
    """The waiting room's page: joins this browser to the queue (keeping the place it has)."""
    language = language_of(request)
    event = _public_event(short_id)
    if event is None:
        return HTMLResponse(unknown_event_page(language), status_code=404, headers=NO_STORE)
    joined = sales.join_waiting_room(short_id=event.short_id, browser_cookie=request.cookies.get(QUEUE_COOKIE))
    if not joined.view.has_room:
        response: Response = RedirectResponse(routes.event_url(event.short_id), status_code=303, headers=NO_STORE)
    else:
        status = status_out(joined.view, language)
        notice = platform.gettext(language, sales.PASS_PROBLEMS[problem]) if problem in sales.PASS_PROBLEMS else ""
        response = queue_page(event, status, language=language, notice=notice)
    if joined.browser_cookie and joined.browser_cookie != request.cookies.get(QUEUE_COOKIE):
        _set_queue_cookie(response, joined.browser_cookie)
    return response


@router.get("/{short_id}/status")
def read_queue_status(short_id: str, request: Request) -> QueueStatusOut:
    """This browser's place in the event's queue (polled by the queue's page every `poll_seconds`)."""
    view = sales.queue_status(short_id=short_id, browser_cookie=request.cookies.get(QUEUE_COOKIE))
    return status_out(view, language_of(request))


@router.get("/{short_id}/enter", response_class=RedirectResponse, status_code=303)
def enter_event(short_id: str, request: Request) -> Response:
    """Redeem a pass in this browser and go on to the event page; a refused pass goes back to the
    queue, which says why (expired: the browser's next turn is at the back)."""
    try:
        url = sales.enter_event(
            short_id=short_id,
            pass_token=request.query_params.get("pass", ""),
            browser_cookie=request.cookies.get(QUEUE_COOKIE),
        )
    except DomainError as refused:
        problem = "expired" if isinstance(refused, Conflict) else "invalid"
        return RedirectResponse(f"{routes.queue_url(short_id)}?problem={problem}", status_code=303, headers=NO_STORE)
    return RedirectResponse(url, status_code=303, headers=NO_STORE)
