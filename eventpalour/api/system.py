"""Operational routes: health for load balancers, and the development outbox as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from eventpalour.config import settings
from eventpalour.services import health, outbox
from eventpalour.services.errors import NotFound

router = APIRouter(prefix="/api", tags=["system"])


@router.get(
    "/health", responses={503: {"description": "The database or Redis is unreachable, or migrations are behind."}}
)
def read_health() -> JSONResponse:
    """Database (and Redis when configured) reachable, migrations at head."""
    report = health.check()
    return JSONResponse(report.as_dict(), status_code=200 if report.ok else 503)


@router.get("/dev/outbox")
def read_dev_outbox(
    to: Annotated[str, Query(max_length=320, pattern=r"^[^\x00]*$")] = "", limit: int = 50
) -> list[dict[str, str]]:
    """Captured emails, newest first (development only, when no SMTP server is configured)."""
    if not settings.dev_outbox_enabled:
        raise NotFound("The development outbox is turned off.")
    items = outbox.recent_emails(limit=min(max(limit, 1), 200), to_email=to.strip().lower() or None)
    return [item.__dict__ for item in items]
