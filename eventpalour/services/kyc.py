"""Workspace KYC status as platform admins set it (SPEC §1.2: super admins and finance review KYC).

Paid events can be published only by a workspace whose KYC is approved (services/events.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import AdminLevel, KycStatus, PlatformAdmin, User, Workspace
from eventpalour.services import audit
from eventpalour.services.accounts import UserSummary
from eventpalour.services.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed

KYC_REVIEWERS = frozenset({AdminLevel.SUPER_ADMIN, AdminLevel.FINANCE})


@dataclass(frozen=True)
class KycRow:
    workspace_id: str
    workspace_name: str
    owner_email: str
    kyc_status: str


def _require_reviewer(session: Session, actor: UserSummary | None) -> None:
    if actor is None:
        raise NotAuthenticated()
    level = session.exec(select(PlatformAdmin.level).where(PlatformAdmin.user_id == actor.id)).first()
    if level not in KYC_REVIEWERS:
        raise PermissionDenied("Only super admins and finance admins can review KYC.")


def list_workspaces_for_review(*, actor: UserSummary | None, search: str = "", limit: int = 50) -> list[KycRow]:
    """Workspaces with their KYC status, pending first, for KYC reviewers."""
    with read_only() as session:
        _require_reviewer(session, actor)
        query = select(Workspace, User.email).join(User, col(User.id) == col(Workspace.owner_id))
        if search.strip():
            query = query.where(func.lower(Workspace.name).contains(search.strip().lower()))
        rows = session.exec(
            query.order_by((col(Workspace.kyc_status) != KycStatus.PENDING), col(Workspace.name)).limit(limit)
        ).all()
    return [KycRow(w.id, w.name, email, w.kyc_status) for w, email in rows]


def set_kyc_status(*, actor: UserSummary | None, workspace_id: str, status: str, note: str = "") -> None:
    """Record a KYC decision for a workspace (audit-logged)."""
    if status not in {s.value for s in KycStatus}:
        raise ValidationFailed.field("status", "Choose a KYC status.")
    with transaction() as session:
        _require_reviewer(session, actor)
        workspace = session.get(Workspace, workspace_id or "")
        if workspace is None:
            raise NotFound("This workspace does not exist.")
        previous, workspace.kyc_status = workspace.kyc_status, status
        audit.record(
            session,
            action="admin.kyc_status",
            actor_id=actor.id,
            target=("workspace", workspace.id),
            details={"from": previous, "to": status, "note": note[:500]},
        )
