"""Platform admins (SPEC §1.2): the capability table, the check every admin action starts with,
the SUPER_ADMIN_EMAILS bootstrap, and super admins managing the other admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete
from sqlmodel import Session, col, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import AdminLevel, PlatformAdmin, User, account_email
from eventpalour.services import identity
from eventpalour.services.admin import audit
from eventpalour.services.identity import ClientInfo, UserSummary, normalize_email
from eventpalour.services.platform import N_, Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed


class AdminCapability(StrEnum):
    """What an admin level may do; the value finishes the sentence "Only … can …"."""

    VIEW_DASHBOARD = "view the admin dashboard"
    VIEW_USERS = "view users"
    MANAGE_USERS = "suspend, block or reactivate users"
    REVIEW_KYC = "review KYC"
    REVIEW_BLUE_TICKETS = "review blue-ticket requests"
    MANAGE_REVENUE = "see revenue and approve withdrawals"
    MANAGE_ADMINS = "manage platform admins"
    VIEW_AUDIT = "read the audit log"
    REVIEW_CATEGORIES = "review category suggestions"


_ALL = frozenset(AdminCapability)
CAPABILITIES: dict[AdminLevel, frozenset[AdminCapability]] = {
    AdminLevel.SUPER_ADMIN: _ALL,
    AdminLevel.FINANCE: frozenset(
        {
            AdminCapability.VIEW_DASHBOARD,
            AdminCapability.VIEW_USERS,
            AdminCapability.REVIEW_KYC,
            AdminCapability.MANAGE_REVENUE,
            AdminCapability.VIEW_AUDIT,
        }
    ),
    AdminLevel.SUPPORT: frozenset(
        {
            AdminCapability.VIEW_DASHBOARD,
            AdminCapability.VIEW_USERS,
            AdminCapability.MANAGE_USERS,
            AdminCapability.VIEW_AUDIT,
        }
    ),
    AdminLevel.MODERATOR: frozenset(
        {
            AdminCapability.VIEW_DASHBOARD,
            AdminCapability.VIEW_USERS,
            AdminCapability.REVIEW_BLUE_TICKETS,
            AdminCapability.REVIEW_CATEGORIES,
            AdminCapability.VIEW_AUDIT,
        }
    ),
}
"""SPEC §1.2's table, and the audit log (every level can account for what admins did)."""

LEVEL_LABELS = {
    AdminLevel.SUPER_ADMIN: N_("Super admin"),
    AdminLevel.FINANCE: N_("Finance"),
    AdminLevel.SUPPORT: N_("Support"),
    AdminLevel.MODERATOR: N_("Moderator"),
}


def allows(level: str | None, capability: AdminCapability) -> bool:
    """Whether an admin of `level` (None: not an admin) has `capability`."""
    try:
        return capability in CAPABILITIES[AdminLevel(level)]
    except ValueError:
        return False


# Each refusal as one whole sentence naming the levels CAPABILITIES gives the capability, so a language
# orders and joins them its own way (tests/unit/test_i18n_services.py checks the levels named).
REFUSALS: dict[AdminCapability, str] = {
    AdminCapability.VIEW_DASHBOARD: N_(
        "Only super admins, finance admins, support admins and moderator admins can view the admin dashboard."
    ),
    AdminCapability.VIEW_USERS: N_(
        "Only super admins, finance admins, support admins and moderator admins can view users."
    ),
    AdminCapability.MANAGE_USERS: N_("Only super admins and support admins can suspend, block or reactivate users."),
    AdminCapability.REVIEW_KYC: N_("Only super admins and finance admins can review KYC."),
    AdminCapability.REVIEW_BLUE_TICKETS: N_("Only super admins and moderator admins can review blue-ticket requests."),
    AdminCapability.MANAGE_REVENUE: N_("Only super admins and finance admins can see revenue and approve withdrawals."),
    AdminCapability.MANAGE_ADMINS: N_("Only super admins can manage platform admins."),
    AdminCapability.VIEW_AUDIT: N_(
        "Only super admins, finance admins, support admins and moderator admins can read the audit log."
    ),
    AdminCapability.REVIEW_CATEGORIES: N_("Only super admins and moderator admins can review category suggestions."),
}


