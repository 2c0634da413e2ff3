"""The analytics page's CSV exports (#22 §1): a plain authenticated GET per table, so a link with a
full page load downloads it with the session cookie. The page's period and event come as query
parameters and are checked as the page checks them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import finance

router = APIRouter(prefix="/api/workspace", tags=["analytics"])
_Short = Annotated[str, Query(max_length=20)]


@router.get("/{workspace_id}/analytics/{table}.csv", responses=answers(400, 403, 404))
async def export_analytics_table(
    workspace_id: str,
    table: str,
    user: CurrentUser,
    span: _Short = finance.DEFAULT_SPAN,
    start: _Short = "",
    end: _Short = "",
    event: _Short = "",
) -> Response:
    """One table of the workspace's analytics as CSV: `daily`, `money` (admins and the owner),
    `tiers`, `channels`, `events`, `buyers`, `referrers` or `campaigns`; moderators and above."""
    window = finance.analytics_window(span, start, end, event_id=event)
    body = await run_in_threadpool(
        finance.analytics_table_csv, actor=user, workspace_id=workspace_id, window=window, table=table
    )
    name = f"eventpalour-{table}-{window.first.isoformat()}-{window.last.isoformat()}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
