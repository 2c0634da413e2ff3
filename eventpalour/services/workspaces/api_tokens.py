"""A workspace's API tokens for the organizer API under /api/v1 (#23 §2).

Workspace admins and the owner create them with a name and scopes; the secret is shown once and only
its SHA-256 is stored (`secrets_util.token_hash`: the secret is 32 random bytes, so a plain hash is
enough). A token acts as the admin who created it, inside its own workspace only: an event of
another workspace is "not found", and a token whose creator is no longer an admin there stops
working. Creating and revoking are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import ApiScope, ApiToken, Event, User, WorkspaceMember
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.identity import UserSummary, summarize
from eventpalour.services.platform import (
    N_,
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    clean_line,
    message,
    new_token,
    token_hash,
)
from eventpalour.services.workspaces.access import WorkspaceAction, allows, load_workspace_for

TOKEN_PREFIX = "ep_"
MAX_NAME = 80
MAX_ACTIVE_TOKENS = 20
HINT_LENGTH = 10
# last_used_at is written at most once a minute per token, so a busy integration costs no write per call.
LAST_USED_PRECISION = timedelta(minutes=1)

API_SCOPES: dict[str, str] = {
    ApiScope.EVENTS_READ: N_("Read events, ticket types and seats left"),
    ApiScope.ORDERS_READ: N_("Read orders"),
    ApiScope.ATTENDEES_READ: N_("Read attendees and their answers"),
    ApiScope.CHECKINS_WRITE: N_("Check attendees in at the door"),
}

NOT_VALID = N_("This API token is not valid.")
REVOKED = N_("This API token was revoked.")
CREATOR_GONE = N_("This API token no longer works: the person who created it is no longer an admin of the workspace.")


@dataclass(frozen=True)
class ApiTokenView:
    """A token as the settings page lists it (never its secret)."""

    id: str
    name: str
    hint: str
    scopes: tuple[str, ...]
    created_by_name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def can_revoke(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CreatedApiToken:
    """A new token and its secret: the only time the secret exists outside the caller's hands."""

    token: ApiTokenView
    secret: str


@dataclass(frozen=True)
class ApiCaller:
    """Who an /api/v1 request is: the token, its workspace, the admin it acts as, and the event the
    path named (resolved to its id, checked to be the workspace's), if any."""

    token_id: str
    token_name: str
    workspace_id: str
    actor: UserSummary
    event_id: str = ""


def _clean_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in API_SCOPES]
    if unknown:
        raise ValidationFailed.field(
            "scopes",
            N_("Unknown scope '{scope}'. Choose from {choices}."),
            scope=unknown[0],
            choices=", ".join(API_SCOPES),
        )
    chosen = tuple(s for s in API_SCOPES if s in scopes)  # the table's order, each once
    if not chosen:
        raise ValidationFailed.field("scopes", N_("Choose at least one scope."))
    return chosen


def _clean_name(raw: str) -> str:
    name = clean_line(raw)
    if not name:
        raise ValidationFailed.field("name", N_("Give the token a name, like the app that will use it."))
    if len(name) > MAX_NAME:
        raise ValidationFailed.field(
            "name", message(N_("Keep the name to {count} characters or fewer."), count=MAX_NAME)
        )
    return name


