"""Only KYC reviewers (super admin, finance) set a workspace's KYC status; paid events then publish."""

from __future__ import annotations

import pytest

from eventpalour.db import transaction
from eventpalour.models import PlatformAdmin
from eventpalour.services import auth, events, kyc
from eventpalour.services.errors import NotAuthenticated, PermissionDenied
from eventpalour.services.event_rules import TierInput
from tests.factories import make_event, make_organizer, make_user, make_workspace


def _admin(level: str):
    user = make_user()
    with transaction() as session:
        session.add(PlatformAdmin(user_id=user.id, level=level))
    return auth.current_user(user.token)


@pytest.mark.parametrize("level", ["super_admin", "finance"])
def test_reviewer_approves_kyc_and_paid_event_publishes(level):
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(owner, ws.id, pricing="paid", tiers=[TierInput(name="VIP", price=1000)])
    kyc.set_kyc_status(actor=_admin(level), workspace_id=ws.id, status="approved")
    assert events.change_status(actor=owner.summary, event_id=event.id, action="publish").status == "active"
    assert kyc.list_workspaces_for_review(actor=_admin(level))[0].kyc_status == "approved"


@pytest.mark.parametrize("level", ["support", "moderator", None])
def test_non_reviewer_cannot_set_kyc(level):
    ws = make_workspace()
    actor = _admin(level) if level else make_user().summary
    with pytest.raises(PermissionDenied):
        kyc.set_kyc_status(actor=actor, workspace_id=ws.id, status="approved")
    with pytest.raises(NotAuthenticated):
        kyc.set_kyc_status(actor=None, workspace_id=ws.id, status="approved")
