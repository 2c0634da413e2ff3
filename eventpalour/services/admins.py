"""Platform admins: the SUPER_ADMIN_EMAILS bootstrap and who holds which level."""

from __future__ import annotations

from sqlmodel import Session, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import AdminLevel, PlatformAdmin, User
from eventpalour.services import audit


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


def admin_level(user_id: str) -> str | None:
    """The platform admin level of a user, or None for everybody else."""
    with read_only() as session:
        row = session.exec(select(PlatformAdmin.level).where(PlatformAdmin.user_id == user_id))
        return row.first()


def is_super_admin(user_id: str) -> bool:
    return admin_level(user_id) == AdminLevel.SUPER_ADMIN
