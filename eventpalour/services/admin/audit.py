"""The audit trail: one call records who did what to what, from where, with what result."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col

from eventpalour.models import AuditLogEntry
from eventpalour.services.platform import clean_line


def record(
    session: Session,
    *,
    action: str,
    actor_id: str | None,
    target: tuple[str, str] | None = None,
    result: str = "ok",
    client: tuple[str | None, str | None] = (None, None),
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the caller's transaction, so it commits or rolls back with the change."""
    ip, user_agent = client
    session.add(
        AuditLogEntry(
            actor_id=actor_id,
            action=action,
            target_type=target[0] if target else None,
            target_id=target[1] if target else None,
            result=result,
            ip=ip,
            user_agent=clean_line(user_agent)[:500] or None,
            details=details or {},
        )
    )


def forget_client_of(session: Session, actor_id: str) -> int:
    """Blank the IP address and browser of every entry `actor_id` made, in the caller's transaction
    (an account being erased: the entries stay, as the record of what happened, without them)."""
    return session.execute(
        update(AuditLogEntry)
        .where(
            col(AuditLogEntry.actor_id) == actor_id,
            or_(col(AuditLogEntry.ip).is_not(None), col(AuditLogEntry.user_agent).is_not(None)),
        )
        .values(ip=None, user_agent=None)
    ).rowcount
