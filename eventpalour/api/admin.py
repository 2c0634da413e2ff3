"""Platform admin routes (SPEC §7, §8): the same services as the /admin pages, for an admin session.

Every route resolves the caller from the session cookie and lets the service decide: anonymous
callers get 401, signed-in non-admins and levels without the capability get 403 JSON.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from eventpalour.api.deps import Client, CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import admin, events, workspaces
from eventpalour.services.platform import UnsupportedMediaType


def require_json(request: Request) -> None:
    """POST bodies must be declared JSON; anything else is refused before it is parsed (415)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType("Send the request body as JSON (Content-Type: application/json).")


def require_platform_admin(user: CurrentUser) -> None:
    """Any admin level may reach these routes; each service then checks its own capability."""
    admin.check_admin(actor=user, capability=admin.AdminCapability.VIEW_DASHBOARD)


router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_platform_admin)])
Admin = CurrentUser
JsonBody = [Depends(require_json)]


class DecisionIn(StrictIn):
    request_id: str = Field(alias="requestId", min_length=1, max_length=64)
    reason: str = Field(default="", max_length=5000)


class UserStatusIn(StrictIn):
    user_id: str = Field(alias="userId", min_length=1, max_length=64)
    status: Literal["active", "suspended", "blocked"]
    reason: str = Field(default="", max_length=5000)


class KycReviewIn(StrictIn):
    submission_id: str = Field(alias="submissionId", min_length=1, max_length=64)
    decision: Literal["approved", "rejected", "requires_update"]
    note: str = Field(default="", max_length=5000)


class GrantIn(StrictIn):
    email: str = Field(max_length=320)
    level: str = Field(max_length=32)


class CategoryDecisionIn(StrictIn):
    suggestion_id: str = Field(alias="suggestionId", min_length=1, max_length=64)
    decision: Literal["approved", "rejected"]


class RevokeAdminIn(StrictIn):
    user_id: str = Field(alias="userId", min_length=1, max_length=64)


def _blue_ticket(view: workspaces.BlueTicketView) -> dict[str, Any]:
    return {
        "id": view.id,
        "workspaceId": view.workspace_id,
        "workspaceName": view.workspace_name,
        "verified": view.workspace_verified,
        "status": view.status,
        "reason": view.reason,
        "statement": view.statement,
        "links": view.links,
        "createdAt": view.created_at.isoformat(),
        "decidedAt": view.decided_at.isoformat() if view.decided_at else None,
    }


@router.get("/metrics")
def read_metrics(user: Admin) -> dict[str, Any]:
    """The dashboard figures (every admin level)."""
    metrics = admin.dashboard_metrics(actor=user)
    body = asdict(metrics)
    body["days"] = [{**day, "day": day["day"].isoformat()} for day in body["days"]]
    return body


