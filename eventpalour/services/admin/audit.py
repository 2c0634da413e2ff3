"""The audit trail: one call records who did what to what, from where, with what result."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

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
