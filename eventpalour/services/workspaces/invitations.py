"""Joining a workspace: emailed invitations with a role, and the shareable invite-code link (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import (
    AccountType,
    InvitationStatus,
    User,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
    WorkspaceRole,
    account_email,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform
from eventpalour.services.identity import UserSummary, email_key, normalize_email
from eventpalour.services.platform import (
    N_,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    language_or_default,
    message,
    new_token,
    token_hash,
)
from eventpalour.services.workspaces.access import ROLE_NAMES, WorkspaceAccess, WorkspaceAction, load_workspace_for
from eventpalour.services.workspaces.members import check_can_grant, parse_assignable_role

INVITATION_DAYS = 7
MAX_BATCH = 50


@dataclass(frozen=True)
class InviteRequest:
    email: str
    role: str = WorkspaceRole.MEMBER


@dataclass(frozen=True)
class InviteOutcome:
    """Per-address result: `invited`, `already_member`, `already_invited`, `invalid` or
    `too_many_emails` (the address had its share of invitation emails this hour)."""

    email: str
    status: str
    message: str

    @property
    def sent(self) -> bool:
        """The invitation went out (its email is queued): the outcome the audit log and the toast count."""
        return self.status == "invited"

    @property
    def refused_input(self) -> bool:
        """The address (or role) as typed cannot be invited: the form keeps it, with `message` beside it."""
        return self.status == "invalid"


@dataclass(frozen=True)
class InvitationView:
    id: str
    email: str
    role: str
    invited_by: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class InvitationPreview:
    """What /invite/{token} shows before anyone joins."""

    workspace_id: str
    workspace_name: str
    workspace_logo_url: str
    email: str
    role: str
    invited_by: str


def _invitee_language(session: Session, address: str, inviter: UserSummary) -> str:
    """The language an invitation speaks: the invitee's account's when they have one, else the
    inviter's (who most likely shares it with their team)."""
    chosen = session.exec(select(User.language).where(account_email(address))).first()
    if chosen is None:
        chosen = session.exec(select(User.language).where(User.id == inviter.id)).first()
    return language_or_default(chosen)


def _send(session: Session, workspace: Workspace, invitation: WorkspaceInvitation, inviter: UserSummary) -> None:
    """Give the invitation a fresh link and queue its email. Raises RateLimited past
    RATE_LIMIT_EMAIL_RECIPIENT invitations to the address this hour, from any workspace."""
    platform.hit_email_recipient("workspace_invitation", invitation.email)
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    url = settings.app_url + routes.invite_url(token)
    language = _invitee_language(session, invitation.email, inviter)
    role = ROLE_NAMES.get(invitation.role, invitation.role)
    platform.enqueue(
        session,
        platform.workspace_invitation_email(
            invitation.email, workspace.name, inviter.display_name, role, url, language
        ),
    )


def _invite_one(session: Session, actor: UserSummary, access: WorkspaceAccess, request: InviteRequest) -> InviteOutcome:
    workspace = access.workspace
    try:
        address = normalize_email(request.email)
        role = parse_assignable_role(request.role or WorkspaceRole.MEMBER)
        check_can_grant(access, role)
    except (ValidationFailed, PermissionDenied) as problem:
        return InviteOutcome((request.email or "").strip(), "invalid", problem.message)
    member = session.exec(
        select(WorkspaceMember.id)
        .join(User, col(User.id) == col(WorkspaceMember.user_id))
        .where(WorkspaceMember.workspace_id == workspace.id, account_email(address))
    ).first()
    if member:
        return InviteOutcome(address, "already_member", N_("Already a member of this workspace."))
    pending = session.exec(
        select(WorkspaceInvitation.id).where(
            WorkspaceInvitation.workspace_id == workspace.id,
            WorkspaceInvitation.email == address,
            WorkspaceInvitation.status == InvitationStatus.PENDING,
        )
    ).first()
    if pending:
        return InviteOutcome(address, "already_invited", N_("Already invited; re-send it from the pending list."))
    invitation = WorkspaceInvitation(
        workspace_id=workspace.id, email=address, role=role, invited_by_id=actor.id, token_hash="", expires_at=utcnow()
    )
    try:
        _send(session, workspace, invitation, actor)
    except RateLimited as over:
        return InviteOutcome(address, "too_many_emails", over.message)
    session.add(invitation)
    session.flush()
    return InviteOutcome(address, "invited", message(N_("Invitation sent as {role}."), role=message(ROLE_NAMES[role])))


