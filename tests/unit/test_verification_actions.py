"""The verification page's flags agree with the actions they stand for: for every state a
workspace's KYC and blue-ticket request can be in, `can_file` / `can_request` is False exactly when
submit_kyc / request_verification refuses (issue #17: services tell the UI what is allowed)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from eventpalour.db import transaction
from eventpalour.models import KycStatus, Workspace
from eventpalour.services.platform.errors import Conflict
from eventpalour.services.workspaces import blue_tickets, kyc
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


@pytest.mark.parametrize("decision", [None, *kyc.DECISIONS])
def test_kyc_can_decide_false_exactly_when_review_is_refused(decision):
    """The review queue's decision form shows for a filing exactly when review_kyc would take a decision."""
    owner = make_organizer()
    ws = make_workspace(owner)
    submission_id = kyc.submit_kyc(actor=owner.summary, workspace_id=ws.id, data=kyc_input(owner)).latest.id
    reviewer = make_admin("finance")
    if decision is not None:
        kyc.review_kyc(actor=reviewer.summary, submission_id=submission_id, decision=decision, note="Checked.")
    status = decision or KycStatus.PENDING
    (shown,) = [v for v in kyc.list_kyc_queue(actor=reviewer.summary, status=status) if v.id == submission_id]
    try:
        kyc.review_kyc(actor=reviewer.summary, submission_id=submission_id, decision=KycStatus.APPROVED)
        refused = False
    except Conflict:
        refused = True
    assert shown.can_decide is not refused
    assert refused is (decision is not None)


def _refused(action, **kwargs) -> bool:
    try:
        action(**kwargs)
    except Conflict:
        return True
    return False


def _listed(state: str):
    """A fresh request brought to `state`, as a reviewer's queue lists it."""
    _, ws = _bring_to(state)
    reviewer = make_admin("moderator")
    (view,) = [v for v in blue_tickets.list_requests(actor=reviewer.summary, status=state) if v.workspace_id == ws.id]
    return reviewer.summary, view


@pytest.mark.parametrize(
    ("state", "can_decide", "can_revoke"),
    [("pending", True, False), ("approved", False, True), ("rejected", False, False), ("revoked", False, False)],
)
def test_blue_ticket_review_flags_agree_with_the_actions(state, can_decide, can_revoke):
    """Approve / Reject show exactly when approve_request and reject_request would act, Revoke exactly
    when revoke_request would (each action tried on its own fresh request)."""
    actor, shown = _listed(state)
    assert (shown.can_decide, shown.can_revoke) == (can_decide, can_revoke)
    assert _refused(blue_tickets.reject_request, actor=actor, request_id=shown.id, reason="No.") is not can_decide
    actor, shown = _listed(state)
    assert _refused(blue_tickets.approve_request, actor=actor, request_id=shown.id) is not shown.can_decide
    actor, shown = _listed(state)
    assert _refused(blue_tickets.revoke_request, actor=actor, request_id=shown.id, reason="X") is not shown.can_revoke
