"""POST /api/workspace/invite over real HTTP: per-address results, roles, limits and bad input."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import WorkspaceInvitation
from tests.api.support import with_session
from tests.factories import add_member, latest_email, make_organizer, make_user, make_workspace


def _invitations() -> list[tuple[str, str]]:
    with read_only() as session:
        return sorted((i.email, i.role) for i in session.exec(select(WorkspaceInvitation)))


@pytest.fixture
def owner_and_workspace():
    owner = make_organizer()
    return owner, make_workspace(owner)


def test_invite_returns_result_per_address(http: httpx.Client, owner_and_workspace):
    owner, workspace = owner_and_workspace
    existing = make_user(email="member@example.test")
    add_member(workspace.id, existing, "member")
    body = {
        "workspaceId": workspace.id,
        "invitations": [
            {"email": "new@example.test", "role": "moderator"},
            {"email": "member@example.test"},
            {"email": "nope"},
        ],
    }
    response = with_session(http, owner.token).post("/api/workspace/invite", json=body)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["invited", "already_member", "invalid"]
    assert _invitations() == [("new@example.test", "moderator")]
    assert "/invite/" in latest_email("new@example.test", "workspace_invitation").text_body


def test_invite_anonymous_is_401(http: httpx.Client, owner_and_workspace):
    _, workspace = owner_and_workspace
    response = http.post(
        "/api/workspace/invite", json={"workspaceId": workspace.id, "invitations": [{"email": "a@b.co"}]}
    )
    assert response.status_code == 401 and "error" in response.json()
    assert _invitations() == []


def test_invite_by_plain_member_is_403(http: httpx.Client, owner_and_workspace):
    _, workspace = owner_and_workspace
    member = make_user()
    add_member(workspace.id, member, "member")
    body = {"workspaceId": workspace.id, "invitations": [{"email": "x@example.test"}]}
    response = with_session(http, member.token).post("/api/workspace/invite", json=body)
    assert response.status_code == 403
    assert "admin" in response.json()["error"]
    assert _invitations() == []


def test_invite_unknown_workspace_is_404(http: httpx.Client):
    owner = make_organizer()
    body = {"workspaceId": "doesnotexist0000", "invitations": [{"email": "x@example.test"}]}
    assert with_session(http, owner.token).post("/api/workspace/invite", json=body).status_code == 404


@pytest.mark.parametrize(
    "invitations",
    [
        [],
        [{"email": f"p{i}@example.test"} for i in range(51)],
        [{"email": "x@example.test", "role": "owner"}],
        [{"email": 12}],
        [{"mail": "x@example.test"}],
    ],
    ids=["empty", "over-50", "owner-role", "number-email", "wrong-key"],
)
def test_invite_bad_input_is_422(http: httpx.Client, owner_and_workspace, invitations):
    owner, workspace = owner_and_workspace
    body = {"workspaceId": workspace.id, "invitations": invitations}
    response = with_session(http, owner.token).post("/api/workspace/invite", json=body)
    assert response.status_code == 422
    assert response.json()["details"]
    assert _invitations() == []
