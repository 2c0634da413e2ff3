"""SPEC §1.2's admin table, proven in the services: every level (plus a plain user and an anonymous
caller) × every capability. Allowed calls succeed; denied ones raise and change nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import BlueTicketRequest, Category, CategorySuggestion, KycSubmission, PlatformAdmin, User
from eventpalour.services.admin import admin_audit, admin_metrics, admin_users, admins
from eventpalour.services.admin.admins import CAPABILITIES, AdminCapability
from eventpalour.services.events import categories
from eventpalour.services.platform.errors import NotAuthenticated, PermissionDenied
from eventpalour.services.workspaces import blue_tickets, kyc
from tests.factories import (
    blue_ticket_input,
    kyc_input,
    make_admin,
    make_organizer,
    make_user,
    make_workspace,
)

LEVELS = ["super_admin", "finance", "support", "moderator"]
CALLERS = [*LEVELS, "user", "anonymous"]

# Written from SPEC §1.2 (and "every admin may read the audit log"), not from the code under test.
EXPECTED: dict[AdminCapability, set[str]] = {
    AdminCapability.VIEW_DASHBOARD: {"super_admin", "finance", "support", "moderator"},
    AdminCapability.VIEW_USERS: {"super_admin", "finance", "support", "moderator"},
    AdminCapability.MANAGE_USERS: {"super_admin", "support"},
    AdminCapability.REVIEW_KYC: {"super_admin", "finance"},
    AdminCapability.REVIEW_BLUE_TICKETS: {"super_admin", "moderator"},
    AdminCapability.MANAGE_REVENUE: {"super_admin", "finance"},
    AdminCapability.MANAGE_ADMINS: {"super_admin"},
    AdminCapability.VIEW_AUDIT: {"super_admin", "finance", "support", "moderator"},
    AdminCapability.REVIEW_CATEGORIES: {"super_admin", "moderator"},
}


@pytest.fixture
def world():
    """A plain user to act on, a pending KYC submission and a pending blue-ticket request."""
    owner = make_organizer(full_name="Owner")
    workspace = make_workspace(owner)
    kyc.submit_kyc(actor=owner.summary, workspace_id=workspace.id, data=kyc_input(owner))
    blue_tickets.request_verification(actor=owner.summary, workspace_id=workspace.id, data=blue_ticket_input())
    with read_only() as session:
        submission = session.exec(select(KycSubmission)).one()
        request = session.exec(select(BlueTicketRequest)).one()
    suggestion = categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name="Comedy")
    target = make_user(full_name="Target")
    return {"submission": submission.id, "request": request.id, "target": target, "suggestion": suggestion.id}


ACTIONS: dict[AdminCapability, Callable] = {
    AdminCapability.VIEW_DASHBOARD: lambda a, w: admin_metrics.dashboard_metrics(actor=a),
    AdminCapability.VIEW_USERS: lambda a, w: admin_users.search_users(actor=a, filters=admin_users.UserFilters()),
    AdminCapability.MANAGE_USERS: lambda a, w: admin_users.set_user_status(
        actor=a, user_id=w["target"].id, status="suspended", reason="Spam reports"
    ),
    AdminCapability.REVIEW_KYC: lambda a, w: kyc.review_kyc(
        actor=a, submission_id=w["submission"], decision="approved"
    ),
    AdminCapability.REVIEW_BLUE_TICKETS: lambda a, w: blue_tickets.approve_request(actor=a, request_id=w["request"]),
    AdminCapability.MANAGE_REVENUE: lambda a, w: admins.check(actor=a, capability=AdminCapability.MANAGE_REVENUE),
    AdminCapability.MANAGE_ADMINS: lambda a, w: admins.grant_admin(actor=a, email=w["target"].email, level="support"),
    AdminCapability.VIEW_AUDIT: lambda a, w: admin_audit.list_audit(actor=a, filters=admin_audit.AuditFilters()),
    AdminCapability.REVIEW_CATEGORIES: lambda a, w: categories.decide_category_suggestion(
        actor=a, suggestion_id=w["suggestion"], approve=True
    ),
}


def _snapshot() -> tuple:
    with read_only() as session:
        return (
            sorted((u.email, u.status) for u in session.exec(select(User))),
            sorted((a.user_id, a.level) for a in session.exec(select(PlatformAdmin))),
            sorted(s.status for s in session.exec(select(KycSubmission))),
            sorted(r.status for r in session.exec(select(BlueTicketRequest))),
            sorted((c.slug, c.name) for c in session.exec(select(Category))),
            sorted(s.status for s in session.exec(select(CategorySuggestion))),
        )


def _actor(caller: str):
    if caller == "anonymous":
        return None
    if caller == "user":
        return make_user().summary
    return make_admin(caller).summary


def test_capability_table_is_spec_table():
    for capability, levels in EXPECTED.items():
        assert {level for level, caps in CAPABILITIES.items() if capability in caps} == levels, capability
    assert set(ACTIONS) == set(AdminCapability)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("capability", list(AdminCapability), ids=lambda c: c.name.lower())
def test_admin_capability(world, caller: str, capability: AdminCapability):
    actor = _actor(caller)
    if caller in EXPECTED[capability]:
        ACTIONS[capability](actor, world)
        return
    before = _snapshot()
    with pytest.raises(NotAuthenticated if caller == "anonymous" else PermissionDenied) as raised:
        ACTIONS[capability](actor, world)
    assert _snapshot() == before
    if caller in LEVELS:
        assert "Only " in raised.value.message and capability.value in raised.value.message
