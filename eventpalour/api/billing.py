"""The billing page's CSV export (SPEC §5): a plain authenticated GET, so a link with a full page
load downloads it with the session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import finance
from eventpalour.services.finance import TransactionFilter

router = APIRouter(prefix="/api/workspace", tags=["billing"])
_Text = Annotated[str, Query(max_length=20)]


@router.get("/{workspace_id}/billing/transactions.csv", responses=answers(400, 403))
async def export_transactions(
    workspace_id: str,
    user: CurrentUser,
    type: _Text = "",  # noqa: A002  (the query parameter's public name)
    currency: _Text = "",
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
) -> Response:
    """The workspace's transactions with the page's filters, as CSV (admins and the owner)."""
    filters = TransactionFilter(kind=type, currency=currency, date_from=date_from, date_to=date_to)
    body = await run_in_threadpool(finance.transactions_csv, actor=user, workspace_id=workspace_id, filters=filters)
    name = f"eventpalour-transactions-{workspace_id}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
