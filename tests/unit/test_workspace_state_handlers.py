"""The permission table holds through the Reflex handlers too: a forged event from a lower role or
an anonymous connection changes nothing, whatever page it claims to come from."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Workspace, WorkspaceInvitation, WorkspaceMember
from eventpalour.state.members import InviteRow, MembersState
from eventpalour.state.workspace import WorkspacePanel, WorkspaceSettingsState, WorkspaceState
from tests.factories import add_member, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for

SETTINGS_FORM = {"name": "Hijacked", "description": "Changed by someone without the right."}


def _snapshot() -> tuple:
    with read_only() as session:
        return (
            sorted((w.name, w.slug, w.invite_code, w.owner_id) for w in session.exec(select(Workspace))),
            sorted((m.user_id, m.role) for m in session.exec(select(WorkspaceMember))),
            sorted((i.email, i.status) for i in session.exec(select(WorkspaceInvitation))),
        )


@pytest.fixture
def team():
    owner = make_organizer()
    workspace = make_workspace(owner)
    member, admin, other = make_user(), make_user(), make_user()
    add_member(workspace.id, member, "member")
    add_member(workspace.id, admin, "admin")
    add_member(workspace.id, other, "member")
    return workspace, {"owner": owner, "member": member, "admin": admin, "other": other}


CALLS = [
    (WorkspaceSettingsState, "save_settings", lambda p: (SETTINGS_FORM,)),
    (WorkspaceSettingsState, "regenerate_invite_code", lambda p: ()),
    (WorkspaceSettingsState, "change_slug", lambda p: ({"slug": "hijacked-page"},)),
    (WorkspaceSettingsState, "transfer_ownership", lambda p: ({"new_owner_id": p["admin"].id},)),
    (WorkspaceSettingsState, "delete_workspace", lambda p: ({"confirm_name": "Nairobi Jazz Society"},)),
    (MembersState, "change_role", lambda p: (p["other"].id, "admin")),
    (MembersState, "remove_member", lambda p: (p["other"].id,)),
]


@pytest.mark.parametrize("caller", ["anonymous", "member"])
@pytest.mark.parametrize(("state_cls", "handler", "args"), CALLS, ids=[c[1] for c in CALLS])
async def test_forged_event_from_lower_role_changes_nothing(team, caller, state_cls, handler, args):
    workspace, people = team
    token = None if caller == "anonymous" else people["member"].token
    state = state_for(state_cls, token=token, path=f"/workspace/{workspace.id}/settings")
    before = _snapshot()
    await run_handler(state, handler, *args(people))
    assert _snapshot() == before


async def test_invitations_handler_from_member_sends_nothing(team):
    workspace, people = team
    state = state_for(MembersState, token=people["member"].token, path=f"/workspace/{workspace.id}/members")
    state.invite_rows = [InviteRow("sneaky@example.test", "admin")]
    await run_handler(state, "send_invitations")
    assert _snapshot()[2] == []


async def test_owner_saves_settings_through_handler(team):
    workspace, people = team
    state = state_for(WorkspaceSettingsState, token=people["owner"].token, path=f"/workspace/{workspace.id}/settings")
    await run_handler(await state.get_state(WorkspaceState), "load_workspace")
    await run_handler(state, "load_settings")
    await run_handler(state, "save_settings", {"name": "Renamed Society"})
    with read_only() as session:
        assert session.get(Workspace, workspace.id).name == "Renamed Society"


async def test_non_member_loading_workspace_sees_a_clear_problem(team):
    workspace, _ = team
    outsider = make_user()
    state = state_for(WorkspaceState, token=outsider.token, path=f"/workspace/{workspace.id}")
    await run_handler(state, "load_workspace")
    assert state.workspace == WorkspacePanel() and "not a member" in state.load_problem


async def test_an_invalid_invitation_address_stays_as_typed_with_its_error(team):
    """Issue #24, item 9: not a green "0 invitations sent"; the bad row keeps what was typed."""
    workspace, people = team
    state = state_for(MembersState, token=people["owner"].token, path=f"/workspace/{workspace.id}/members")
    state.invite_rows = [InviteRow("not-an-email", "moderator")]

    await run_handler(state, "send_invitations")

    assert state.invite_rows == [
        InviteRow("not-an-email", "moderator", "Enter a valid email address, like name@example.com.")
    ]
    assert state.form_error == "Check the address marked below." and state.invite_results == []
    assert _snapshot()[2] == [] and not state.is_submitting

    state.invite_rows = [InviteRow("friend@example.test"), InviteRow("still wrong@", "member")]
    await run_handler(state, "send_invitations")

    assert [(r.email, r.error != "") for r in state.invite_rows] == [("still wrong@", True)]
    assert [(r.email, r.status) for r in state.invite_results] == [("friend@example.test", "invited")]
    assert _snapshot()[2] == [("friend@example.test", "pending")]

    await run_handler(state, "set_invite_email", 0, "fixed@example.test")
    assert state.invite_rows == [InviteRow("fixed@example.test", "member")]  # typing clears the row's error


async def test_the_workspace_shell_knows_its_current_tab(team):
    workspace, people = team
    for path, tab in [("", "dashboard"), ("/members", "members"), ("/events/abc234/attendees", "events")]:
        state = state_for(WorkspaceState, token=people["owner"].token, path=f"/workspace/{workspace.id}{path}")
        await run_handler(state, "load_workspace")
        assert state.current_tab == tab
