"""Workspace rules: creation, validation, one owner always, roles below your own, invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import Workspace, WorkspaceInvitation, WorkspaceMember
from eventpalour.models.types import utcnow
from eventpalour.services.identity import auth
from eventpalour.services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.workspaces import invitations, members
from eventpalour.services.workspaces import records as workspaces
from eventpalour.services.workspaces.invitations import InviteRequest
from eventpalour.services.workspaces.records import WorkspaceInput
from tests.factories import add_member, latest_email, make_organizer, make_user, make_workspace


def _roles(workspace_id: str) -> dict[str, str]:
    with read_only() as session:
        rows = session.exec(select(WorkspaceMember).where(WorkspaceMember.workspace_id == workspace_id)).all()
    return {m.user_id: m.role for m in rows}


def _invite_token(email: str) -> str:
    return latest_email(email, "workspace_invitation").text_body.split("/invite/")[1].split()[0]


def test_create_workspace_makes_owner_membership_and_invite_code():
    owner = make_organizer()
    view = make_workspace(owner)
    assert view.role == "owner" and view.member_count == 1 and len(view.invite_code) >= 12
    assert _roles(view.id) == {owner.id: "owner"}


def test_create_workspace_attendee_rejected():
    attendee = make_user(account_type="attendee")
    with pytest.raises(PermissionDenied, match="organizer"):
        make_workspace(attendee)


def test_create_workspace_unverified_rejected():
    with pytest.raises(PermissionDenied, match="Verify"):
        make_workspace(make_organizer(verified=False))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "A"}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"description": "too short"}, "description"),
        ({"website": "not a url"}, "website"),
        ({"website": "ftp://example.com"}, "website"),
        ({"phone": "0712345678"}, "phone"),
        ({"phone": "+254 7" + "1" * 60}, "phone"),
        ({"social_x": "javascript:alert(1)"}, "social_x"),
        ({"logo_url": "https://evil.example.com/pixel.png"}, "logo_url"),
    ],
)
def test_create_workspace_invalid_field_rejected(changes, field):
    owner = make_organizer()
    data = WorkspaceInput(**{"name": "Good Name", "description": "A perfectly fine description.", **changes})
    with pytest.raises(ValidationFailed) as caught:
        workspaces.create_workspace(actor=owner.summary, data=data)
    assert field in [d.path[0] for d in caught.value.details]
    with read_only() as session:
        assert session.exec(select(Workspace)).all() == []


def test_update_workspace_normalises_urls():
    owner = make_organizer()
    view = make_workspace(owner)
    updated = workspaces.update_workspace(
        actor=owner.summary,
        workspace_id=view.id,
        data=WorkspaceInput(name="  New   Name ", description="Still a fine description.", website="example.com"),
    )
    assert updated.name == "New Name" and updated.website == "https://example.com"


def test_member_role_never_above_own_and_never_owner():
    owner = make_organizer()
    ws = make_workspace(owner)
    admin, member = make_user(), make_user()
    add_member(ws.id, admin, "admin")
    add_member(ws.id, member, "member")
    members.update_member_role(actor=admin.summary, workspace_id=ws.id, member_user_id=member.id, role="admin")
    assert _roles(ws.id)[member.id] == "admin"
    with pytest.raises(PermissionDenied):  # admins cannot change other admins
        members.update_member_role(actor=admin.summary, workspace_id=ws.id, member_user_id=member.id, role="member")
    with pytest.raises(ValidationFailed):
        members.update_member_role(actor=owner.summary, workspace_id=ws.id, member_user_id=member.id, role="owner")
    with pytest.raises(PermissionDenied):
        members.update_member_role(actor=admin.summary, workspace_id=ws.id, member_user_id=owner.id, role="member")


def test_owner_cannot_be_removed_or_leave():
    owner = make_organizer()
    ws = make_workspace(owner)
    admin = make_user()
    add_member(ws.id, admin, "admin")
    with pytest.raises(PermissionDenied):
        members.remove_member(actor=admin.summary, workspace_id=ws.id, member_user_id=owner.id)
    with pytest.raises(PermissionDenied):
        members.leave_workspace(actor=owner.summary, workspace_id=ws.id)
    assert _roles(ws.id)[owner.id] == "owner"


def test_transfer_ownership_keeps_exactly_one_owner():
    owner = make_organizer()
    ws = make_workspace(owner)
    admin, moderator = make_user(), make_user()
    add_member(ws.id, admin, "admin")
    add_member(ws.id, moderator, "moderator")
    with pytest.raises(ValidationFailed):
        workspaces.transfer_ownership(actor=owner.summary, workspace_id=ws.id, new_owner_id=moderator.id)
    workspaces.transfer_ownership(actor=owner.summary, workspace_id=ws.id, new_owner_id=admin.id)
    roles = _roles(ws.id)
    assert list(roles.values()).count("owner") == 1 and roles[admin.id] == "owner" and roles[owner.id] == "admin"
    with read_only() as session:
        assert session.get(Workspace, ws.id).owner_id == admin.id


def test_delete_workspace_needs_exact_name_and_removes_memberships():
    owner = make_organizer()
    ws = make_workspace(owner)
    with pytest.raises(ValidationFailed):
        workspaces.delete_workspace(actor=owner.summary, workspace_id=ws.id, confirm_name="wrong")
    workspaces.delete_workspace(actor=owner.summary, workspace_id=ws.id, confirm_name=ws.name)
    assert _roles(ws.id) == {}


def test_leave_workspace_member_leaves():
    ws = make_workspace()
    member = make_user()
    add_member(ws.id, member, "member")
    members.leave_workspace(actor=member.summary, workspace_id=ws.id)
    assert member.id not in _roles(ws.id)


def test_invite_members_reports_each_address():
    owner = make_organizer()
    ws = make_workspace(owner)
    existing = make_user(email="already@example.test")
    add_member(ws.id, existing, "member")
    invitations.invite_members(actor=owner.summary, workspace_id=ws.id, invitations=[InviteRequest("p@example.test")])
    outcomes = invitations.invite_members(
        actor=owner.summary,
        workspace_id=ws.id,
        invitations=[
            InviteRequest("new@example.test", "moderator"),
            InviteRequest("already@example.test"),
            InviteRequest("P@example.test"),
            InviteRequest("not-an-email"),
            InviteRequest("x@example.test", "owner"),
            InviteRequest("new@example.test"),
        ],
    )
    assert [o.status for o in outcomes] == [
        "invited",
        "already_member",
        "already_invited",
        "invalid",
        "invalid",
        "already_invited",
    ]
    assert latest_email("new@example.test", "workspace_invitation") is not None
    # `sent` (what the members page counts in its toast) is set exactly for the address that got an email.
    assert [o.sent for o in outcomes] == [True, False, False, False, False, False]
    # `refused_input`: the members page keeps these rows as typed, with the message as the field error.
    assert [o.refused_input for o in outcomes] == [False, False, False, True, True, False]
    assert outcomes[3].message == "Enter a valid email address, like name@example.com."


def test_invite_members_one_address_twice_in_a_batch_is_listed_twice_in_any_spelling():
    owner = make_organizer()
    ws = make_workspace(owner)
    outcomes = invitations.invite_members(
        actor=owner.summary,
        workspace_id=ws.id,
        invitations=[InviteRequest("twice@example.test"), InviteRequest(" Twice@ＥＸＡＭＰＬＥ.test")],
    )
    assert [(o.status, o.message) for o in outcomes][1] == ("already_invited", "Listed twice in this batch.")


def test_invite_members_admin_cannot_invite_above_own_role_but_can_invite_admin():
    ws = make_workspace()
    admin = make_user()
    add_member(ws.id, admin, "admin")
    outcomes = invitations.invite_members(
        actor=admin.summary, workspace_id=ws.id, invitations=[InviteRequest("a2@example.test", "admin")]
    )
    assert outcomes[0].status == "invited"


def test_invite_members_batch_limit():
    owner = make_organizer()
    ws = make_workspace(owner)
    batch = [InviteRequest(f"p{i}@example.test") for i in range(51)]
    with pytest.raises(ValidationFailed):
        invitations.invite_members(actor=owner.summary, workspace_id=ws.id, invitations=batch)


def test_accept_invitation_joins_with_role_once():
    owner = make_organizer()
    ws = make_workspace(owner)
    invitations.invite_members(
        actor=owner.summary, workspace_id=ws.id, invitations=[InviteRequest("join@example.test", "moderator")]
    )
    token = _invite_token("join@example.test")
    joiner = make_user(email="join@example.test", account_type=None)
    assert invitations.preview_invitation(token=token).workspace_name == ws.name
    assert invitations.accept_invitation(actor=joiner.summary, token=token) == ws.id
    assert _roles(ws.id)[joiner.id] == "moderator"
    assert auth.current_user(joiner.token).account_type == "organizer"
    with pytest.raises(NotFound, match="already been used"):
        invitations.accept_invitation(actor=joiner.summary, token=token)


def test_accept_invitation_wrong_account_rejected():
    owner = make_organizer()
    ws = make_workspace(owner)
    invitations.invite_members(actor=owner.summary, workspace_id=ws.id, invitations=[InviteRequest("a@example.test")])
    other = make_user(email="b@example.test")
    with pytest.raises(PermissionDenied, match="a@example.test"):
        invitations.accept_invitation(actor=other.summary, token=_invite_token("a@example.test"))
    assert other.id not in _roles(ws.id)


def test_accept_invitation_expired_or_revoked_rejected():
    owner = make_organizer()
    ws = make_workspace(owner)
    invitations.invite_members(actor=owner.summary, workspace_id=ws.id, invitations=[InviteRequest("e@example.test")])
    token = _invite_token("e@example.test")
    invitee = make_user(email="e@example.test")
    with transaction() as session:
        session.exec(select(WorkspaceInvitation)).one().expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(NotFound, match="expired"):
        invitations.accept_invitation(actor=invitee.summary, token=token)
    pending = invitations.list_pending_invitations(actor=owner.summary, workspace_id=ws.id)[0]
    invitations.revoke_invitation(actor=owner.summary, workspace_id=ws.id, invitation_id=pending.id)
    with pytest.raises(NotFound, match="cancelled"):
        invitations.preview_invitation(token=token)
    with pytest.raises(NotFound, match="not valid"):
        invitations.preview_invitation(token="made-up-token")


def test_resend_invitation_replaces_the_link():
    owner = make_organizer()
    ws = make_workspace(owner)
    invitations.invite_members(actor=owner.summary, workspace_id=ws.id, invitations=[InviteRequest("r@example.test")])
    old = _invite_token("r@example.test")
    pending = invitations.list_pending_invitations(actor=owner.summary, workspace_id=ws.id)[0]
    invitations.resend_invitation(actor=owner.summary, workspace_id=ws.id, invitation_id=pending.id)
    new = _invite_token("r@example.test")
    assert new != old
    with pytest.raises(NotFound):
        invitations.preview_invitation(token=old)
    invitations.preview_invitation(token=new)


def test_join_with_invite_code_and_regenerate_kills_old_code():
    owner = make_organizer()
    ws = make_workspace(owner)
    joiner = make_user()
    assert invitations.join_with_invite_code(actor=joiner.summary, code=ws.invite_code) == ws.id
    assert _roles(ws.id)[joiner.id] == "member"
    assert invitations.join_with_invite_code(actor=joiner.summary, code=ws.invite_code) == ws.id
    workspaces.regenerate_invite_code(actor=owner.summary, workspace_id=ws.id)
    with pytest.raises(NotFound):
        invitations.join_with_invite_code(actor=make_user().summary, code=ws.invite_code)


def test_join_with_invite_code_unverified_rejected():
    ws = make_workspace()
    with pytest.raises(PermissionDenied):
        invitations.join_with_invite_code(actor=make_user(verified=False).summary, code=ws.invite_code)
