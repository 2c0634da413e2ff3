"""The account holder's own data (#20 §3): downloading it, and deleting the account.

The exports are plain GETs behind the session cookie, so a link on the account page downloads them
with a full page load. Deleting takes a code emailed first; both POSTs count against the stricter
auth limit, like the other code routes.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from eventpalour import routes
from eventpalour.api.auth import clear_session_cookie
from eventpalour.api.deps import AuthLimited, CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import AccountDeletionIn
from eventpalour.services import identity

router = APIRouter(tags=["account"])
PRIVATE = {"Cache-Control": "private, no-store"}


def _attachment(filename: str, body: str, media_type: str) -> Response:
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content=body, media_type=media_type, headers=headers)


@router.get(routes.API_ACCOUNT_EXPORT_JSON)
async def read_account_export_json(user: CurrentUser) -> Response:
    """Everything held about you: profile, sessions, orders with lines, tickets, transfers,
    memberships, invitations, KYC filings you made and audit entries about you."""
    export = await run_in_threadpool(identity.export_account, actor=user)
    return _attachment(routes.ACCOUNT_EXPORT_JSON_NAME, identity.account_export_json(export), "application/json")


@router.get(routes.API_ACCOUNT_EXPORT_CSV)
async def read_account_export_csv(user: CurrentUser) -> Response:
    """Your orders (one row per line) and tickets as CSV; money in minor units."""
    export = await run_in_threadpool(identity.export_account, actor=user)
    return _attachment(routes.ACCOUNT_EXPORT_CSV_NAME, identity.account_export_csv(export), "text/csv; charset=utf-8")


@router.post(routes.API_ACCOUNT_DELETION_CODE, dependencies=[AuthLimited], responses=answers(409))
def send_deletion_code(user: CurrentUser) -> dict[str, bool]:
    """Email a 6-digit code to your address that confirms deleting the account; refused (409) with
    the reason while you own a workspace, hold tickets for upcoming events or have an unpaid order."""
    identity.request_deletion_code(actor=user)
    return {"sent": True}


@router.post(routes.API_ACCOUNT_DELETION, dependencies=[AuthLimited], responses=answers(409))
def delete_account(body: AccountDeletionIn, user: CurrentUser) -> JSONResponse:
    """Delete your account: type its address and the emailed code. Personal data is erased, every
    session ends (this cookie is cleared too); orders and payments stay, pseudonymised."""
    identity.delete_account(actor=user, email=body.email, code=body.code)
    response = JSONResponse({"deleted": True})
    clear_session_cookie(response)
    return response