def invite_members(
    *, actor: UserSummary | None, workspace_id: str, invitations: list[InviteRequest]
) -> list[InviteOutcome]:
    """Invite up to 50 addresses at once, each with a role no higher than the inviter's (admin and above).

    Returns one outcome per address, in order; bad addresses do not stop the others.
    """
    if not invitations:
        raise ValidationFailed.field("invitations", N_("Add at least one email address."))
    if len(invitations) > MAX_BATCH:
        raise ValidationFailed.field(
            "invitations", message(N_("Invite at most {count} people at a time."), count=MAX_BATCH)
        )
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        outcomes: list[InviteOutcome] = []
        seen: set[str] = set()
        for request in invitations:
            key = email_key(request.email)[0]  # one address however it is spelled
            if key in seen:
                outcomes.append(InviteOutcome(key, "already_invited", N_("Listed twice in this batch.")))
                continue
            seen.add(key)
            outcomes.append(_invite_one(session, actor, access, request))
        invited = [o.email for o in outcomes if o.sent]
        if invited:
            admin.record_audit(
                session,
                action="workspace.invite",
                actor_id=actor.id,
                target=("workspace", workspace_id),
                details={"emails": invited},
            )
        return outcomes


def list_pending_invitations(*, actor: UserSummary | None, workspace_id: str) -> list[InvitationView]:
    """Open invitations, newest first (admin and above)."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        rows = session.exec(
            select(WorkspaceInvitation, User.full_name, User.username)
            .join(User, col(User.id) == col(WorkspaceInvitation.invited_by_id), isouter=True)
            .where(
                WorkspaceInvitation.workspace_id == workspace_id,
                WorkspaceInvitation.status == InvitationStatus.PENDING,
            )
            .order_by(col(WorkspaceInvitation.created_at).desc())
        ).all()
    return [
        InvitationView(i.id, i.email, i.role, name or username or "", i.created_at, i.expires_at)
        for i, name, username in rows
    ]


def _pending(session: Session, workspace_id: str, invitation_id: str) -> WorkspaceInvitation:
    invitation = session.get(WorkspaceInvitation, invitation_id or "")
    if invitation is None or invitation.workspace_id != workspace_id or invitation.status != InvitationStatus.PENDING:
        raise NotFound(N_("This invitation is no longer pending."))
    return invitation


def revoke_invitation(*, actor: UserSummary | None, workspace_id: str, invitation_id: str) -> None:
    """Cancel a pending invitation; its link stops working at once (admin and above)."""
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        _pending(session, workspace_id, invitation_id).status = InvitationStatus.REVOKED
        admin.record_audit(
            session, action="workspace.invite_revoke", actor_id=actor.id, target=("invitation", invitation_id)
        )


def resend_invitation(*, actor: UserSummary | None, workspace_id: str, invitation_id: str) -> None:
    """Email a fresh link (the old one stops working) valid another 7 days (admin and above)."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        invitation = _pending(session, workspace_id, invitation_id)
        _send(session, access.workspace, invitation, actor)


