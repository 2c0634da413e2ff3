"""The audit log as admins read it (SPEC §7), and the record of every entry into the admin area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import AuditLogEntry, User
from eventpalour.services.admin import admins, audit
from eventpalour.services.admin.admins import AdminCapability
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import N_, DomainError, FieldError, ValidationFailed, clean_line

PAGE_SIZE = 50
ADMIN_SIGN_IN = "admin.sign_in"


def record_admin_sign_in(*, actor: UserSummary | None, client: ClientInfo, path: str) -> str:
    """Note who entered the admin area, from where, and whether they were let in; returns their level.

    Refusals are recorded too (anonymous visitors included), so probing the admin area leaves a
    trace. Raises what `admins.require` raises, after the entry is committed.
    """
    refused: DomainError | None = None
    level = ""
    with transaction() as session:
        try:
            level = admins.require(session, actor, AdminCapability.VIEW_DASHBOARD).level
        except DomainError as error:
            refused = error
        audit.record(
            session,
            action=ADMIN_SIGN_IN,
            actor_id=actor.id if actor else None,
            result="ok" if refused is None else "denied",
            client=(client.ip, client.user_agent),
            details={"path": clean_line(path)[:200], **({"level": level} if level else {})},
        )
    if refused is not None:
        raise refused
    return level


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page filters by; empty strings mean "any". Dates are `YYYY-MM-DD`, inclusive, UTC."""

    action: str = ""
    actor: str = ""
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class AuditRow:
    id: str
    created_at: datetime
    action: str
    actor_email: str
    target: str
    result: str
    ip: str
    user_agent: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def _day(raw: str, name: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed.field(name, N_("Use a date like 2026-01-31.")) from None


def list_audit(*, actor: UserSummary | None, filters: AuditFilters, page: int = 1) -> AuditPage:
    """One page (50 rows, newest first) of the audit log, filtered by action, actor email and dates.

    Raises ValidationFailed (unreadable dates, or a range that ends before it starts).
    """
    start, end = _day(filters.date_from, "date_from"), _day(filters.date_to, "date_to")
    if start and end and end < start:
        raise ValidationFailed(
            N_("The end date is before the start date."),
            details=[FieldError(("date_to",), N_("Pick a date on or after the start date."))],
        )
    who = aliased(User)
    with read_only() as session:
        admins.require(session, actor, AdminCapability.VIEW_AUDIT)
        query = select(AuditLogEntry, who.email).outerjoin(who, col(who.id) == col(AuditLogEntry.actor_id))
        action, actor_email = clean_line(filters.action).lower(), clean_line(filters.actor).lower()
        if action:
            query = query.where(col(AuditLogEntry.action).startswith(action))
        if actor_email:
            query = query.where(col(who.email).contains(actor_email))
        if start:
            query = query.where(col(AuditLogEntry.created_at) >= datetime.combine(start, time.min, UTC))
        if end:
            query = query.where(
                col(AuditLogEntry.created_at) < datetime.combine(end + timedelta(days=1), time.min, UTC)
            )
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        pages = max(1, -(-total // PAGE_SIZE))
        current = min(max(page, 1), pages)
        found = session.exec(
            query.order_by(col(AuditLogEntry.created_at).desc(), col(AuditLogEntry.id))
            .offset((current - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
    rows = [
        AuditRow(
            id=entry.id,
            created_at=entry.created_at,
            action=entry.action,
            actor_email=email or "",
            target=f"{entry.target_type}:{entry.target_id}" if entry.target_type else "",
            result=entry.result,
            ip=entry.ip or "",
            user_agent=entry.user_agent or "",
            details=entry.details or {},
        )
        for entry, email in found
    ]
    return AuditPage(rows=rows, total=total, page=current, pages=pages)


def audit_actions(*, actor: UserSummary | None) -> list[str]:
    """The distinct actions in the log, for the filter's choices."""
    with read_only() as session:
        admins.require(session, actor, AdminCapability.VIEW_AUDIT)
        return list(session.exec(select(AuditLogEntry.action).distinct().order_by(col(AuditLogEntry.action))).all())
