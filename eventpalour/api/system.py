"""Operational routes: health for load balancers, and the development outbox as JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eventpalour.api.errors import answers
from eventpalour.services import platform

router = APIRouter(prefix="/api", tags=["system"])


@router.get(
    "/health", responses={503: {"description": "The database or Redis is unreachable, or migrations are behind."}}
)
def read_health() -> JSONResponse:
    """Database (and Redis when configured) reachable, migrations at head."""
    report = platform.health_check()
    return JSONResponse(report.as_dict(), status_code=200 if report.ok else 503)


@router.get("/dev/outbox", responses=answers(403, 404))
def read_dev_outbox(
    request: Request,
    # A NUL is refused at the edge (422), as errors.nul_in_input refuses one in any id or code: an address
    # to filter by is matched as sent, not cleaned like typed text.
    to: Annotated[str, Query(max_length=320, pattern=r"^[^\x00]*$")] = "",
    limit: int = 50,
) -> list[dict[str, str | int]]:
    """Captured emails and text messages (`channel` sms, `to_phone`), newest first: development
    without SMTP only, and only to this machine (a loopback client not behind a proxy) unless
    DEV_OUTBOX_PUBLIC=yes."""
    items = platform.dev_outbox_emails(
        client_ip=request.client.host if request.client else None,  # the TCP peer, never a forwarded address
        proxied=platform.came_through_proxy(request.headers.keys()),
        limit=min(max(limit, 1), 200),
        to_email=to.strip().lower() or None,
    )
    return [item.__dict__ for item in items]


@router.get("/dev/outbox/sms", responses=answers(403, 404))
def read_dev_outbox_sms(request: Request, limit: int = 50) -> list[dict[str, str | int]]:
    """Text messages the SMS sandbox received (number, text, status, messageId), newest first; the
    same access as /dev/outbox."""
    messages = platform.dev_outbox_text_messages(
        client_ip=request.client.host if request.client else None,
        proxied=platform.came_through_proxy(request.headers.keys()),
        limit=min(max(limit, 1), 200),
    )
    return [asdict(message) for message in messages]
