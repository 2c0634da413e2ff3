"""Creating, reading, updating, handing over and deleting workspaces (SPEC §3)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    AccountType,
    KycStatus,
    User,
    Workspace,
    WorkspaceMember,
    WorkspaceRole,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, events, sales
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    NotAuthenticated,
    PermissionDenied,
    ValidationFailed,
    clean_line,
    clean_text,
)
from eventpalour.services.workspaces.access import WorkspaceAction, allows, load_workspace_for
from eventpalour.services.workspaces.slugs import available_slug

PHONE_PATTERN = re.compile(r"^\+\d[\d\s-]{5,48}$")
LOGO_PREFIX = "/api/files/LOGOS/"
SOCIAL_FIELDS = ("social_x", "social_facebook", "social_linkedin", "social_instagram", "social_github")


@dataclass(frozen=True)
class WorkspaceInput:
    """The editable fields of a workspace, as typed into the form (before cleaning)."""

    name: str = ""
    description: str = ""
    website: str = ""
    phone: str = ""
    logo_url: str = ""
    social_x: str = ""
    social_facebook: str = ""
    social_linkedin: str = ""
    social_instagram: str = ""
    social_github: str = ""


@dataclass(frozen=True)
class WorkspaceView:
    """A workspace as its members see it. `invite_code` is empty for roles that cannot invite."""

    id: str
    name: str
    slug: str  # the public organizer page's address, /o/{slug}
    description: str
    website: str
    phone: str
    logo_url: str
    social_x: str
    social_facebook: str
    social_linkedin: str
    social_instagram: str
    social_github: str
    invite_code: str
    verified: bool
    kyc_status: str
    role: str
    member_count: int
    owner_id: str
    created_at: datetime
    can_change_slug: bool  # only the owner changes the page address (slugs.change_slug)

    @property
    def initials(self) -> str:
        return initials_of(self.name)


@dataclass(frozen=True)
class WorkspaceSummary:
    """One line of the workspace switcher."""

    id: str
    name: str
    logo_url: str
    role: str
    verified: bool


def initials_of(name: str) -> str:
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def clean_url(value: str, field: str, problems: list[FieldError]) -> str | None:
    value = clean_line(value)
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or "." not in (parsed.hostname or "") or len(value) > 500:
        problems.append(FieldError((field,), N_("Enter a full web address, like https://example.com.")))
        return None
    return value


def clean_workspace_input(data: WorkspaceInput) -> dict[str, str | None]:
    """Validate every field at once; raises ValidationFailed listing each problem by field."""
    problems: list[FieldError] = []
    name = clean_line(data.name)
    if not 2 <= len(name) <= 255:
        problems.append(FieldError(("name",), N_("Use between 2 and 255 characters for the name.")))
    description = clean_text(data.description)
    if len(description) < 10:
        problems.append(FieldError(("description",), N_("Describe the workspace in at least 10 characters.")))
    elif len(description) > 2000:
        problems.append(FieldError(("description",), N_("Keep the description under 2,000 characters.")))
    phone = clean_line(data.phone)
    if phone and not PHONE_PATTERN.match(phone):
        problems.append(
            FieldError(("phone",), N_("Enter the phone number with its country code, like +254 712 345678."))
        )
    logo = clean_line(data.logo_url)
    if logo and not logo.startswith(LOGO_PREFIX):
        problems.append(FieldError(("logo_url",), N_("Upload the logo here; links to other sites are not accepted.")))
    cleaned: dict[str, str | None] = {
        "name": name,
        "description": description,
        "phone": phone or None,
        "logo_url": logo or None,
        "website": clean_url(data.website, "website", problems),
    }
    for field in SOCIAL_FIELDS:
        cleaned[field] = clean_url(getattr(data, field), field, problems)
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return cleaned


def new_invite_code() -> str:
    return secrets.token_urlsafe(9)


def _member_count(session: Session, workspace_id: str) -> int:
    query = select(func.count()).select_from(WorkspaceMember).where(WorkspaceMember.workspace_id == workspace_id)
    return session.exec(query).one()


def _view(session: Session, workspace: Workspace, role: str) -> WorkspaceView:
    return WorkspaceView(
        id=workspace.id,
        name=workspace.name,
        slug=workspace.slug,
        description=workspace.description,
        website=workspace.website or "",
        phone=workspace.phone or "",
        logo_url=workspace.logo_url or "",
        social_x=workspace.social_x or "",
        social_facebook=workspace.social_facebook or "",
        social_linkedin=workspace.social_linkedin or "",
        social_instagram=workspace.social_instagram or "",
        social_github=workspace.social_github or "",
        invite_code=workspace.invite_code if allows(role, WorkspaceAction.MANAGE_MEMBERS) else "",
        verified=workspace.verified,
        kyc_status=workspace.kyc_status,
        role=role,
        member_count=_member_count(session, workspace.id),
        owner_id=workspace.owner_id,
        created_at=workspace.created_at,
        can_change_slug=allows(role, WorkspaceAction.OWN),
    )


def create_workspace(*, actor: UserSummary | None, data: WorkspaceInput) -> WorkspaceView:
    """Create a workspace owned by the actor, with an owner membership and an invite code.

    Only verified organizers may create workspaces. Raises NotAuthenticated, PermissionDenied,
    ValidationFailed.
    """
    if actor is None:
        raise NotAuthenticated()
    if actor.account_type != AccountType.ORGANIZER:
        raise PermissionDenied(N_("Only organizer accounts can create workspaces. Switch to organizer first."))
    if not actor.is_verified:
        raise PermissionDenied(N_("Verify your email before creating a workspace."))
    cleaned = clean_workspace_input(data)
    with transaction() as session:
        workspace = Workspace(
            **cleaned,
            slug=available_slug(session, cleaned["name"]),
            owner_id=actor.id,
            invite_code=new_invite_code(),
            kyc_status=KycStatus.NONE,
        )
        session.add(workspace)
        session.flush()
        session.add(WorkspaceMember(workspace_id=workspace.id, user_id=actor.id, role=WorkspaceRole.OWNER))
        admin.record_audit(session, action="workspace.create", actor_id=actor.id, target=("workspace", workspace.id))
        session.flush()
        return _view(session, workspace, WorkspaceRole.OWNER)


def become_organizer(*, actor: UserSummary | None) -> None:
    """Switch an attendee account to organizer (organizers can still do everything attendees can)."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        user = session.get(User, actor.id)
        user.account_type = AccountType.ORGANIZER


