"""Users as platform admins see them (SPEC §7 /admin/users): search, detail, suspend / block / reactivate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    ADMIN_SETTABLE_STATUSES,
    AccountType,
    Event,
    Order,
    PlatformAdmin,
    SignInGrant,
    Ticket,
    TicketStatus,
    User,
    UserSession,
    UserStatus,
    Workspace,
    WorkspaceMember,
)
from eventpalour.services.admin import admins, audit
from eventpalour.services.admin.admins import AdminCapability
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    clean_line,
    message,
)

PAGE_SIZE = 50
DETAIL_LIMIT = 20
MAX_REASON = 500
STATUS_ACTIONS = {
    UserStatus.ACTIVE: "user.reactivate",
    UserStatus.SUSPENDED: "user.suspend",
    UserStatus.BLOCKED: "user.block",
}
# Giving an account the status it has: one whole sentence per status (a language agrees its participle).
ALREADY_HAS_STATUS: dict[str, str] = {
    UserStatus.ACTIVE: N_("This account is already active."),
    UserStatus.SUSPENDED: N_("This account is already suspended."),
    UserStatus.BLOCKED: N_("This account is already blocked."),
}


@dataclass(frozen=True)
class UserFilters:
    """Empty strings mean "any"; `search` matches part of the email or username."""

    search: str = ""
    account_type: str = ""
    status: str = ""


@dataclass(frozen=True)
class UserRow:
    id: str
    email: str
    username: str
    full_name: str
    account_type: str
    status: str
    verified: bool
    admin_level: str
    created_at: datetime
    last_sign_in_at: datetime | None


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    total: int
    page: int
    pages: int


def _row(user: User, level: str | None) -> UserRow:
    return UserRow(
        id=user.id,
        email=user.email,
        username=user.username,
        full_name=user.full_name,
        account_type=user.account_type or "",
        status=user.status,
        verified=user.is_verified,
        admin_level=level or "",
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
    )


def _check_filters(filters: UserFilters) -> None:
    if filters.account_type and filters.account_type not in {*AccountType, "none"}:
        raise ValidationFailed.field("account_type", N_("Choose attendee, organizer or not chosen."))
    if filters.status and filters.status not in set(UserStatus):
        raise ValidationFailed.field("status", N_("Choose active, suspended, blocked or deleted."))


def search_users(*, actor: UserSummary | None, filters: UserFilters, page: int = 1) -> UserPage:
    """One page of 50 users, newest first, matching the filters (every admin level may look). Accounts
    only: guest buyers (#24 §1) cannot sign in, so there is nothing to suspend or block in them."""
    _check_filters(filters)
    with read_only() as session:
        admins.require(session, actor, AdminCapability.VIEW_USERS)
        query = (
            select(User, PlatformAdmin.level)
            .outerjoin(PlatformAdmin, col(PlatformAdmin.user_id) == col(User.id))
            .where(col(User.is_guest).is_(False))
        )
        term = clean_line(filters.search).lower()
        if term:
            query = query.where(or_(col(User.email).contains(term), col(User.username).contains(term)))
        if filters.account_type == "none":
            query = query.where(col(User.account_type).is_(None))
        elif filters.account_type:
            query = query.where(User.account_type == filters.account_type)
        if filters.status:
            query = query.where(User.status == filters.status)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        pages = max(1, -(-total // PAGE_SIZE))
        current = min(max(page, 1), pages)
        found = session.exec(
            query.order_by(col(User.created_at).desc(), col(User.id)).offset((current - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
    return UserPage([_row(user, level) for user, level in found], total, current, pages)


@dataclass(frozen=True)
class UserWorkspace:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class UserOrder:
    reference: str
    event_title: str
    status: str
    amount: int
    currency: str
    created_at: datetime


@dataclass(frozen=True)
class UserTicket:
    short_code: str
    event_title: str
    status: str


@dataclass(frozen=True)
class UserDetail:
    user: UserRow
    # What this admin may do to the account now, by set_user_status's own rule (status_change_refusal),
    # so the page offers exactly the actions that would succeed.
    can_reactivate: bool
    can_suspend: bool
    can_block: bool
    status_reason: str
    workspaces: list[UserWorkspace]  # by name
    orders: list[UserOrder]  # the latest DETAIL_LIMIT, newest first
    tickets: list[UserTicket]  # the latest DETAIL_LIMIT held, newest first
    ticket_count: int
    active_sessions: int


def user_detail(*, actor: UserSummary | None, user_id: str) -> UserDetail:
    """A user's workspaces, latest orders and tickets, and sign-in facts. Raises NotFound."""
    with read_only() as session:
        me = admins.require(session, actor, AdminCapability.VIEW_USERS)
        user = session.get(User, user_id or "")
        if user is None:
            raise NotFound(N_("This user does not exist."))
        level = session.exec(select(PlatformAdmin.level).where(PlatformAdmin.user_id == user.id)).first()
        workspaces = session.exec(
            select(Workspace.id, Workspace.name, WorkspaceMember.role)
            .join(WorkspaceMember, col(WorkspaceMember.workspace_id) == col(Workspace.id))
            .where(WorkspaceMember.user_id == user.id)
            .order_by(col(Workspace.name))
        ).all()
        orders = session.exec(
            select(Order.reference, Event.title, Order.status, Order.amount, Order.currency, Order.created_at)
            .join(Event, col(Event.id) == col(Order.event_id))
            .where(Order.buyer_id == user.id)
            .order_by(col(Order.created_at).desc())
            .limit(DETAIL_LIMIT)
        ).all()
        tickets = session.exec(
            select(Ticket.short_code, Event.title, Ticket.status)
            .join(Event, col(Event.id) == col(Ticket.event_id))
            .where(Ticket.holder_id == user.id)
            .order_by(col(Ticket.created_at).desc())
            .limit(DETAIL_LIMIT)
        ).all()
        ticket_count = session.exec(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.holder_id == user.id, Ticket.status == TicketStatus.VALID)
        ).one()
        active_sessions = session.exec(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        ).one()
    return UserDetail(
        user=_row(user, level),
        can_reactivate=_may_set(me.level, actor.id, user, level, UserStatus.ACTIVE),
        can_suspend=_may_set(me.level, actor.id, user, level, UserStatus.SUSPENDED),
        can_block=_may_set(me.level, actor.id, user, level, UserStatus.BLOCKED),
        status_reason=user.status_reason or "",
        workspaces=[UserWorkspace(*w) for w in workspaces],
        orders=[UserOrder(*o) for o in orders],
        tickets=[UserTicket(*t) for t in tickets],
        ticket_count=ticket_count,
        active_sessions=active_sessions,
    )


def status_change_refusal(
    actor_level: str, actor_id: str, user: User, target_level: str | None, status: str
) -> DomainError | None:
    """Why an admin of `actor_level` may not give `user` (a platform admin of `target_level`, or
    None) the account status `status`, or None: nobody acts on their own account, only super admins
    on another platform admin, and an account cannot be given the status it has."""
    if user.id == actor_id:
        return PermissionDenied(N_("You cannot change the status of your own account."))
    if user.status == UserStatus.DELETED:
        return Conflict(N_("This account was deleted by its owner; it stays deleted."))
    if target_level and not admins.allows(actor_level, AdminCapability.MANAGE_ADMINS):
        return PermissionDenied(N_("Only super admins can suspend or block a platform admin."))
    if user.status == status:
        return Conflict(ALREADY_HAS_STATUS[status])
    return None


def _may_set(actor_level: str, actor_id: str, user: User, target_level: str | None, status: str) -> bool:
    return admins.allows(actor_level, AdminCapability.MANAGE_USERS) and (
        status_change_refusal(actor_level, actor_id, user, target_level, status) is None
    )


def _end_sessions(session: Session, user_id: str) -> int:
    """Sign the user out everywhere at once: every session and unused sign-in grant goes."""
    session.execute(delete(SignInGrant).where(col(SignInGrant.user_id) == user_id))
    return session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id)).rowcount


def set_user_status(
    *, actor: UserSummary | None, user_id: str, status: str, reason: str, client: ClientInfo = ClientInfo()
) -> UserRow:
    """Suspend, block or reactivate an account, with a reason (audit-logged).

    Suspending or blocking ends every session of the user in the same transaction, and sign-in
    refuses the account from then on (services/auth). Only super admins may act on another
    platform admin, and nobody on their own account.

    Raises ValidationFailed (unknown status, missing reason), NotFound, PermissionDenied, Conflict
    (the account already has that status).
    """
    if status not in ADMIN_SETTABLE_STATUSES:
        raise ValidationFailed.field("status", N_("Choose active, suspended or blocked."))
    note = clean_line(reason)
    if not note:
        raise ValidationFailed.field("reason", N_("Give a reason; it is kept in the audit log."))
    if len(note) > MAX_REASON:
        raise ValidationFailed.field("reason", message(N_("Use at most {count} characters."), count=MAX_REASON))
    with transaction() as session:
        me = admins.require(session, actor, AdminCapability.MANAGE_USERS)
        user = session.get(User, user_id or "")
        if user is None:
            raise NotFound(N_("This user does not exist."))
        target_level = session.exec(select(PlatformAdmin.level).where(PlatformAdmin.user_id == user.id)).first()
        if refusal := status_change_refusal(me.level, actor.id, user, target_level, status):
            raise refusal
        previous = user.status
        user.status, user.status_reason = status, (None if status == UserStatus.ACTIVE else note)
        ended = _end_sessions(session, user.id) if status != UserStatus.ACTIVE else 0
        audit.record(
            session,
            action=STATUS_ACTIONS[status],
            actor_id=actor.id,
            target=("user", user.id),
            client=(client.ip, client.user_agent),
            details={"from": previous, "to": status, "reason": note, "sessions_ended": ended},
        )
        return _row(user, target_level)