def require(session: Session, actor: UserSummary | None, capability: AdminCapability) -> PlatformAdmin:
    """The actor's admin row, after checking its level has `capability`; read in the caller's session.

    Raises NotAuthenticated (nobody signed in), PermissionDenied (not an admin, or a level without
    the capability; the message names the levels that have it) or SecondFactorRequired (an admin of
    any level whose session did not pass two-factor sign-in: nothing of the admin area answers then).
    """
    if actor is None:
        raise NotAuthenticated()
    row = session.exec(select(PlatformAdmin).where(PlatformAdmin.user_id == actor.id)).first()
    if row is None or not allows(row.level, capability):
        raise PermissionDenied(REFUSALS[capability])
    identity.require_second_factor(session, actor, "admin")
    return row


def check(*, actor: UserSummary | None, capability: AdminCapability) -> str:
    """`require` in its own read transaction, for pages and routes; returns the actor's level."""
    with read_only() as session:
        return require(session, actor, capability).level


def ensure_bootstrap_admin(session: Session, user: User) -> bool:
    """Grant `super_admin` to a verified user whose email is in SUPER_ADMIN_EMAILS.

    Called whenever an account's email becomes verified or it signs in. Returns True when a row
    was created. An unverified address never qualifies: anyone could type it at sign-up.
    """
    if not user.is_verified or user.email.lower() not in settings.super_admin_emails:
        return False
    existing = session.exec(select(PlatformAdmin).where(PlatformAdmin.user_id == user.id)).first()
    if existing is not None:
        return False
    session.add(PlatformAdmin(user_id=user.id, level=AdminLevel.SUPER_ADMIN))
    audit.record(
        session,
        action="admin.bootstrap",
        actor_id=user.id,
        target=("user", user.id),
        details={"level": AdminLevel.SUPER_ADMIN.value, "source": "SUPER_ADMIN_EMAILS"},
    )
    return True


DEMO_ADMIN_TOTP_SECRET = "EVENTPALOURDEMO2FADEVONLY234567A"
"""The demo admin's authenticator secret (base32), printed by the seed: development only, like its password."""


def grant_demo_super_admin(user_id: str) -> None:
    """Make the demo data's admin account a super admin with two-factor on (DEMO_ADMIN_TOTP_SECRET),
    so a newcomer can see the admin side.

    Development only: in production its published password and secret would hand anyone the platform.
    """
    if settings.is_production:
        raise PermissionDenied(N_("The demo super admin is never created in production."))
    with transaction() as session:
        session.add(PlatformAdmin(user_id=user_id, level=AdminLevel.SUPER_ADMIN))
        # Every admin needs two-factor: a published development secret keeps the demo admin usable.
        identity.enroll_with_secret(session, user_id, DEMO_ADMIN_TOTP_SECRET)
        audit.record(
            session,
            action="admin.bootstrap",
            actor_id=user_id,
            target=("user", user_id),
            details={"level": AdminLevel.SUPER_ADMIN.value, "source": "demo data (development)"},
        )


def admin_level_in(session: Session, user_id: str) -> str | None:
    """The platform admin level of a user (None for everybody else), read in the caller's session."""
    return session.exec(select(PlatformAdmin.level).where(PlatformAdmin.user_id == user_id)).first()


def admin_level(user_id: str) -> str | None:
    """The platform admin level of a user, or None for everybody else."""
    with read_only() as session:
        return admin_level_in(session, user_id)


def is_super_admin(user_id: str) -> bool:
    return admin_level(user_id) == AdminLevel.SUPER_ADMIN


@dataclass(frozen=True)
class AdminRow:
    user_id: str
    email: str
    name: str
    level: str
    bootstrap: bool
    granted_at: datetime


