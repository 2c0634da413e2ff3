"""KYC: organizers file it with field errors for every bad input; reviewers approve, reject or ask
for an update with a note; the organizer is emailed; paid events publish only once approved."""

from __future__ import annotations

import pytest

from eventpalour.db import read_only
from eventpalour.models import KycSubmission, Workspace
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform import uploads
from eventpalour.services.platform.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from eventpalour.services.workspaces import kyc
from tests.factories import (
    add_member,
    kyc_input,
    latest_email,
    make_admin,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)
from tests.samples import image_bytes


def _filed(owner=None):
    owner = owner or make_organizer()
    ws = make_workspace(owner)
    result = kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner))
    return owner, ws, result.latest.id


def test_submit_kyc_marks_workspace_pending():
    owner, ws, submission_id = _filed()
    view = kyc.workspace_kyc(actor=owner.summary, workspace_id=ws.id)
    assert view.status == "pending" and view.latest.id == submission_id
    assert view.latest.payout_method == "mpesa" and view.latest.id_document_type == "application/pdf"


def test_submit_kyc_every_field_error_at_once():
    owner = make_organizer()
    ws = make_workspace(owner)
    bad = kyc_input(
        owner,
        legal_name="",
        id_number="#!",
        id_document_key="",
        phone="0712",
        payout_method="bank",
        payout_account_name="",
        payout_account_number="12",
        payout_bank_name="",
    )
    with pytest.raises(ValidationFailed) as raised:
        kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=bad)
    fields = {d.path[0] for d in raised.value.details}
    assert fields == {
        "legal_name",
        "id_number",
        "id_document_key",
        "phone",
        "payout_account_name",
        "payout_account_number",
        "payout_bank_name",
    }
    with read_only() as session:
        assert session.get(Workspace, ws.id).kyc_status == "none"


def test_submit_kyc_mpesa_number_needs_country_code():
    owner = make_organizer()
    ws = make_workspace(owner)
    with pytest.raises(ValidationFailed) as raised:
        kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, payout_account_number="0712"))
    assert [d.path for d in raised.value.details] == [("payout_account_number",)]


def test_submit_kyc_document_must_be_own_private_upload():
    owner, other = make_organizer(), make_user()
    ws = make_workspace(owner)
    public = uploads.store_upload(actor=owner.summary, bucket="LOGOS", folder="", filename="a.png", data=image_bytes())
    for key in (public.key, kyc_input(other).id_document_key):
        with pytest.raises(ValidationFailed) as raised:
            kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner, id_document_key=key))
        assert raised.value.details[0].path == ("id_document_key",)


@pytest.mark.parametrize("role", ["moderator", "member"])
def test_submit_kyc_needs_workspace_admin(role):
    owner = make_organizer()
    ws = make_workspace(owner)
    person = make_user()
    add_member(ws.id, person, role)
    with pytest.raises(PermissionDenied):
        kyc.submit_kyc(actor=person.summary, workspace_id=ws.id, data=kyc_input(person))
    with pytest.raises(NotAuthenticated):
        kyc.submit_kyc(actor=None, workspace_id=ws.id, data=kyc_input(person))


def test_submit_kyc_twice_while_pending_conflicts():
    owner, ws, _ = _filed()
    with pytest.raises(Conflict):
        kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner))


@pytest.mark.parametrize("level", ["super_admin", "finance"])
def test_approve_kyc_emails_and_paid_event_publishes(level):
    owner, ws, submission_id = _filed()
    event = make_event(owner, ws.id, pricing="paid", tiers=[TierInput(name="VIP", price=1000)])
    with pytest.raises(PermissionDenied):
        events.change_status(actor=owner.summary, event_id=event.id, action="publish")
    reviewer = make_admin(level)
    queue = kyc.list_kyc_queue(actor=reviewer.summary)
    assert [v.id for v in queue] == [submission_id]
    kyc.review_kyc(actor=reviewer.summary, submission_id=submission_id, decision="approved")
    assert events.change_status(actor=owner.summary, event_id=event.id, action="publish").status == "active"
    assert "approved" in latest_email(owner.email, "kyc_decision").subject
    assert kyc.list_kyc_queue(actor=reviewer.summary) == []


@pytest.mark.parametrize("decision", ["rejected", "requires_update"])
def test_reject_or_update_needs_note_then_organizer_files_again(decision):
    owner, ws, submission_id = _filed()
    reviewer = make_admin("finance")
    with pytest.raises(ValidationFailed) as raised:
        kyc.review_kyc(actor=reviewer.summary, submission_id=submission_id, decision=decision, note=" ")
    assert raised.value.details[0].path == ("note",)
    kyc.review_kyc(actor=reviewer.summary, submission_id=submission_id, decision=decision, note="ID photo is blurry")
    assert kyc.workspace_kyc(actor=owner.summary, workspace_id=ws.id).status == decision
    assert "ID photo is blurry" in latest_email(owner.email, "kyc_decision").text_body
    with pytest.raises(Conflict):
        kyc.review_kyc(actor=reviewer.summary, submission_id=submission_id, decision="approved")
    again = kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner))
    assert again.status == "pending" and again.latest.id != submission_id
    with read_only() as session:
        assert len(session.exec(KycSubmission.__table__.select()).all()) == 2


def test_kyc_document_readable_by_owner_and_reviewers_only():
    owner, ws, submission_id = _filed()
    key = kyc.workspace_kyc(actor=owner.summary, workspace_id=ws.id).latest.id_document_key
    assert uploads.read_upload(actor=owner.summary, key=key).public is False
    assert uploads.read_upload(actor=make_admin("finance").summary, key=key).data.startswith(b"%PDF")
    for outsider in (make_admin("support").summary, make_admin("moderator").summary, make_user().summary, None):
        with pytest.raises(NotFound):
            uploads.read_upload(actor=outsider, key=key)
