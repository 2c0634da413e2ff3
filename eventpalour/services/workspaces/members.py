"""The team of a workspace: who is in it, their roles, removing people and leaving (SPEC §1.3, §3).

Two rules hold everywhere: there is exactly one owner, and nobody raises a role above their own or
changes someone at or above their own rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import User, WorkspaceInvitation, WorkspaceMember, WorkspaceRole
from eventpalour.services import admin
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NotFound, PermissionDenied, ValidationFailed, message
from eventpalour.services.workspaces.access import WorkspaceAccess, WorkspaceAction, load_workspace_for

ASSIGNABLE_ROLES = (WorkspaceRole.ADMIN, WorkspaceRole.MODERATOR, WorkspaceRole.MEMBER)


@dataclass(frozen=True)
class MemberView:
    user_id: str
    full_name: str
    username: str
    email: str
    avatar_url: str
    role: str
    joined_at: datetime


def parse_assignable_role(role: str, *, field: str = "role") -> WorkspaceRole:
    """A role that can be given to someone: admin, moderator or member (never owner)."""
    try:
        parsed = WorkspaceRole((role or "").strip().lower())
    except ValueError:
        parsed = None
    if parsed not in ASSIGNABLE_ROLES:
        raise ValidationFailed.field(field, N_("Choose admin, moderator or member."))
    return parsed


def check_can_grant(access: WorkspaceAccess, role: WorkspaceRole) -> None:
    """Nobody can give a role above their own."""
    if role.rank > access.role.rank:
        raise PermissionDenied(
            message(N_("You cannot give the {role} role: it is above your own."), role=message(role.value))
        )


def list_members(*, actor: UserSummary | None, workspace_id: str) -> list[MemberView]:
    """Everyone in the workspace, highest role first, then by name. Any member may look."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW)
        rows = session.exec(
            select(WorkspaceMember, User)
            .join(User, col(User.id) == col(WorkspaceMember.user_id))
            .where(WorkspaceMember.workspace_id == workspace_id)
        ).all()
    members = [
        MemberView(u.id, u.full_name, u.username, u.email, u.avatar_url or "", m.role, m.joined_at) for m, u in rows
    ]
    return sorted(members, key=lambda m: (-WorkspaceRole(m.role).rank, (m.full_name or m.username).lower()))


def _target(session: Session, access: WorkspaceAccess, user_id: str) -> WorkspaceMember:
    """The member being acted on, who must rank below the actor (so never the owner)."""
    target = session.exec(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == access.workspace.id, WorkspaceMember.user_id == user_id
        )
    ).first()
    if target is None:
        raise NotFound(N_("That person is not a member of this workspace."))
    if target.user_id == access.membership.user_id:
        raise PermissionDenied(N_("You cannot change your own role or remove yourself; leave the workspace instead."))
    if WorkspaceRole(target.role).rank >= access.role.rank:
        raise PermissionDenied(
            message(N_("You can only manage members below your own role ({role})."), role=message(access.role.value))
        )
    return target


def update_member_role(*, actor: UserSummary | None, workspace_id: str, member_user_id: str, role: str) -> None:
    """Change a member's role (admin and above; never to or from owner, never above your own)."""
    new_role = parse_assignable_role(role)
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        target = _target(session, access, member_user_id)
        check_can_grant(access, new_role)
        admin.record_audit(
            session,
            action="workspace.member_role",
            actor_id=actor.id,
            target=("user", member_user_id),
            details={"workspace_id": workspace_id, "from": target.role, "to": new_role.value},
        )
        target.role = new_role


def remove_member(*, actor: UserSummary | None, workspace_id: str, member_user_id: str) -> None:
    """Remove someone below your role from the workspace (admin and above). The owner stays."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        target = _target(session, access, member_user_id)
        session.delete(target)
        admin.record_audit(
            session,
            action="workspace.member_remove",
            actor_id=actor.id,
            target=("user", member_user_id),
            details={"workspace_id": workspace_id},
        )


def leave_workspace(*, actor: UserSummary | None, workspace_id: str) -> None:
    """Leave a workspace. The owner must hand ownership to an admin first."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW)
        if access.role == WorkspaceRole.OWNER:
            raise PermissionDenied(N_("The owner cannot leave. Transfer ownership to an admin first."))
        session.delete(access.membership)
        admin.record_audit(session, action="workspace.leave", actor_id=actor.id, target=("workspace", workspace_id))


def forget_member(session: Session, user_id: str, address: str) -> int:
    """Take an account being erased out of every workspace, in the caller's transaction: its
    memberships, and the invitations sent to its address or accepted by it. Returns the rows deleted.

    The caller has refused an owner already (a workspace keeps exactly one owner)."""
    removed = session.execute(delete(WorkspaceMember).where(col(WorkspaceMember.user_id) == user_id)).rowcount
    return (
        removed
        + session.execute(
            delete(WorkspaceInvitation).where(
                or_(col(WorkspaceInvitation.email) == address, col(WorkspaceInvitation.accepted_by_id) == user_id)
            )
        ).rowcount
    )
