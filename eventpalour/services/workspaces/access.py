"""Who may do what in a workspace (SPEC §1.3): the permission table, and the one fetch-and-check
helper every workspace action starts with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from eventpalour.models import Event, User, Workspace, WorkspaceMember, WorkspaceRole
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NotAuthenticated, NotFound, PermissionDenied


class WorkspaceAction(StrEnum):
    VIEW = "view the workspace"
    SCAN_TICKETS = "scan tickets"
    MANAGE_EVENTS = "create and edit events"
    VIEW_ATTENDEES = "view attendees"
    VIEW_ANALYTICS = "view analytics"  # its money figures: MANAGE_BILLING
    EDIT_SETTINGS = "change workspace settings"
    MANAGE_BILLING = "manage billing, refunds and KYC"
    MANAGE_MEMBERS = "invite and manage members"
    MANAGE_INTEGRATIONS = "manage API tokens and webhooks"
    REQUEST_BLUE_TICKET = "request verification"
    OWN = "transfer ownership or delete the workspace"


ROLE_NAMES: dict[str, str] = {
    WorkspaceRole.OWNER: N_("owner"),
    WorkspaceRole.ADMIN: N_("admin"),
    WorkspaceRole.MODERATOR: N_("moderator"),
    WorkspaceRole.MEMBER: N_("member"),
}
"""A role as a noun inside a sentence ("Role changed to {role}", an invitation's "as {role}"), in the
catalogs' words: the one table every layer says a role's name through."""

MIN_ROLE: dict[WorkspaceAction, WorkspaceRole] = {
    WorkspaceAction.VIEW: WorkspaceRole.MEMBER,
    WorkspaceAction.SCAN_TICKETS: WorkspaceRole.MEMBER,
    WorkspaceAction.MANAGE_EVENTS: WorkspaceRole.MODERATOR,
    WorkspaceAction.VIEW_ATTENDEES: WorkspaceRole.MODERATOR,
    WorkspaceAction.VIEW_ANALYTICS: WorkspaceRole.MODERATOR,
    WorkspaceAction.EDIT_SETTINGS: WorkspaceRole.MODERATOR,
    WorkspaceAction.MANAGE_BILLING: WorkspaceRole.ADMIN,
    WorkspaceAction.MANAGE_MEMBERS: WorkspaceRole.ADMIN,
    WorkspaceAction.MANAGE_INTEGRATIONS: WorkspaceRole.ADMIN,
    WorkspaceAction.REQUEST_BLUE_TICKET: WorkspaceRole.ADMIN,
    WorkspaceAction.OWN: WorkspaceRole.OWNER,
}


# Each refusal as one whole sentence naming the role MIN_ROLE asks, so a language orders role and action
# its own way (tests/unit/test_i18n_services.py checks each names MIN_ROLE's role).
REFUSALS: dict[WorkspaceAction, str] = {
    WorkspaceAction.VIEW: N_("Only a workspace member or above can view the workspace."),
    WorkspaceAction.SCAN_TICKETS: N_("Only a workspace member or above can scan tickets."),
    WorkspaceAction.MANAGE_EVENTS: N_("Only a workspace moderator or above can create and edit events."),
    WorkspaceAction.VIEW_ATTENDEES: N_("Only a workspace moderator or above can view attendees."),
    WorkspaceAction.VIEW_ANALYTICS: N_("Only a workspace moderator or above can view analytics."),
    WorkspaceAction.EDIT_SETTINGS: N_("Only a workspace moderator or above can change workspace settings."),
    WorkspaceAction.MANAGE_BILLING: N_("Only a workspace admin or above can manage billing, refunds and KYC."),
    WorkspaceAction.MANAGE_MEMBERS: N_("Only a workspace admin or above can invite and manage members."),
    WorkspaceAction.MANAGE_INTEGRATIONS: N_("Only a workspace admin or above can manage API tokens and webhooks."),
    WorkspaceAction.REQUEST_BLUE_TICKET: N_("Only a workspace admin or above can request verification."),
    WorkspaceAction.OWN: N_("Only a workspace owner can transfer ownership or delete the workspace."),
}


def allows(role: WorkspaceRole | str, action: WorkspaceAction) -> bool:
    """Whether `role` may perform `action`; roles rank owner > admin > moderator > member."""
    return WorkspaceRole(role).rank >= MIN_ROLE[action].rank


@dataclass(frozen=True)
class WorkspaceAccess:
    """A workspace row and the acting user's membership in it, loaded in the caller's session."""

    workspace: Workspace
    membership: WorkspaceMember

    @property
    def role(self) -> WorkspaceRole:
        return WorkspaceRole(self.membership.role)


def load_workspace_for(
    session: Session, actor: UserSummary | None, workspace_id: str, action: WorkspaceAction
) -> WorkspaceAccess:
    """Fetch the workspace and check that `actor` may do `action` there.

    Raises NotAuthenticated (nobody signed in), NotFound (no such workspace), PermissionDenied
    (not a member, or a role below the one `action` needs; the message names that role).
    """
    if actor is None:
        raise NotAuthenticated()
    workspace = session.get(Workspace, workspace_id or "")
    if workspace is None:
        raise NotFound(N_("This workspace does not exist."))
    membership = session.exec(
        select(WorkspaceMember).where(WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.user_id == actor.id)
    ).first()
    ensure_role(membership.role if membership else None, action)
    return WorkspaceAccess(workspace=workspace, membership=membership)


def ensure_role(role: WorkspaceRole | str | None, action: WorkspaceAction) -> None:
    """Raise PermissionDenied unless `role` (None: not a member) may do `action`; the message names the role needed."""
    if role is None:
        raise PermissionDenied(N_("You are not a member of this workspace."))
    if not allows(role, action):
        raise PermissionDenied(REFUSALS[action])


def load_event_for(session: Session, actor: UserSummary | None, event_id: str, action: WorkspaceAction) -> Event:
    """The event (by id or short id), after checking the actor's role in its workspace allows `action`."""
    event = session.get(Event, event_id or "") or session.exec(select(Event).where(Event.short_id == event_id)).first()
    if event is None:
        raise NotFound(N_("This event does not exist."))
    load_workspace_for(session, actor, event.workspace_id, action)
    return event


def recipients_allowed(session: Session, workspace_id: str, action: WorkspaceAction) -> list[tuple[str, str | None]]:
    """(email address, language) of the workspace's members whose role allows `action` (e.g. the
    admins and owner, who answer refund requests), in a stable order: an email to them speaks each
    one's own language."""
    rows = session.exec(
        select(User.email, User.language, WorkspaceMember.role)
        .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
        .where(WorkspaceMember.workspace_id == workspace_id)
        .order_by(User.email)
    ).all()
    return [(email, language) for email, language, role in rows if allows(role, action)]