def _view(token: ApiToken, creator_name: str) -> ApiTokenView:
    return ApiTokenView(
        id=token.id,
        name=token.name,
        hint=token.hint,
        scopes=tuple(token.scopes),
        created_by_name=creator_name,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def create_api_token(
    *, actor: UserSummary | None, workspace_id: str, name: str, scopes: list[str] | tuple[str, ...]
) -> CreatedApiToken:
    """A new token for the workspace (admins and the owner). Raises ValidationFailed (`name`, `scopes`),
    NotAuthenticated, NotFound, PermissionDenied."""
    problems: list[FieldError] = []
    cleaned_name, cleaned_scopes = "", ()
    try:
        cleaned_name = _clean_name(name)
    except ValidationFailed as refused:
        problems.extend(refused.details)
    try:
        cleaned_scopes = _clean_scopes(scopes)
    except ValidationFailed as refused:
        problems.extend(refused.details)
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        assert actor is not None  # load_workspace_for refused nobody signed in
        if problems:
            raise ValidationFailed(problems[0].message, details=problems)
        active = session.exec(
            select(ApiToken.id).where(ApiToken.workspace_id == workspace_id, col(ApiToken.revoked_at).is_(None))
        ).all()
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise ValidationFailed.field(
                "name",
                message(
                    N_("A workspace can have {count} active tokens. Revoke one you no longer use."),
                    count=MAX_ACTIVE_TOKENS,
                ),
            )
        secret = TOKEN_PREFIX + new_token()
        token = ApiToken(
            workspace_id=workspace_id,
            created_by=actor.id,
            name=cleaned_name,
            token_hash=token_hash(secret),
            hint=secret[:HINT_LENGTH],
            scopes=list(cleaned_scopes),
        )
        session.add(token)
        admin.record_audit(
            session,
            action="api_token.create",
            actor_id=actor.id,
            target=("workspace", workspace_id),
            details={"token_id": token.id, "name": cleaned_name, "scopes": list(cleaned_scopes)},
        )
        session.flush()
        return CreatedApiToken(token=_view(token, actor.display_name), secret=secret)


def list_api_tokens(*, actor: UserSummary | None, workspace_id: str) -> list[ApiTokenView]:
    """The workspace's tokens, active first, newest first (admins and the owner)."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        rows = session.exec(
            select(ApiToken, User.full_name, User.username)
            .join(User, col(User.id) == col(ApiToken.created_by))
            .where(ApiToken.workspace_id == workspace_id)
            .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc())
        ).all()
    return [_view(token, full_name or username) for token, full_name, username in rows]


def revoke_api_token(*, actor: UserSummary | None, workspace_id: str, token_id: str) -> ApiTokenView:
    """Stop a token working from now on (admins and the owner). Revoking twice changes nothing."""
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        assert actor is not None
        token = session.get(ApiToken, token_id or "")
        if token is None or token.workspace_id != workspace_id:
            raise NotFound(N_("This API token does not exist."))
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            admin.record_audit(
                session,
                action="api_token.revoke",
                actor_id=actor.id,
                target=("workspace", workspace_id),
                details={"token_id": token.id, "name": token.name},
            )
        creator = session.get(User, token.created_by)
        session.flush()
        return _view(token, (creator.full_name or creator.username) if creator else "")


def _creator_role(session: Session, token: ApiToken) -> str | None:
    return session.exec(
        select(WorkspaceMember.role).where(
            WorkspaceMember.workspace_id == token.workspace_id, WorkspaceMember.user_id == token.created_by
        )
    ).first()


def _event_of_workspace(session: Session, workspace_id: str, event_ref: str) -> str:
    """The id of the event `event_ref` (id or short id) if it is the workspace's; else NotFound,
    the same answer as for no event at all, so a token learns nothing of other workspaces."""
    found = session.exec(
        select(Event.id).where(
            Event.workspace_id == workspace_id, or_(Event.id == event_ref, Event.short_id == event_ref)
        )
    ).first()
    if found is None:
        raise NotFound(N_("This event does not exist."))
    return found


def authenticate_api_token(secret: str, scope: ApiScope, *, event_ref: str | None = None) -> ApiCaller:
    """The caller behind a bearer `secret`, allowed `scope`, and the event `event_ref` names in its workspace.

    Raises NotAuthenticated (unknown or revoked token, or its creator is no longer an admin),
    PermissionDenied (the token lacks `scope`; the message names it), NotFound (no such event in the
    token's workspace).
    """
    with read_only() as session:
        token = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
        if token is None:
            raise NotAuthenticated(NOT_VALID)
        if token.revoked_at is not None:
            raise NotAuthenticated(REVOKED)
        role = _creator_role(session, token)
        if role is None or not allows(role, WorkspaceAction.MANAGE_INTEGRATIONS):
            raise NotAuthenticated(CREATOR_GONE)
        if scope not in token.scopes:
            raise PermissionDenied(N_("This API token lacks the {scope} scope."), values={"scope": scope.value})
        creator = session.get(User, token.created_by)
        assert creator is not None  # a member row names an existing user
        event_id = _event_of_workspace(session, token.workspace_id, event_ref) if event_ref is not None else ""
        caller = ApiCaller(token.id, token.name, token.workspace_id, summarize(session, creator), event_id)
        stale = token.last_used_at is None or token.last_used_at < utcnow() - LAST_USED_PRECISION
    if stale:
        _touch(token.id)
    return caller


def _touch(token_id: str) -> None:
    now = utcnow()
    with transaction() as session:
        session.execute(
            update(ApiToken)
            .where(
                col(ApiToken.id) == token_id,
                or_(col(ApiToken.last_used_at).is_(None), col(ApiToken.last_used_at) < now - LAST_USED_PRECISION),
            )
            .values(last_used_at=now)
        )
