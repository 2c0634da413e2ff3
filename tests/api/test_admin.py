"""The /api/admin routes over real HTTP: the permission table per level, and the blue-ticket
routes' bad inputs (404, 409, 400 with details, wrong method or content type)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import AuditLogEntry, KycSubmission, User, Workspace
from eventpalour.services.workspaces import blue_tickets, kyc
from tests.api.support import with_session
from tests.factories import blue_ticket_input, kyc_input, make_admin, make_organizer, make_user, make_workspace

CALLERS = ["super_admin", "finance", "support", "moderator", "user", "anonymous"]
ALLOWED = {
    "metrics": {"super_admin", "finance", "support", "moderator"},
    "users": {"super_admin", "finance", "support", "moderator"},
    "user_status": {"super_admin", "support"},
    "kyc_queue": {"super_admin", "finance"},
    "kyc_review": {"super_admin", "finance"},
    "blue_tickets": {"super_admin", "moderator"},
    "blue_ticket_approve": {"super_admin", "moderator"},
    "audit": {"super_admin", "finance", "support", "moderator"},
    "admins": {"super_admin"},
    "grant_admin": {"super_admin"},
}


@pytest.fixture
def world():
    owner = make_organizer()
    ws = make_workspace(owner)
    kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner))
    request = blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input())
    with read_only() as session:
        submission = session.exec(select(KycSubmission.id)).one()
    return {"workspace": ws.id, "request": request.id, "submission": submission, "target": make_user()}


CALLS: dict[str, Callable[[httpx.Client, dict], httpx.Response]] = {
    "metrics": lambda c, w: c.get("/api/admin/metrics"),
    "users": lambda c, w: c.get("/api/admin/users", params={"search": "example"}),
    "user_status": lambda c, w: c.post(
        "/api/admin/users/status", json={"userId": w["target"].id, "status": "suspended", "reason": "Spam"}
    ),
    "kyc_queue": lambda c, w: c.get("/api/admin/kyc"),
    "kyc_review": lambda c, w: c.post(
        "/api/admin/kyc/review", json={"submissionId": w["submission"], "decision": "approved"}
    ),
    "blue_tickets": lambda c, w: c.get("/api/admin/blue-tickets"),
    "blue_ticket_approve": lambda c, w: c.post("/api/admin/blue-tickets/approve", json={"requestId": w["request"]}),
    "audit": lambda c, w: c.get("/api/admin/audit", params={"action": "kyc"}),
    "admins": lambda c, w: c.get("/api/admin/admins"),
    "grant_admin": lambda c, w: c.post("/api/admin/admins", json={"email": w["target"].email, "level": "support"}),
}


def _as(http: httpx.Client, caller: str) -> httpx.Client:
    if caller == "anonymous":
        return http
    person = make_user() if caller == "user" else make_admin(caller)
    return with_session(http, person.token)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", list(CALLS))
def test_admin_route_permissions(http, world, caller: str, route: str):
    response = CALLS[route](_as(http, caller), world)
    if caller in ALLOWED[route]:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == (401 if caller == "anonymous" else 403), response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]


def test_approve_blue_ticket_route(http, world):
    client = with_session(http, make_admin("moderator").token)
    response = client.post("/api/admin/blue-tickets/approve", json={"requestId": world["request"], "reason": ""})
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["verified"] is True
    with read_only() as session:
        assert session.get(Workspace, world["workspace"]).verified
        entry = session.exec(select(AuditLogEntry).where(AuditLogEntry.action == "blue_ticket.approve")).one()
    assert entry.ip == "127.0.0.1" and entry.details["request_id"] == world["request"]
    again = client.post("/api/admin/blue-tickets/approve", json={"requestId": world["request"]})
    assert again.status_code == 409 and "approved" in again.json()["error"]
    reject = client.post("/api/admin/blue-tickets/reject", json={"requestId": world["request"], "reason": "Late"})
    assert reject.status_code == 409


def test_reject_blue_ticket_route(http, world):
    client = with_session(http, make_admin("super_admin").token)
    missing = client.post("/api/admin/blue-tickets/reject", json={"requestId": world["request"]})
    assert missing.status_code == 400
    assert missing.json()["details"] == [{"path": ["reason"], "message": missing.json()["details"][0]["message"]}]
    blank = client.post("/api/admin/blue-tickets/reject", json={"requestId": world["request"], "reason": "   "})
    assert blank.status_code == 400 and blank.json()["details"][0]["path"] == ["reason"]
    done = client.post("/api/admin/blue-tickets/reject", json={"requestId": world["request"], "reason": "Unknown"})
    assert done.status_code == 200 and done.json()["status"] == "rejected" and done.json()["reason"] == "Unknown"
    with read_only() as session:
        assert not session.get(Workspace, world["workspace"]).verified
        assert session.exec(select(AuditLogEntry).where(AuditLogEntry.action == "blue_ticket.reject")).one()


def test_reasons_sent_over_http_lose_nul_and_bidi_marks(http, world):
    """JSON can carry any character (`\\u0000`, `\\u202e`): the reason is stored as the person meant it."""
    client = with_session(http, make_admin("super_admin").token)
    reason = '"Un\\u0000known \\u202eorganizer\\u2069"'
    body = f'{{"requestId": "{world["request"]}", "reason": {reason}}}'
    done = client.post("/api/admin/blue-tickets/reject", content=body, headers={"content-type": "application/json"})
    assert done.status_code == 200 and done.json()["reason"] == "Unknown organizer"
    body = f'{{"userId": "{world["target"].id}", "status": "suspended", "reason": {reason}}}'
    suspended = client.post("/api/admin/users/status", content=body, headers={"content-type": "application/json"})
    assert suspended.status_code == 200
    with read_only() as session:
        assert session.get(User, world["target"].id).status_reason == "Unknown organizer"


@pytest.mark.parametrize("path", ["approve", "reject"])
def test_blue_ticket_route_bad_inputs(http, world, path: str):
    client = with_session(http, make_admin("super_admin").token)
    url = f"/api/admin/blue-tickets/{path}"
    unknown = client.post(url, json={"requestId": "doesnotexist0000", "reason": "Because"})
    assert unknown.status_code == 404 and unknown.json() == {"error": "This verification request does not exist."}
    assert client.get(url).status_code == 405
    assert client.put(url, json={"requestId": world["request"]}).status_code == 405
    as_text = client.post(url, content=f'{{"requestId": "{world["request"]}"}}', headers={"content-type": "text/plain"})
    assert as_text.status_code == 415 and as_text.json()["error"]
    as_form = client.post(url, data={"requestId": world["request"], "reason": "x"})
    assert as_form.status_code == 415
    for body in ('{"requestId": ', "[]", '{"requestId": 5}', "{}", '{"requestId": "x", "extra": 1}'):
        bad = client.post(url, content=body, headers={"content-type": "application/json"})
        assert 400 <= bad.status_code < 500 and "error" in bad.json(), body
    with read_only() as session:
        assert session.exec(select(AuditLogEntry).where(AuditLogEntry.action.startswith("blue_ticket."))).all()
        decided = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action.in_(["blue_ticket.approve", "blue_ticket.reject"]))
        ).all()
    assert decided == []  # nothing was decided by a bad request


def test_suspend_route_signs_user_out(http, world):
    target = world["target"]
    client = with_session(http, make_admin("support").token)
    assert (
        client.post(
            "/api/admin/users/status", json={"userId": target.id, "status": "suspended", "reason": "Fraud"}
        ).status_code
        == 200
    )
    with httpx.Client(base_url=str(http.base_url)) as other:
        assert with_session(other, target.token).get("/api/auth/me").status_code == 401
        signed = other.post("/api/auth/sign-in", json={"email": target.email, "password": target.password})
    assert signed.status_code == 403 and "suspended" in signed.json()["error"]
