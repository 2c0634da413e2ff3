"""Workspace routes for API clients: batch invitations (SPEC §3, §8) and filing KYC (SPEC §1.2, #20)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from eventpalour.api.deps import Client, CurrentUser
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


class KycIn(StrictIn):
    """A KYC filing, as the Verification tab's form sends it; `idDocumentKey` is the caller's upload
    to the KYC bucket (POST /api/upload). The service checks every field and answers field errors."""

    workspace_id: str = Field(alias="workspaceId", max_length=16)
    legal_name: str = Field(default="", alias="legalName", max_length=1000)
    id_number: str = Field(default="", alias="idNumber", max_length=1000)
    id_document_key: str = Field(default="", alias="idDocumentKey", max_length=1000)
    phone: str = Field(default="", max_length=1000)
    business_name: str = Field(default="", alias="businessName", max_length=1000)
    holder_type: Literal["individual", "company"] = Field(default="individual", alias="holderType")
    tax_country: str = Field(default="", alias="taxCountry", max_length=100)
    tax_id: str = Field(default="", alias="taxId", max_length=1000)
    business_registration_number: str = Field(default="", alias="businessRegistrationNumber", max_length=1000)
    payout_method: str = Field(default="", alias="payoutMethod", max_length=100)
    payout_account_name: str = Field(default="", alias="payoutAccountName", max_length=1000)
    payout_account_number: str = Field(default="", alias="payoutAccountNumber", max_length=1000)
    payout_bank_name: str = Field(default="", alias="payoutBankName", max_length=1000)


@router.post("/kyc", responses=answers(400, 403, 404, 409))
def file_kyc(body: KycIn, user: CurrentUser, client: Client) -> dict[str, str]:
    """File the workspace's KYC (owner or admin); it goes to review (`pending`)."""
    filed = workspaces.submit_kyc(
        actor=user,
        workspace_id=body.workspace_id,
        data=workspaces.KycInput(**body.model_dump(exclude={"workspace_id"})),
        client=client,
    )
    latest = filed.latest
    return {"id": latest.id if latest else "", "status": filed.status}