@router.get("/users", responses=answers(400))
def read_users(
    user: Admin,
    search: Annotated[str, Query(max_length=320)] = "",
    account_type: Annotated[str, Query(alias="accountType", max_length=16)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> dict[str, Any]:
    """Users, 50 per page, filtered by email/username, account type and status."""
    filters = admin.UserFilters(search=search, account_type=account_type, status=status)
    found = admin.search_users(actor=user, filters=filters, page=page)
    return {
        "users": [
            {"id": r.id, "email": r.email, "username": r.username, "accountType": r.account_type, "status": r.status}
            for r in found.rows
        ],
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
    }


@router.post("/users/status", dependencies=JsonBody, responses=answers(404, 409))
def update_user_status(body: UserStatusIn, user: Admin, client: Client) -> dict[str, str]:
    """Suspend, block or reactivate an account with a reason; suspending signs it out everywhere."""
    row = admin.set_user_status(actor=user, user_id=body.user_id, status=body.status, reason=body.reason, client=client)
    return {"id": row.id, "status": row.status}


@router.get("/kyc", responses=answers(400))
def read_kyc_queue(user: Admin, status: Annotated[str, Query(max_length=20)] = "pending") -> dict[str, Any]:
    """KYC submissions by review state (KYC reviewers)."""
    rows = workspaces.list_kyc_queue(actor=user, status=status)
    return {"submissions": [{"id": r.id, "workspaceId": r.workspace_id, "status": r.status} for r in rows]}


@router.post("/kyc/review", dependencies=JsonBody, responses=answers(404, 409))
def review_kyc(body: KycReviewIn, user: Admin, client: Client) -> dict[str, str]:
    """Approve, reject or ask for an update of a pending KYC submission; the organizer is emailed."""
    view = workspaces.review_kyc(
        actor=user, submission_id=body.submission_id, decision=body.decision, note=body.note, client=client
    )
    return {"id": view.id, "status": view.status}


@router.get("/category-suggestions", responses=answers(400))
def read_category_suggestions(
    user: Admin, status: Annotated[Literal["pending", "approved", "rejected"], Query()] = "pending"
) -> dict[str, Any]:
    """Organizers' category suggestions by state, oldest first (category reviewers)."""
    views = events.list_category_suggestions(actor=user, status=status)
    return {"suggestions": [_suggestion(v) for v in views]}


@router.post("/category-suggestions/decide", dependencies=JsonBody, responses=answers(404, 409))
def decide_category_suggestion(body: CategoryDecisionIn, user: Admin) -> dict[str, Any]:
    """Approve (the name joins GET /api/categories) or reject a pending suggestion."""
    view = events.decide_category_suggestion(
        actor=user, suggestion_id=body.suggestion_id, approve=body.decision == "approved"
    )
    return _suggestion(view)


def _suggestion(view: events.CategorySuggestionView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "workspaceName": view.workspace_name,
        "status": view.status,
        "createdAt": view.created_at.isoformat(),
        "decidedAt": view.decided_at.isoformat() if view.decided_at else None,
    }


@router.get("/blue-tickets", responses=answers(400))
def read_blue_tickets(user: Admin, status: Annotated[str, Query(max_length=16)] = "pending") -> dict[str, Any]:
    """Blue-ticket requests by state (blue-ticket reviewers)."""
    return {"requests": [_blue_ticket(v) for v in workspaces.list_requests(actor=user, status=status)]}


@router.post("/blue-tickets/approve", dependencies=JsonBody, responses=answers(404, 409))
def approve_blue_ticket(body: DecisionIn, user: Admin, client: Client) -> dict[str, Any]:
    """Approve a pending request: the workspace shows the verified badge."""
    return _blue_ticket(
        workspaces.approve_request(actor=user, request_id=body.request_id, reason=body.reason, client=client)
    )


@router.post("/blue-tickets/reject", dependencies=JsonBody, responses=answers(404, 409))
def reject_blue_ticket(body: DecisionIn, user: Admin, client: Client) -> dict[str, Any]:
    """Reject a pending request; `reason` is required."""
    return _blue_ticket(
        workspaces.reject_request(actor=user, request_id=body.request_id, reason=body.reason, client=client)
    )


@router.post("/blue-tickets/revoke", dependencies=JsonBody, responses=answers(404, 409))
def revoke_blue_ticket(body: DecisionIn, user: Admin, client: Client) -> dict[str, Any]:
    """Take an approved badge away; `reason` is required."""
    return _blue_ticket(
        workspaces.revoke_request(actor=user, request_id=body.request_id, reason=body.reason, client=client)
    )


@router.get("/audit", responses=answers(400))
def read_audit(
    user: Admin,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=320)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> dict[str, Any]:
    """The audit log, 50 per page, newest first."""
    filters = admin.AuditFilters(action=action, actor=actor, date_from=date_from, date_to=date_to)
    found = admin.list_audit(actor=user, filters=filters, page=page)
    return {
        "entries": [
            {
                "id": r.id,
                "at": r.created_at.isoformat(),
                "action": r.action,
                "actor": r.actor_email,
                "target": r.target,
                "result": r.result,
                "ip": r.ip,
                "userAgent": r.user_agent,
                "details": r.details,
            }
            for r in found.rows
        ],
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
    }


@router.get("/admins")
def read_admins(user: Admin) -> dict[str, Any]:
    """Every platform admin (super admins only)."""
    rows = admin.list_admins(actor=user)
    return {
        "admins": [{"userId": r.user_id, "email": r.email, "level": r.level, "bootstrap": r.bootstrap} for r in rows]
    }


@router.post("/admins", dependencies=JsonBody, responses=answers(404, 409))
def grant_admin(body: GrantIn, user: Admin, client: Client) -> dict[str, str]:
    """Make an account a platform admin, or change its level (super admins only)."""
    row = admin.grant_admin(actor=user, email=body.email, level=body.level, client=client)
    return {"userId": row.user_id, "email": row.email, "level": row.level}


@router.post("/admins/revoke", dependencies=JsonBody, responses=answers(404, 409))
def revoke_admin(body: RevokeAdminIn, user: Admin, client: Client) -> dict[str, bool]:
    """Take away a platform admin's access (super admins only)."""
    admin.revoke_admin(actor=user, user_id=body.user_id, client=client)
    return {"revoked": True}
