"""POST /api/workspace/kyc (#20 §5): filing KYC with the tax identifier and, for a company, its
registration number; a malformed tax identifier is a 400 naming the field, and nothing is filed."""

from __future__ import annotations

import httpx
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import KycSubmission, Workspace
from tests.api.support import with_session
from tests.factories import kyc_upload, make_organizer, make_workspace


def _filing(owner, workspace_id: str, **changes) -> dict[str, str]:
    body = {
        "workspaceId": workspace_id,
        "legalName": "Amina Wanjiru Otieno",
        "idNumber": "12345678",
        "idDocumentKey": kyc_upload(owner),
        "phone": "+254 712 345678",
        "businessName": "Jazz Nights Ltd",
        "holderType": "company",
        "taxCountry": "KE",
        "taxId": "P051234567Z",
        "businessRegistrationNumber": "PVT-AB1234XY",
        "payoutMethod": "mpesa",
        "payoutAccountName": "Amina Otieno",
        "payoutAccountNumber": "+254 712 345678",
    }
    return {**body, **changes}


def test_a_bad_tax_id_is_a_400_field_error_and_files_nothing(api_url):
    owner = make_organizer()
    ws = make_workspace(owner)
    with httpx.Client(base_url=api_url, timeout=10) as client:
        refused = with_session(client, owner.token).post(
            "/api/workspace/kyc", json=_filing(owner, ws.id, taxCountry="ZA", taxId="4123456789")
        )
    assert refused.status_code == 400, refused.text
    assert refused.json()["details"] == [
        {
            "path": ["tax_id"],
            "message": "A South Africa Income tax number is 10 digits starting with 0, 1, 2, 3 or 9.",
        }
    ]
    with read_only() as session:
        assert session.exec(select(KycSubmission).where(KycSubmission.workspace_id == ws.id)).first() is None
        assert session.get(Workspace, ws.id).kyc_status == "none"


def test_a_company_without_a_registration_number_is_a_400(api_url):
    owner = make_organizer()
    ws = make_workspace(owner)
    with httpx.Client(base_url=api_url, timeout=10) as client:
        refused = with_session(client, owner.token).post(
            "/api/workspace/kyc", json=_filing(owner, ws.id, businessRegistrationNumber="")
        )
    assert refused.status_code == 400, refused.text
    assert [d["path"] for d in refused.json()["details"]] == [["business_registration_number"]]


def test_a_company_files_its_tax_id_and_registration_number(api_url):
    owner = make_organizer()
    ws = make_workspace(owner)
    with httpx.Client(base_url=api_url, timeout=10) as client:
        filed = with_session(client, owner.token).post("/api/workspace/kyc", json=_filing(owner, ws.id))
    assert filed.status_code == 200, filed.text
    assert filed.json()["status"] == "pending"
    with read_only() as session:
        row = session.get(KycSubmission, filed.json()["id"])
    assert (row.holder_type, row.tax_country, row.tax_id, row.business_registration_number) == (
        "company",
        "KE",
        "P051234567Z",
        "PVT-AB1234XY",
    )
    with httpx.Client(base_url=api_url, timeout=10) as stranger:
        assert stranger.post("/api/workspace/kyc", json=_filing(owner, ws.id)).status_code == 401