def get_workspace(*, actor: UserSummary | None, workspace_id: str) -> WorkspaceView:
    """The workspace for any of its members. Raises NotAuthenticated, NotFound, PermissionDenied."""
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW)
        return _view(session, access.workspace, access.role)


def update_workspace(*, actor: UserSummary | None, workspace_id: str, data: WorkspaceInput) -> WorkspaceView:
    """Save the settings form (moderator and above). Every field is replaced by the form's value."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.EDIT_SETTINGS)
        cleaned = clean_workspace_input(data)
        renamed = cleaned["name"] != access.workspace.name
        for name, value in cleaned.items():
            setattr(access.workspace, name, value)
        if renamed:
            events.refresh_search_text(session, access.workspace)
        access.workspace.updated_at = utcnow()
        admin.record_audit(session, action="workspace.update", actor_id=actor.id, target=("workspace", workspace_id))
        return _view(session, access.workspace, access.role)


def list_my_workspaces(*, actor: UserSummary | None) -> list[WorkspaceSummary]:
    """Every workspace the actor belongs to, by name."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        rows = session.exec(
            select(Workspace, WorkspaceMember.role)
            .join(WorkspaceMember, col(WorkspaceMember.workspace_id) == col(Workspace.id))
            .where(WorkspaceMember.user_id == actor.id)
            .order_by(func.lower(Workspace.name))
        ).all()
    return [WorkspaceSummary(w.id, w.name, w.logo_url or "", role, w.verified) for w, role in rows]


def landing_workspace(*, actor: UserSummary | None, last_used: str = "") -> str:
    """The workspace an organizer lands on after signing in: `last_used` (the one this browser opened
    last) while they are still a member of it, else the first of theirs by name (as the switcher
    lists them); "" for anyone else (not an organizer, or in no workspace)."""
    if actor is None or actor.account_type != AccountType.ORGANIZER:
        return ""
    with read_only() as session:
        mine = (
            select(Workspace.id)
            .join(WorkspaceMember, col(WorkspaceMember.workspace_id) == col(Workspace.id))
            .where(WorkspaceMember.user_id == actor.id)
        )
        if last_used and session.exec(mine.where(Workspace.id == last_used)).first():
            return last_used
        return session.exec(mine.order_by(func.lower(Workspace.name), col(Workspace.id))).first() or ""


def regenerate_invite_code(*, actor: UserSummary | None, workspace_id: str) -> str:
    """Replace the invite code, so every old /join link stops working (admin and above)."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_MEMBERS)
        access.workspace.invite_code = new_invite_code()
        admin.record_audit(
            session, action="workspace.invite_code", actor_id=actor.id, target=("workspace", workspace_id)
        )
        return access.workspace.invite_code


def transfer_ownership(*, actor: UserSummary | None, workspace_id: str, new_owner_id: str) -> None:
    """Hand the workspace to one of its admins; the old owner becomes an admin. Owner only."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.OWN)
        target = session.exec(
            select(WorkspaceMember).where(
                WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == new_owner_id
            )
        ).first()
        if target is None or target.role != WorkspaceRole.ADMIN:
            raise ValidationFailed.field("new_owner_id", N_("Choose one of the workspace's admins as the new owner."))
        target.role = WorkspaceRole.OWNER
        access.membership.role = WorkspaceRole.ADMIN
        access.workspace.owner_id = new_owner_id
        admin.record_audit(
            session,
            action="workspace.transfer_ownership",
            actor_id=actor.id,
            target=("workspace", workspace_id),
            details={"new_owner_id": new_owner_id},
        )


def delete_workspace(*, actor: UserSummary | None, workspace_id: str, confirm_name: str) -> None:
    """Delete the workspace with its memberships and invitations. Owner only; the name must be typed.

    Refused while any of its events holds paid money that was not refunded: cancel those first.
    """
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.OWN)
        if clean_line(confirm_name) != access.workspace.name:
            raise ValidationFailed.field("confirm_name", N_("Type the workspace's name exactly to confirm."))
        if sales.holds_paid_money(session, workspace_id=workspace_id):
            raise Conflict(N_("This workspace has events with paid orders. Cancel and refund them first."))
        session.execute(delete(WorkspaceMember).where(col(WorkspaceMember.workspace_id) == workspace_id))
        session.delete(access.workspace)
        admin.record_audit(session, action="workspace.delete", actor_id=actor.id, target=("workspace", workspace_id))