def _by_token(session: Session, token: str) -> WorkspaceInvitation:
    """The invitation behind a link, or NotFound with a message that says what went wrong."""
    invitation = session.exec(
        select(WorkspaceInvitation).where(WorkspaceInvitation.token_hash == token_hash(token or ""))
    ).first()
    if invitation is None:
        raise NotFound(N_("This invitation link is not valid. Ask for a new invitation."))
    if invitation.status == InvitationStatus.REVOKED:
        raise NotFound(N_("This invitation was cancelled by the workspace."))
    if invitation.status == InvitationStatus.ACCEPTED:
        raise NotFound(N_("This invitation has already been used."))
    if invitation.expires_at < utcnow():
        raise NotFound(N_("This invitation has expired. Ask the workspace for a new one."))
    return invitation


def preview_invitation(*, token: str) -> InvitationPreview:
    """What an invitation offers, for anyone holding its link."""
    with read_only() as session:
        invitation = _by_token(session, token)
        workspace = session.get(Workspace, invitation.workspace_id)
        inviter = session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    return InvitationPreview(
        workspace.id,
        workspace.name,
        workspace.logo_url or "",
        invitation.email,
        invitation.role,
        (inviter.full_name or inviter.username) if inviter else "",
    )


def _join(session: Session, user_id: str, workspace_id: str, role: str) -> None:
    session.add(WorkspaceMember(workspace_id=workspace_id, user_id=user_id, role=role))
    user = session.get(User, user_id)
    if user.account_type is None:
        # Someone who joins a team to run its events is an organizer; no onboarding question left.
        user.account_type = AccountType.ORGANIZER


def accept_invitation(*, actor: UserSummary | None, token: str) -> str:
    """Join with the invitation's role; returns the workspace id.

    The signed-in account must be verified and have the invited email. Raises NotAuthenticated,
    NotFound (unknown, expired, revoked, used), PermissionDenied (another account or unverified).
    """
    if actor is None:
        raise NotAuthenticated(N_("Sign in or create an account to accept this invitation."))
    with transaction() as session:
        invitation = _by_token(session, token)
        if invitation.email != actor.email:
            raise PermissionDenied(
                message(
                    N_("This invitation was sent to {email}. Sign in with that address to accept it."),
                    email=invitation.email,
                )
            )
        if not actor.is_verified:
            raise PermissionDenied(N_("Verify your email first, then open the invitation again."))
        already = session.exec(
            select(WorkspaceMember.id).where(
                WorkspaceMember.workspace_id == invitation.workspace_id, WorkspaceMember.user_id == actor.id
            )
        ).first()
        if not already:
            _join(session, actor.id, invitation.workspace_id, invitation.role)
        invitation.status, invitation.accepted_at, invitation.accepted_by_id = (
            InvitationStatus.ACCEPTED,
            utcnow(),
            actor.id,
        )
        admin.record_audit(
            session, action="workspace.join", actor_id=actor.id, target=("workspace", invitation.workspace_id)
        )
        return invitation.workspace_id


def join_with_invite_code(*, actor: UserSummary | None, code: str) -> str:
    """Join as a member through the workspace's invite-code link; returns the workspace id."""
    if actor is None:
        raise NotAuthenticated(N_("Sign in or create an account to join this workspace."))
    if not actor.is_verified:
        raise PermissionDenied(N_("Verify your email first, then open the link again."))
    try:
        with transaction() as session:
            workspace = session.exec(select(Workspace).where(Workspace.invite_code == (code or ""))).first()
            if workspace is None:
                raise NotFound(N_("This invite link is not valid any more. Ask the workspace for a new one."))
            already = session.exec(
                select(WorkspaceMember.id).where(
                    WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.user_id == actor.id
                )
            ).first()
            if not already:
                _join(session, actor.id, workspace.id, WorkspaceRole.MEMBER)
                admin.record_audit(
                    session, action="workspace.join", actor_id=actor.id, target=("workspace", workspace.id)
                )
            return workspace.id
    except IntegrityError:
        # Two tabs joined at once: the unique (workspace, user) row already exists, which is the goal.
        with read_only() as session:
            return session.exec(select(Workspace.id).where(Workspace.invite_code == code)).one()
