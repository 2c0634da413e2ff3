"""The verification page's flags agree with the actions they stand for: for every state a
workspace's KYC and blue-ticket request can be in, `can_file` / `can_request` is False exactly when
submit_kyc / request_verification refuses (issue #17: services tell the UI what is allowed)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from eventpalour.db import transaction
from eventpalour.models import KycStatus, Workspace
from eventpalour.services import blue_tickets, kyc
from eventpalour.services.errors import Conflict
from tests.factories import blue_ticket_input, kyc_input, make_admin, make_organizer, make_workspace


@pytest.mark.parametrize("status", list(KycStatus))
def test_can_file_kyc_false_exactly_when_submit_is_refused(status):
    owner = make_organizer()
    ws = make_workspace(owner)
    with transaction() as session:
        session.execute(update(Workspace).where(Workspace.id == ws.id).values(kyc_status=status))
    shown = kyc.workspace_kyc(actor=owner.summary, workspace_id=ws.id)
    assert shown.status_text
    try:
        kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner))
        refused = False
    except Conflict:
        refused = True
    assert shown.can_file is not refused
    assert refused is (status in (KycStatus.PENDING, KycStatus.APPROVED))


def _bring_to(state: str):
    """A workspace whose blue-ticket history ends in `state`, through the services."""
    owner = make_organizer()
    ws = make_workspace(owner)
    if state == "none":
        return owner, ws
    view = blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input())
    reviewer = make_admin("moderator")
    if state in ("approved", "revoked"):
        blue_tickets.approve_request(actor=reviewer.summary, request_id=view.id)
    if state == "rejected":
        blue_tickets.reject_request(actor=reviewer.summary, request_id=view.id, reason="No public presence yet.")
    if state == "revoked":
        blue_tickets.revoke_request(actor=reviewer.summary, request_id=view.id, reason="Impersonation report.")
    return owner, ws


@pytest.mark.parametrize(
    ("state", "allowed", "in_review"),
    [
        ("none", True, False),
        ("pending", False, True),
        ("approved", False, False),
        ("rejected", True, False),
        ("revoked", True, False),
    ],
)
def test_can_request_badge_false_exactly_when_request_is_refused(state, allowed, in_review):
    owner, ws = _bring_to(state)
    shown = blue_tickets.workspace_blue_ticket(actor=owner.summary, workspace_id=ws.id)
    try:
        blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input())
        refused = False
    except Conflict:
        refused = True
    assert shown.can_request is not refused
    assert (shown.can_request, shown.in_review) == (allowed, in_review)
