"""The whole workspace permission table of SPEC §1.3: every action × every role, plus a non-member
and an anonymous caller. Allowed calls succeed; denied ones raise and change nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import AuditLogEntry, Workspace, WorkspaceInvitation, WorkspaceMember
from eventpalour.services.platform.errors import NotAuthenticated, PermissionDenied
from eventpalour.services.workspaces import api_tokens, invitations, members, webhook_endpoints
from eventpalour.services.workspaces import records as workspaces
from eventpalour.services.workspaces.access import MIN_ROLE, WorkspaceAction, allows
from eventpalour.services.workspaces.records import WorkspaceInput
from tests.factories import add_member, make_organizer, make_user, make_workspace

ROLES = ["owner", "admin", "moderator", "member"]
CALLERS = [*ROLES, "non_member", "anonymous"]
EDIT = WorkspaceInput(name="Renamed Society", description="A brand new description here.")


def _snapshot() -> tuple:
    with read_only() as session:
        return (
            sorted((w.name, w.invite_code, w.owner_id) for w in session.exec(select(Workspace))),
            sorted((m.user_id, m.role) for m in session.exec(select(WorkspaceMember))),
            sorted((i.email, i.status) for i in session.exec(select(WorkspaceInvitation))),
        )


def _audit_count() -> int:
    with read_only() as session:
        return len(session.exec(select(AuditLogEntry.id)).all())


@pytest.fixture
def team():
    """A workspace with one person in each role, a spare member to act on, and an outsider."""
    owner = make_organizer(full_name="Owner")
    workspace = make_workspace(owner)
    people = {"owner": owner}
    for role in ROLES[1:]:
        people[role] = make_user(full_name=role.title())
        add_member(workspace.id, people[role], role)
    target = make_user(full_name="Target")
    add_member(workspace.id, target, "member")
    second_admin = make_user(full_name="Second Admin")
    add_member(workspace.id, second_admin, "admin")
    people["non_member"] = make_user(full_name="Outsider")
    return workspace, people, target, second_admin


ACTIONS: dict[str, tuple[WorkspaceAction, Callable]] = {
    "get_workspace": (WorkspaceAction.VIEW, lambda a, ws, t, adm: workspaces.get_workspace(actor=a, workspace_id=ws)),
    "list_members": (WorkspaceAction.VIEW, lambda a, ws, t, adm: members.list_members(actor=a, workspace_id=ws)),
    "update_workspace": (
        WorkspaceAction.EDIT_SETTINGS,
        lambda a, ws, t, adm: workspaces.update_workspace(actor=a, workspace_id=ws, data=EDIT),
    ),
    "invite_members": (
        WorkspaceAction.MANAGE_MEMBERS,
        lambda a, ws, t, adm: invitations.invite_members(
            actor=a, workspace_id=ws, invitations=[invitations.InviteRequest("new@example.test", "member")]
        ),
    ),
    "list_pending_invitations": (
        WorkspaceAction.MANAGE_MEMBERS,
        lambda a, ws, t, adm: invitations.list_pending_invitations(actor=a, workspace_id=ws),
    ),
    "update_member_role": (
        WorkspaceAction.MANAGE_MEMBERS,
        lambda a, ws, t, adm: members.update_member_role(
            actor=a, workspace_id=ws, member_user_id=t.id, role="moderator"
        ),
    ),
    "remove_member": (
        WorkspaceAction.MANAGE_MEMBERS,
        lambda a, ws, t, adm: members.remove_member(actor=a, workspace_id=ws, member_user_id=t.id),
    ),
    "regenerate_invite_code": (
        WorkspaceAction.MANAGE_MEMBERS,
        lambda a, ws, t, adm: workspaces.regenerate_invite_code(actor=a, workspace_id=ws),
    ),
    "create_api_token": (
        WorkspaceAction.MANAGE_INTEGRATIONS,
        lambda a, ws, t, adm: api_tokens.create_api_token(actor=a, workspace_id=ws, name="CRM", scopes=["events:read"]),
    ),
    "register_webhook": (
        WorkspaceAction.MANAGE_INTEGRATIONS,
        lambda a, ws, t, adm: webhook_endpoints.register_webhook(
            actor=a, workspace_id=ws, url="https://crm.example.com/h", events=["order.paid"]
        ),
    ),
    "list_api_tokens": (
        WorkspaceAction.MANAGE_INTEGRATIONS,
        lambda a, ws, t, adm: api_tokens.list_api_tokens(actor=a, workspace_id=ws),
    ),
    "transfer_ownership": (
        WorkspaceAction.OWN,
        lambda a, ws, t, adm: workspaces.transfer_ownership(actor=a, workspace_id=ws, new_owner_id=adm.id),
    ),
    "delete_workspace": (
        WorkspaceAction.OWN,
        lambda a, ws, t, adm: workspaces.delete_workspace(
            actor=a, workspace_id=ws, confirm_name="Nairobi Jazz Society"
        ),
    ),
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("action_name", list(ACTIONS))
def test_workspace_permission_table(team, action_name, caller):
    workspace, people, target, second_admin = team
    action, call = ACTIONS[action_name]
    actor = None if caller == "anonymous" else people[caller].summary
    allowed = caller in ROLES and allows(caller, action)
    before, audits = _snapshot(), _audit_count()
    if allowed:
        call(actor, workspace.id, target, second_admin)
        return
    expected = NotAuthenticated if caller == "anonymous" else PermissionDenied
    with pytest.raises(expected) as caught:
        call(actor, workspace.id, target, second_admin)
    if caller in ROLES:
        assert MIN_ROLE[action].value in caught.value.message
    assert _snapshot() == before
    assert _audit_count() == audits


def test_permission_table_matches_spec():
    expected = {
        WorkspaceAction.VIEW: ["owner", "admin", "moderator", "member"],
        WorkspaceAction.SCAN_TICKETS: ["owner", "admin", "moderator", "member"],
        WorkspaceAction.MANAGE_EVENTS: ["owner", "admin", "moderator"],
        WorkspaceAction.VIEW_ATTENDEES: ["owner", "admin", "moderator"],
        WorkspaceAction.VIEW_ANALYTICS: ["owner", "admin", "moderator"],
        WorkspaceAction.EDIT_SETTINGS: ["owner", "admin", "moderator"],
        WorkspaceAction.MANAGE_BILLING: ["owner", "admin"],
        WorkspaceAction.MANAGE_MEMBERS: ["owner", "admin"],
        WorkspaceAction.MANAGE_INTEGRATIONS: ["owner", "admin"],
        WorkspaceAction.REQUEST_BLUE_TICKET: ["owner", "admin"],
        WorkspaceAction.OWN: ["owner"],
    }
    assert {action: [r for r in ROLES if allows(r, action)] for action in WorkspaceAction} == expected
