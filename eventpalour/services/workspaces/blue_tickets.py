"""Blue tickets (SPEC §7): a workspace's owner or admin asks for the verified-organizer badge;
blue-ticket reviewers (super admin, moderator) approve, reject (with a reason) or later revoke it.

The outcome is copied onto `workspaces.verified`, which is what every badge reads (workspace page,
event cards and pages through discovery, tickets), so the badge appears and disappears with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import BlueTicketRequest, BlueTicketStatus, Upload, UploadBucket, User, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform
from eventpalour.services.admin import AdminCapability
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    NotFound,
    ValidationFailed,
    clean_line,
    clean_text,
    language_or_default,
    message,
)
from eventpalour.services.workspaces.access import WorkspaceAction, load_workspace_for
from eventpalour.services.workspaces.records import clean_url

MIN_STATEMENT, MAX_STATEMENT = 20, 2000
MAX_LINKS = 5
MAX_REASON = 1000
QUEUE_LIMIT = 100
DECISION_ACTIONS = {
    BlueTicketStatus.APPROVED: "blue_ticket.approve",
    BlueTicketStatus.REJECTED: "blue_ticket.reject",
    BlueTicketStatus.REVOKED: "blue_ticket.revoke",
}


@dataclass(frozen=True)
class BlueTicketInput:
    statement: str = ""
    links: list[str] = field(default_factory=list)
    document_key: str = ""


@dataclass(frozen=True)
class BlueTicketView:
    id: str
    workspace_id: str
    workspace_name: str
    workspace_verified: bool
    requested_by_email: str
    statement: str
    links: list[str]
    document_key: str
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None
    # What a reviewer may do with it now, by `decision_refusal`, the rule _decide enforces:
    # approve or reject a pending request, revoke an approved one.
    can_decide: bool
    can_revoke: bool


@dataclass(frozen=True)
class WorkspaceBlueTicket:
    """Whether the workspace is verified and its latest request, with what its admins may do now:
    `can_request` comes from `request_refusal`, the rule request_verification enforces, and
    `in_review` says a request is open."""

    verified: bool
    latest: BlueTicketView | None
    can_request: bool
    in_review: bool


def request_refusal(*, verified: bool, open_request: bool) -> str | None:
    """Why a workspace cannot ask for the badge now (already verified, or a request is still open), or None."""
    if verified:
        return N_("This workspace is already verified.")
    if open_request:
        return N_("A verification request is already open for this workspace.")
    return None


def decision_refusal(status: str, outcome: BlueTicketStatus) -> str | None:
    """Why a request in `status` cannot move to `outcome` now, or None: approving and rejecting
    decide a pending request, revoking takes back an approved one."""
    revoking = outcome == BlueTicketStatus.REVOKED
    expected = BlueTicketStatus.APPROVED if revoking else BlueTicketStatus.PENDING
    if status != expected:
        return DECISION_REFUSALS[(revoking, BlueTicketStatus(status))]
    return None


# (revoking?, the request's status) → why not, one whole sentence each.
DECISION_REFUSALS = {
    (True, BlueTicketStatus.PENDING): N_("This request cannot be revoked: it is pending."),
    (True, BlueTicketStatus.REJECTED): N_("This request cannot be revoked: it is rejected."),
    (True, BlueTicketStatus.REVOKED): N_("This request cannot be revoked: it is revoked."),
    (False, BlueTicketStatus.APPROVED): N_("This request cannot be decided: it is approved."),
    (False, BlueTicketStatus.REJECTED): N_("This request cannot be decided: it is rejected."),
    (False, BlueTicketStatus.REVOKED): N_("This request cannot be decided: it is revoked."),
}


def _has_open_request(session: Session, workspace_id: str) -> bool:
    return (
        session.exec(
            select(BlueTicketRequest.id).where(
                BlueTicketRequest.workspace_id == workspace_id, BlueTicketRequest.status == BlueTicketStatus.PENDING
            )
        ).first()
        is not None
    )


def _view(session: Session, row: BlueTicketRequest, workspace: Workspace) -> BlueTicketView:
    email = session.exec(select(User.email).where(User.id == row.requested_by_id)).first() or ""
    return BlueTicketView(
        id=row.id,
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        workspace_verified=workspace.verified,
        requested_by_email=email,
        statement=row.statement,
        links=list(row.links or []),
        document_key=row.document_key or "",
        status=row.status,
        reason=row.reason or "",
        created_at=row.created_at,
        decided_at=row.decided_at,
        can_decide=decision_refusal(row.status, BlueTicketStatus.APPROVED) is None,
        can_revoke=decision_refusal(row.status, BlueTicketStatus.REVOKED) is None,
    )


def _clean(session: Session, actor: UserSummary, data: BlueTicketInput) -> tuple[str, list[str], str | None]:
    problems: list[FieldError] = []
    statement = clean_text(data.statement)
    if not MIN_STATEMENT <= len(statement) <= MAX_STATEMENT:
        problems.append(
            FieldError(
                ("statement",),
                message(
                    N_("Tell us who you are in {least} to {most} characters."), least=MIN_STATEMENT, most=MAX_STATEMENT
                ),
            )
        )
    raw_links = [link for link in map(clean_line, data.links) if link]
    links = [url for url in (clean_url(link, "links", problems) for link in raw_links) if url]
    if not raw_links:
        problems.append(FieldError(("links",), N_("Add at least one link (website, social profile, press).")))
    elif len(raw_links) > MAX_LINKS:
        problems.append(FieldError(("links",), message(N_("Add at most {count} links."), count=MAX_LINKS)))
    document = clean_line(data.document_key) or None
    if document:
        upload = session.get(Upload, document)
        if upload is None or upload.bucket != UploadBucket.KYC or upload.owner_id != actor.id:
            problems.append(FieldError(("document_key",), N_("Upload the document again; the upload was not found.")))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return statement, links, document


def _latest(session: Session, workspace_id: str) -> BlueTicketRequest | None:
    return session.exec(
        select(BlueTicketRequest)
        .where(BlueTicketRequest.workspace_id == workspace_id)
        .order_by(col(BlueTicketRequest.created_at).desc(), col(BlueTicketRequest.id))
    ).first()


def workspace_blue_ticket(*, actor: UserSummary | None, workspace_id: str) -> WorkspaceBlueTicket:
    """Whether the workspace is verified, and its latest request (owner and admins)."""
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.REQUEST_BLUE_TICKET)
        workspace = access.workspace
        latest = _latest(session, workspace.id)
        open_request = _has_open_request(session, workspace.id)
        return WorkspaceBlueTicket(
            verified=workspace.verified,
            latest=_view(session, latest, workspace) if latest else None,
            can_request=request_refusal(verified=workspace.verified, open_request=open_request) is None,
            in_review=open_request,
        )


def request_verification(
    *, actor: UserSummary | None, workspace_id: str, data: BlueTicketInput, client: ClientInfo = ClientInfo()
) -> BlueTicketView:
    """Ask for the badge with a statement, links and an optional document (owner or admin).

    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed, Conflict (already
    verified, or a request is still open: one per workspace).
    """
    try:
        with transaction() as session:
            access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.REQUEST_BLUE_TICKET)
            workspace = access.workspace
            open_request = _has_open_request(session, workspace.id)
            if refusal := request_refusal(verified=workspace.verified, open_request=open_request):
                raise Conflict(refusal)
            statement, links, document = _clean(session, actor, data)
            row = BlueTicketRequest(
                workspace_id=workspace.id,
                requested_by_id=actor.id,
                statement=statement,
                links=links,
                document_key=document,
            )
            session.add(row)
            session.flush()
            admin.record_audit(
                session,
                action="blue_ticket.request",
                actor_id=actor.id,
                target=("workspace", workspace.id),
                client=(client.ip, client.user_agent),
                details={"request_id": row.id},
            )
            return _view(session, row, workspace)
    except IntegrityError:
        # Two admins of the workspace sent a request at the same moment; the partial index kept one.
        raise Conflict(N_("A verification request is already open for this workspace.")) from None


def list_requests(*, actor: UserSummary | None, status: str = "pending") -> list[BlueTicketView]:
    """Requests for reviewers by state: pending oldest first, decided ones newest first."""
    if status and status not in set(BlueTicketStatus):
        raise ValidationFailed.field("status", N_("Choose pending, approved, rejected or revoked."))
    with read_only() as session:
        admin.require_admin(session, actor, AdminCapability.REVIEW_BLUE_TICKETS)
        query = select(BlueTicketRequest, Workspace).join(
            Workspace, col(Workspace.id) == col(BlueTicketRequest.workspace_id)
        )
        if status:
            query = query.where(BlueTicketRequest.status == status)
        order = col(BlueTicketRequest.created_at)
        rows = session.exec(
            query.order_by(order if status == "pending" else order.desc(), col(BlueTicketRequest.id)).limit(QUEUE_LIMIT)
        ).all()
        return [_view(session, row, workspace) for row, workspace in rows]


def _reason(raw: str, *, required: bool) -> str:
    text = clean_line(raw)
    if required and not text:
        raise ValidationFailed.field("reason", N_("Give a reason; the organizer is told why."))
    if len(text) > MAX_REASON:
        raise ValidationFailed.field("reason", message(N_("Use at most {count} characters."), count=MAX_REASON))
    return text


def _decide(
    actor: UserSummary | None, request_id: str, outcome: BlueTicketStatus, reason: str, client: ClientInfo
) -> BlueTicketView:
    """Move one request to `outcome`, set the workspace's badge to match, email, and audit-log."""
    with transaction() as session:
        admin.require_admin(session, actor, AdminCapability.REVIEW_BLUE_TICKETS)
        row = session.get(BlueTicketRequest, request_id or "")
        if row is None:
            raise NotFound(N_("This verification request does not exist."))
        if refusal := decision_refusal(row.status, outcome):
            raise Conflict(refusal)
        workspace = session.get(Workspace, row.workspace_id)
        row.status, row.reason, row.decided_by_id, row.decided_at = outcome, reason or None, actor.id, utcnow()
        workspace.verified = outcome == BlueTicketStatus.APPROVED
        recipients = set(
            session.exec(
                select(User.email, User.language).where(col(User.id).in_([workspace.owner_id, row.requested_by_id]))
            )
        )
        for address, language in sorted(recipients, key=lambda r: r[0]):
            platform.enqueue(
                session,
                platform.blue_ticket_decision_email(
                    address, workspace.name, outcome, reason, language_or_default(language)
                ),
            )
        admin.record_audit(
            session,
            action=DECISION_ACTIONS[outcome],
            actor_id=actor.id,
            target=("workspace", workspace.id),
            client=(client.ip, client.user_agent),
            details={"request_id": row.id, "reason": reason},
        )
        session.flush()
        return _view(session, row, workspace)


def approve_request(
    *, actor: UserSummary | None, request_id: str, reason: str = "", client: ClientInfo = ClientInfo()
) -> BlueTicketView:
    """Approve a pending request: the workspace gets the badge. Raises NotFound, Conflict, PermissionDenied."""
    return _decide(actor, request_id, BlueTicketStatus.APPROVED, _reason(reason, required=False), client)


def reject_request(
    *, actor: UserSummary | None, request_id: str, reason: str, client: ClientInfo = ClientInfo()
) -> BlueTicketView:
    """Reject a pending request; the reason is required. Raises ValidationFailed, NotFound, Conflict."""
    return _decide(actor, request_id, BlueTicketStatus.REJECTED, _reason(reason, required=True), client)


def revoke_request(
    *, actor: UserSummary | None, request_id: str, reason: str, client: ClientInfo = ClientInfo()
) -> BlueTicketView:
    """Take an approved badge away; the reason is required. Raises ValidationFailed, NotFound, Conflict."""
    return _decide(actor, request_id, BlueTicketStatus.REVOKED, _reason(reason, required=True), client)