def list_admins(*, actor: UserSummary | None) -> list[AdminRow]:
    """Every platform admin, super admins first (super admins only)."""
    with read_only() as session:
        require(session, actor, AdminCapability.MANAGE_ADMINS)
        rows = session.exec(
            select(PlatformAdmin, User)
            .join(User, col(User.id) == col(PlatformAdmin.user_id))
            .order_by(col(PlatformAdmin.level) != AdminLevel.SUPER_ADMIN, col(User.email))
        ).all()
    return [
        AdminRow(
            user_id=user.id,
            email=user.email,
            name=user.full_name or user.username,
            level=admin.level,
            bootstrap=user.email in settings.super_admin_emails,
            granted_at=admin.created_at,
        )
        for admin, user in rows
    ]


def _parse_level(raw: str) -> AdminLevel:
    try:
        return AdminLevel((raw or "").strip())
    except ValueError:
        raise ValidationFailed.field("level", N_("Choose super_admin, finance, support or moderator.")) from None


def grant_admin(*, actor: UserSummary | None, email: str, level: str, client: ClientInfo = ClientInfo()) -> AdminRow:
    """Make the account with `email` a platform admin of `level`, or change the level of an admin.

    Raises ValidationFailed (bad email or level), NotFound (no such account), PermissionDenied
    (not a super admin, or a SUPER_ADMIN_EMAILS address, which always stays super admin).
    """
    address = normalize_email(email)
    new_level = _parse_level(level)
    with transaction() as session:
        require(session, actor, AdminCapability.MANAGE_ADMINS)
        user = session.exec(select(User).where(account_email(address))).first()
        if user is None:
            raise NotFound(N_("No account uses this email. Ask the person to sign up first."))
        if address in settings.super_admin_emails and new_level != AdminLevel.SUPER_ADMIN:
            raise PermissionDenied(N_("This address is in SUPER_ADMIN_EMAILS and always stays a super admin."))
        if user.id == actor.id:
            raise Conflict(N_("You cannot change your own admin level."))
        row = session.exec(select(PlatformAdmin).where(PlatformAdmin.user_id == user.id)).first()
        previous = row.level if row else None
        if row is None:
            row = PlatformAdmin(user_id=user.id, level=new_level, granted_by_id=actor.id)
            session.add(row)
        else:
            row.level = new_level
        audit.record(
            session,
            action="admin.grant" if previous is None else "admin.change_level",
            actor_id=actor.id,
            target=("user", user.id),
            client=(client.ip, client.user_agent),
            details={"email": address, "from": previous, "to": new_level.value},
        )
        session.flush()
        return AdminRow(user.id, user.email, user.full_name or user.username, new_level, False, row.created_at)


def revoke_admin(*, actor: UserSummary | None, user_id: str, client: ClientInfo = ClientInfo()) -> None:
    """Take away a user's admin powers. Bootstrap super admins and the acting admin stay.

    Raises NotFound (not an admin), PermissionDenied (not a super admin, or a SUPER_ADMIN_EMAILS
    address, which would be granted again at its next sign-in anyway), Conflict (revoking yourself).
    """
    with transaction() as session:
        require(session, actor, AdminCapability.MANAGE_ADMINS)
        found = session.exec(
            select(PlatformAdmin, User)
            .join(User, col(User.id) == col(PlatformAdmin.user_id))
            .where(PlatformAdmin.user_id == (user_id or ""))
        ).first()
        if found is None:
            raise NotFound(N_("This person is not a platform admin."))
        admin, user = found
        if user.email in settings.super_admin_emails:
            raise PermissionDenied(N_("This address is in SUPER_ADMIN_EMAILS and always stays a super admin."))
        if user.id == actor.id:
            raise Conflict(N_("You cannot revoke your own admin access."))
        session.execute(delete(PlatformAdmin).where(col(PlatformAdmin.id) == admin.id))
        audit.record(
            session,
            action="admin.revoke",
            actor_id=actor.id,
            target=("user", user.id),
            client=(client.ip, client.user_agent),
            details={"email": user.email, "from": admin.level},
        )
