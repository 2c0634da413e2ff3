"""Workspace routes for API clients: batch invitations (SPEC §3, §8)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import workspaces

router = APIRouter(prefix="/api/workspace", tags=["workspaces"])


class InvitationIn(StrictIn):
    email: str = Field(max_length=320)
    role: Literal["admin", "moderator", "member"] = "member"


class InviteIn(StrictIn):
    workspace_id: str = Field(alias="workspaceId", max_length=16)
    invitations: list[InvitationIn] = Field(min_length=1, max_length=workspaces.MAX_BATCH)


@router.post("/invite", responses=answers(403, 404))
def create_invitations(body: InviteIn, user: CurrentUser) -> dict[str, list[dict[str, str]]]:
    """Invite up to 50 addresses, each with a role; one result per address."""
    outcomes = workspaces.invite_members(
        actor=user,
        workspace_id=body.workspace_id,
        invitations=[workspaces.InviteRequest(i.email, i.role) for i in body.invitations],
    )
    return {"results": [{"email": o.email, "status": o.status, "message": o.message} for o in outcomes]}
