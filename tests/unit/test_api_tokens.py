"""API tokens (#23 §2): made by workspace admins with scopes, stored hashed, shown once, revocable;
who a bearer secret is, what it may do, and that it stays inside its own workspace."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import ApiToken, AuditLogEntry
from eventpalour.models.types import utcnow
from eventpalour.services.platform.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.workspaces import api_tokens, members
from eventpalour.services.workspaces.api_tokens import ApiScope
from tests.api.support import update_rows
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def workspace_with_admin():
    owner = make_organizer()
    workspace = make_workspace(owner)
    admin = make_user(full_name="Wanjiru Admin")
    add_member(workspace.id, admin, "admin")
    return owner, workspace, admin


def _stored() -> list[ApiToken]:
    with read_only() as session:
        return list(session.exec(select(ApiToken)).all())


def test_a_token_is_shown_once_and_stored_only_as_its_hash(workspace_with_admin):
    _, workspace, admin = workspace_with_admin
    made = api_tokens.create_api_token(
        actor=admin.summary, workspace_id=workspace.id, name="  Door app ", scopes=["checkins:write", "events:read"]
    )
    assert made.secret.startswith("ep_") and len(made.secret) > 40
    (row,) = _stored()
    assert row.token_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in (row.token_hash, row.hint, row.name) and made.secret.startswith(row.hint)
    assert (row.name, row.scopes, row.created_by) == ("Door app", ["events:read", "checkins:write"], admin.id)
    (listed,) = api_tokens.list_api_tokens(actor=admin.summary, workspace_id=workspace.id)
    assert (listed.name, listed.created_by_name, listed.last_used_at, listed.can_revoke) == (
        "Door app",
        "Wanjiru Admin",
        None,
        True,
    )
    assert not hasattr(listed, "secret")
    with read_only() as session:
        entry = session.exec(select(AuditLogEntry).where(AuditLogEntry.action == "api_token.create")).one()
    assert entry.actor_id == admin.id and entry.details["token_id"] == row.id


def test_bad_input_names_each_field_and_makes_nothing(workspace_with_admin):
    _, workspace, admin = workspace_with_admin
    with pytest.raises(ValidationFailed) as caught:
        api_tokens.create_api_token(actor=admin.summary, workspace_id=workspace.id, name="  ", scopes=[])
    assert {d.path[0]: d.message for d in caught.value.details} == {
        "name": "Give the token a name, like the app that will use it.",
        "scopes": "Choose at least one scope.",
    }
    with pytest.raises(ValidationFailed) as caught:
        api_tokens.create_api_token(
            actor=admin.summary, workspace_id=workspace.id, name="x" * 81, scopes=["events:write"]
        )
    assert [d.path[0] for d in caught.value.details] == ["name", "scopes"]
    assert "'events:write'" in caught.value.details[1].message
    assert _stored() == []


def test_the_token_acts_as_its_creator_with_its_scopes_only(workspace_with_admin):
    _, workspace, admin = workspace_with_admin
    made = api_tokens.create_api_token(
        actor=admin.summary, workspace_id=workspace.id, name="CRM", scopes=["orders:read"]
    )
    caller = api_tokens.authenticate_api_token(made.secret, ApiScope.ORDERS_READ)
    assert (caller.actor.id, caller.workspace_id, caller.token_name) == (admin.id, workspace.id, "CRM")
    with pytest.raises(PermissionDenied, match="lacks the attendees:read scope"):
        api_tokens.authenticate_api_token(made.secret, ApiScope.ATTENDEES_READ)
    with pytest.raises(NotAuthenticated, match="not valid"):
        api_tokens.authenticate_api_token(made.secret + "x", ApiScope.ORDERS_READ)


def test_last_used_is_written_at_most_once_a_minute(workspace_with_admin):
    _, workspace, admin = workspace_with_admin
    made = api_tokens.create_api_token(
        actor=admin.summary, workspace_id=workspace.id, name="CRM", scopes=["events:read"]
    )
    api_tokens.authenticate_api_token(made.secret, ApiScope.EVENTS_READ)
    (first,) = _stored()
    assert first.last_used_at is not None and utcnow() - first.last_used_at < timedelta(seconds=30)
    api_tokens.authenticate_api_token(made.secret, ApiScope.EVENTS_READ)
    assert _stored()[0].last_used_at == first.last_used_at
    update_rows(ApiToken, ApiToken.id == first.id, last_used_at=utcnow() - timedelta(minutes=5))
    api_tokens.authenticate_api_token(made.secret, ApiScope.EVENTS_READ)
    assert _stored()[0].last_used_at > utcnow() - timedelta(seconds=30)


def test_a_revoked_token_and_one_whose_creator_stepped_down_stop_working(workspace_with_admin):
    owner, workspace, admin = workspace_with_admin
    kept = api_tokens.create_api_token(actor=owner.summary, workspace_id=workspace.id, name="A", scopes=["events:read"])
    gone = api_tokens.create_api_token(actor=owner.summary, workspace_id=workspace.id, name="B", scopes=["events:read"])
    by_admin = api_tokens.create_api_token(
        actor=admin.summary, workspace_id=workspace.id, name="C", scopes=["events:read"]
    )
    revoked = api_tokens.revoke_api_token(actor=admin.summary, workspace_id=workspace.id, token_id=gone.token.id)
    assert not revoked.can_revoke
    with pytest.raises(NotAuthenticated, match="revoked"):
        api_tokens.authenticate_api_token(gone.secret, ApiScope.EVENTS_READ)
    assert api_tokens.authenticate_api_token(kept.secret, ApiScope.EVENTS_READ).actor.id == owner.id
    members.update_member_role(
        actor=owner.summary, workspace_id=workspace.id, member_user_id=admin.id, role="moderator"
    )
    with pytest.raises(NotAuthenticated, match="no longer an admin"):
        api_tokens.authenticate_api_token(by_admin.secret, ApiScope.EVENTS_READ)
    listed = api_tokens.list_api_tokens(actor=owner.summary, workspace_id=workspace.id)
    assert [(t.name, t.can_revoke) for t in listed] == [("C", True), ("A", True), ("B", False)]


def test_events_of_other_workspaces_are_not_found(workspace_with_admin):
    owner, workspace, _ = workspace_with_admin
    ours = make_event(owner, workspace.id)
    other_owner = make_organizer()
    theirs = make_event(other_owner, make_workspace(other_owner, name="Other Society").id)
    made = api_tokens.create_api_token(actor=owner.summary, workspace_id=workspace.id, name="A", scopes=["events:read"])
    assert (
        api_tokens.authenticate_api_token(made.secret, ApiScope.EVENTS_READ, event_ref=ours.short_id).event_id
        == ours.id
    )
    for ref in (theirs.id, theirs.short_id, "nothing"):
        with pytest.raises(NotFound, match="This event does not exist."):
            api_tokens.authenticate_api_token(made.secret, ApiScope.EVENTS_READ, event_ref=ref)


def test_revoking_another_workspaces_token_is_not_found(workspace_with_admin):
    owner, workspace, _ = workspace_with_admin
    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Other Society")
    theirs = api_tokens.create_api_token(
        actor=other_owner.summary, workspace_id=other.id, name="A", scopes=["events:read"]
    )
    with pytest.raises(NotFound):
        api_tokens.revoke_api_token(actor=owner.summary, workspace_id=workspace.id, token_id=theirs.token.id)
    assert api_tokens.authenticate_api_token(theirs.secret, ApiScope.EVENTS_READ).workspace_id == other.id
