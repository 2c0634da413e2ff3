"""KYC tax identifiers and company registration numbers (#20 §5): the form of each country's tax
identifier, a company's registration number, field errors that change nothing, and the reviewer's view."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import KycSubmission, Workspace
from eventpalour.services.platform.errors import ValidationFailed
from eventpalour.services.workspaces import kyc
from tests.factories import kyc_input, make_admin, make_organizer, make_workspace

GOOD = [
    ("KE", "A123456789B", "A123456789B"),
    ("KE", "p051234567z", "P051234567Z"),
    ("KE", " A 123456789 B ", "A123456789B"),
    ("NG", "12345678", "12345678"),
    ("NG", "123456789012", "123456789012"),
    ("NG", "12345678-0001", "12345678-0001"),
    ("GH", "P0001234567", "P0001234567"),
    ("GH", "c0001234567", "C0001234567"),
    ("GH", "GHA-123456789-1", "GHA-123456789-1"),
    ("ZA", "0123456789", "0123456789"),
    ("ZA", "9876543210", "9876543210"),
    ("ZA", "3123456789", "3123456789"),
]

BAD = [
    ("KE", "A12345678B", "A Kenya KRA PIN is a letter, 9 digits and a letter"),
    ("KE", "1234567890B", "A Kenya KRA PIN is"),
    ("KE", "A1234567890", "A Kenya KRA PIN is"),
    ("KE", "", "Enter your KRA PIN."),
    ("NG", "1234567", "A Nigeria TIN is 8 to 12 digits"),
    ("NG", "1234567890123", "A Nigeria TIN is"),
    ("NG", "1234567-0001", "A Nigeria TIN is"),
    ("NG", "A12345678", "A Nigeria TIN is"),
    ("GH", "P000123456", "A Ghana TIN is a letter and 10 digits"),
    ("GH", "00001234567", "A Ghana TIN is"),
    ("GH", "GHA-12345678-1", "A Ghana TIN is"),
    ("GH", "GHA-123456789-12", "A Ghana TIN is"),
    ("ZA", "4123456789", "A South Africa Income tax number is 10 digits starting with 0, 1, 2, 3 or 9"),
    ("ZA", "012345678", "A South Africa Income tax number is"),
    ("ZA", "01234567890", "A South Africa Income tax number is"),
]


@pytest.mark.parametrize(("country", "typed", "stored"), GOOD)
def test_each_countrys_tax_identifier_is_accepted_and_stored_normalised(country, typed, stored):
    assert kyc.tax_id_refusal(country, kyc.normalized_tax_id(typed)) is None
    owner = make_organizer()
    ws = make_workspace(owner)
    filed = kyc.submit_kyc(
        actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, tax_country=country, tax_id=typed)
    )
    assert (filed.latest.tax_country, filed.latest.tax_id) == (country, stored)
    assert filed.latest.tax_id_label == kyc.TAX_ID_RULES[country].label


@pytest.mark.parametrize(("country", "typed", "message"), BAD)
def test_a_malformed_tax_identifier_is_a_field_error_and_files_nothing(country, typed, message):
    owner = make_organizer()
    ws = make_workspace(owner)
    with pytest.raises(ValidationFailed) as refused:
        kyc.submit_kyc(
            actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, tax_country=country, tax_id=typed)
        )
    (problem,) = refused.value.details
    assert problem.path == ("tax_id",)
    assert problem.message.startswith(message)
    with read_only() as session:
        assert session.exec(select(KycSubmission).where(KycSubmission.workspace_id == ws.id)).first() is None
        assert session.get(Workspace, ws.id).kyc_status == "none"


def test_the_tax_country_must_be_one_we_sell_in():
    owner = make_organizer()
    ws = make_workspace(owner)
    for country in ("", "US", "Kenya"):
        with pytest.raises(ValidationFailed) as refused:
            kyc.submit_kyc(
                actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, tax_country=country, tax_id="A1")
            )
        assert [(d.path, d.message) for d in refused.value.details] == [
            (("tax_country",), "Choose Kenya, Nigeria, Ghana or South Africa.")
        ]


def test_a_company_needs_its_registration_number_and_name():
    owner = make_organizer()
    ws = make_workspace(owner)
    with pytest.raises(ValidationFailed) as refused:
        kyc.submit_kyc(
            actor=owner.summary,
            workspace_id=ws.id,
            data=kyc_input(owner, holder_type="company", business_name="", business_registration_number=""),
        )
    assert {d.path: d.message for d in refused.value.details} == {
        ("business_name",): "Enter the company's registered name.",
        ("business_registration_number",): "Enter the company's business registration number.",
    }
    with pytest.raises(ValidationFailed) as malformed:
        kyc.submit_kyc(
            actor=owner.summary,
            workspace_id=ws.id,
            data=kyc_input(owner, holder_type="company", business_registration_number="#!"),
        )
    assert [d.path for d in malformed.value.details] == [("business_registration_number",)]
    with pytest.raises(ValidationFailed) as unknown:
        kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, holder_type="trust"))
    assert [d.path for d in unknown.value.details] == [("holder_type",)]

    filed = kyc.submit_kyc(
        actor=owner.summary,
        workspace_id=ws.id,
        data=kyc_input(owner, holder_type="company", business_registration_number="pvt-ab1234xy"),
    )
    assert (filed.latest.holder_type, filed.latest.business_registration_number) == ("company", "PVT-AB1234XY")


def test_an_individual_needs_no_registration_number_and_keeps_none():
    owner = make_organizer()
    ws = make_workspace(owner)
    filed = kyc.submit_kyc(
        actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, business_registration_number="PVT-IGNORED")
    )
    assert (filed.latest.holder_type, filed.latest.business_registration_number) == ("individual", "")


def test_finance_reviewers_see_the_tax_identifier_and_registration_number():
    owner = make_organizer()
    ws = make_workspace(owner)
    kyc.submit_kyc(
        actor=owner.summary,
        workspace_id=ws.id,
        data=kyc_input(
            owner,
            holder_type="company",
            tax_country="NG",
            tax_id="12345678-0001",
            business_registration_number="RC 123456",
        ),
    )
    finance = make_admin("finance")
    (row,) = [r for r in kyc.list_kyc_queue(actor=finance.summary) if r.workspace_id == ws.id]
    assert (row.tax_id_label, row.tax_id, row.business_registration_number) == ("TIN", "12345678-0001", "RC 123456")
