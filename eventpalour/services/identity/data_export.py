""" "Download my data" (#20 §3): everything we hold about one account, as JSON and as a CSV of its
orders and tickets.

The export is built in one read and typed (`AccountExport`); the JSON is that dataclass as it is, so
a field added here shows in the file. Secrets never leave: no password or token hash, no code, no KYC
document (only the filing's fields). The other party of a ticket transfer is shown masked
(`masked_email`): their address is their data, not the exporter's.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import (
    AuditLogEntry,
    Event,
    KycSubmission,
    Order,
    OrderItem,
    Passkey,
    Refund,
    Ticket,
    TicketTier,
    User,
    UserSession,
    WaitlistEntry,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
)
from eventpalour.models.types import utcnow
from eventpalour.services.identity.accounts import UserSummary, load_active_user, masked_email
from eventpalour.services.platform import NotAuthenticated, said, spreadsheet_cell, stored_message

EXPORT_FORMAT = 1
"""The export's layout version, written into the file: bump it when a field changes meaning."""


@dataclass(frozen=True)
class ProfileData:
    id: str
    email: str
    username: str
    full_name: str
    avatar_url: str | None
    account_type: str | None
    status: str
    email_verified_at: datetime | None
    google_account_linked: bool
    has_password: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    terms_version: str | None
    terms_accepted_at: datetime | None


@dataclass(frozen=True)
class PasskeyData:
    """A passkey: its name and dates only; the credential and its public key stay out."""

    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class SessionData:
    """A signed-in device; its token's hash is a secret and stays out."""

    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class OrderLineData:
    tier: str
    quantity: int
    unit_price: int


@dataclass(frozen=True)
class RefundData:
    amount: int
    status: str
    reason: str
    created_at: datetime
    processed_at: datetime | None


@dataclass(frozen=True)
class OrderData:
    """One order; money in minor units of `currency` (KES 1,500.00 is 150000)."""

    reference: str
    event: str
    status: str
    currency: str
    subtotal: int
    discount: int
    platform_fee: int
    amount: int
    refunded_amount: int
    created_at: datetime
    paid_at: datetime | None
    lines: list[OrderLineData]
    refunds: list[RefundData]
    sms_phone: str | None = None  # the phone given for SMS tickets (#23 §3)


@dataclass(frozen=True)
class WaitlistData:
    """A place this account took in a sold-out tier's line (#19 §4): `status` waiting, offered or
    left; an offer names the order that held its seats (`order_reference`, "" before any offer)."""

    event: str
    tier: str
    quantity: int
    status: str
    joined_at: datetime
    offered_at: datetime | None
    offered_quantity: int | None
    order_reference: str


@dataclass(frozen=True)
class TicketData:
    code: str
    event: str
    event_starts_at: datetime
    tier: str
    status: str
    order_reference: str
    issued_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class TransferData:
    """A ticket that moved: `direction` "in" (to this account) or "out", and the other holder, masked."""

    direction: str
    event: str
    ticket_code: str
    new_ticket_code: str
    other_party: str
    at: datetime


@dataclass(frozen=True)
class MembershipData:
    workspace: str
    role: str
    joined_at: datetime


@dataclass(frozen=True)
class InvitationData:
    workspace: str
    role: str
    status: str
    sent_at: datetime
    accepted_at: datetime | None


@dataclass(frozen=True)
class KycFilingData:
    """A KYC filing this account made for a workspace; the ID document's file is not included."""

    workspace: str
    status: str
    holder_type: str
    legal_name: str
    id_number: str
    phone: str
    business_name: str | None
    tax_country: str | None
    tax_id: str | None
    business_registration_number: str | None
    payout_method: str
    payout_account_name: str
    payout_account_number: str
    payout_bank_name: str | None
    review_note: str | None
    filed_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class AuditData:
    """An audit log entry this account made (`by_you`) or that is about it."""

    action: str
    result: str
    by_you: bool
    at: datetime
    ip: str | None
    user_agent: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class AccountExport:
    format: int
    exported_at: datetime
    profile: ProfileData
    sessions: list[SessionData]
    passkeys: list[PasskeyData]
    orders: list[OrderData]
    tickets: list[TicketData]
    transfers: list[TransferData]
    waitlists: list[WaitlistData]
    memberships: list[MembershipData]
    invitations: list[InvitationData]
    kyc_filings: list[KycFilingData]
    audit_entries: list[AuditData]


def export_account(*, actor: UserSummary | None) -> AccountExport:
    """Everything held about the acting user, read at one moment."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        user = load_active_user(session, actor.id)
        tickets, transfers = _tickets_and_transfers(session, user.id)
        return AccountExport(
            format=EXPORT_FORMAT,
            exported_at=utcnow(),
            profile=_profile(user),
            sessions=_sessions(session, user.id),
            passkeys=_passkeys(session, user.id),
            orders=_orders(session, user.id, user.language),
            tickets=tickets,
            transfers=transfers,
            waitlists=_waitlists(session, user.id),
            memberships=_memberships(session, user.id),
            invitations=_invitations(session, user),
            kyc_filings=_kyc_filings(session, user.id),
            audit_entries=_audit_entries(session, user.id),
        )


def _profile(user: User) -> ProfileData:
    return ProfileData(
        id=user.id,
        email=user.email,
        username=user.username,
        full_name=user.full_name,
        avatar_url=user.avatar_url,
        account_type=user.account_type,
        status=user.status,
        email_verified_at=user.email_verified_at,
        google_account_linked=user.google_sub is not None,
        has_password=bool(user.password_hash),
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
        terms_version=user.terms_version,
        terms_accepted_at=user.terms_accepted_at,
    )


def _sessions(session: Session, user_id: str) -> list[SessionData]:
    rows = session.exec(
        select(UserSession).where(UserSession.user_id == user_id).order_by(col(UserSession.created_at))
    ).all()
    return [SessionData(r.created_at, r.last_seen_at, r.expires_at, r.ip, r.user_agent) for r in rows]


def _passkeys(session: Session, user_id: str) -> list[PasskeyData]:
    rows = session.exec(
        select(Passkey).where(Passkey.user_id == user_id).order_by(col(Passkey.created_at), col(Passkey.id))
    ).all()
    return [PasskeyData(r.name, r.created_at, r.last_used_at) for r in rows]


def _orders(session: Session, user_id: str, language: str | None) -> list[OrderData]:
    found = session.exec(
        select(Order, Event.title)
        .join(Event, col(Event.id) == col(Order.event_id))
        .where(Order.buyer_id == user_id)
        .order_by(col(Order.created_at), col(Order.id))
    ).all()
    ids = [order.id for order, _ in found]
    lines: dict[str, list[OrderLineData]] = {order_id: [] for order_id in ids}
    refunds: dict[str, list[RefundData]] = {order_id: [] for order_id in ids}

    def reason(refund: Refund) -> str:
        """A reason the system wrote, in the account's language; one a person typed, as typed."""
        return said(language, stored_message(refund.reason, refund.reason_template, refund.reason_values))

    if ids:
        for item in session.exec(
            select(OrderItem).where(col(OrderItem.order_id).in_(ids)).order_by(col(OrderItem.id))
        ).all():
            lines[item.order_id].append(OrderLineData(item.tier_name, item.quantity, item.unit_price))
        for refund in session.exec(
            select(Refund).where(col(Refund.order_id).in_(ids)).order_by(col(Refund.created_at))
        ).all():
            refunds[refund.order_id].append(
                RefundData(refund.amount, refund.status, reason(refund), refund.created_at, refund.processed_at)
            )
    return [
        OrderData(
            reference=order.reference,
            event=title,
            status=order.status,
            currency=order.currency,
            subtotal=order.subtotal,
            discount=order.discount_amount,
            platform_fee=order.platform_fee,
            amount=order.amount,
            refunded_amount=order.refunded_amount,
            created_at=order.created_at,
            paid_at=order.paid_at,
            lines=lines[order.id],
            refunds=refunds[order.id],
            sms_phone=order.buyer_phone,
        )
        for order, title in found
    ]


def _tickets_and_transfers(session: Session, user_id: str) -> tuple[list[TicketData], list[TransferData]]:
    """The tickets this account holds or held, and the transfers that moved tickets to or from it.

    A transfer is the pair (old ticket, its successor `transferred_from_id`): "out" when the old one
    was ours, "in" when the new one is."""
    rows = session.exec(
        select(Ticket, Event.title, Event.start_at, TicketTier.name, Order.reference)
        .join(Event, col(Event.id) == col(Ticket.event_id))
        .join(TicketTier, col(TicketTier.id) == col(Ticket.tier_id))
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .where(Ticket.holder_id == user_id)
        .order_by(col(Ticket.created_at), col(Ticket.short_code))
    ).all()
    tickets = [
        TicketData(t.short_code, title, starts, tier, t.status, reference, t.created_at, t.used_at)
        for t, title, starts, tier, reference in rows
    ]
    old, new = aliased(Ticket), aliased(Ticket)
    old_holder, new_holder = aliased(User), aliased(User)
    moves = session.exec(
        select(old, new, Event.title, old_holder.email, new_holder.email)
        .join(new, col(new.transferred_from_id) == col(old.id))
        .join(Event, col(Event.id) == col(old.event_id))
        .join(old_holder, col(old_holder.id) == col(old.holder_id))
        .join(new_holder, col(new_holder.id) == col(new.holder_id))
        .where(or_(col(old.holder_id) == user_id, col(new.holder_id) == user_id))
        .order_by(col(new.created_at))
    ).all()
    transfers = [
        TransferData(
            direction="out" if sent.holder_id == user_id else "in",
            event=title,
            ticket_code=sent.short_code,
            new_ticket_code=received.short_code,
            other_party=masked_email(to_email if sent.holder_id == user_id else from_email),
            at=received.created_at,
        )
        for sent, received, title, from_email, to_email in moves
    ]
    return tickets, transfers


def _waitlists(session: Session, user_id: str) -> list[WaitlistData]:
    rows = session.exec(
        select(WaitlistEntry, Event.title, TicketTier.name, Order.reference)
        .join(Event, col(Event.id) == col(WaitlistEntry.event_id))
        .join(TicketTier, col(TicketTier.id) == col(WaitlistEntry.tier_id))
        .outerjoin(Order, col(Order.id) == col(WaitlistEntry.order_id))
        .where(WaitlistEntry.user_id == user_id)
        .order_by(col(WaitlistEntry.created_at), col(WaitlistEntry.id))
    ).all()
    return [
        WaitlistData(
            event=title,
            tier=tier,
            quantity=entry.quantity,
            status=entry.status,
            joined_at=entry.created_at,
            offered_at=entry.offered_at,
            offered_quantity=entry.offered_quantity,
            order_reference=reference or "",
        )
        for entry, title, tier, reference in rows
    ]


def _memberships(session: Session, user_id: str) -> list[MembershipData]:
    rows = session.exec(
        select(Workspace.name, WorkspaceMember.role, WorkspaceMember.joined_at)
        .join(Workspace, col(Workspace.id) == col(WorkspaceMember.workspace_id))
        .where(WorkspaceMember.user_id == user_id)
        .order_by(col(WorkspaceMember.joined_at))
    ).all()
    return [MembershipData(*row) for row in rows]


def _invitations(session: Session, user: User) -> list[InvitationData]:
    rows = session.exec(
        select(
            Workspace.name,
            WorkspaceInvitation.role,
            WorkspaceInvitation.status,
            WorkspaceInvitation.created_at,
            WorkspaceInvitation.accepted_at,
        )
        .join(Workspace, col(Workspace.id) == col(WorkspaceInvitation.workspace_id))
        .where(or_(WorkspaceInvitation.email == user.email, WorkspaceInvitation.accepted_by_id == user.id))
        .order_by(col(WorkspaceInvitation.created_at))
    ).all()
    return [InvitationData(*row) for row in rows]


def _kyc_filings(session: Session, user_id: str) -> list[KycFilingData]:
    rows = session.exec(
        select(KycSubmission, Workspace.name)
        .join(Workspace, col(Workspace.id) == col(KycSubmission.workspace_id))
        .where(KycSubmission.submitted_by_id == user_id)
        .order_by(col(KycSubmission.created_at))
    ).all()
    return [
        KycFilingData(
            workspace=name,
            status=k.status,
            holder_type=k.holder_type,
            legal_name=k.legal_name,
            id_number=k.id_number,
            phone=k.phone,
            business_name=k.business_name,
            tax_country=k.tax_country,
            tax_id=k.tax_id,
            business_registration_number=k.business_registration_number,
            payout_method=k.payout_method,
            payout_account_name=k.payout_account_name,
            payout_account_number=k.payout_account_number,
            payout_bank_name=k.payout_bank_name,
            review_note=k.review_note,
            filed_at=k.created_at,
            reviewed_at=k.reviewed_at,
        )
        for k, name in rows
    ]


def _audit_entries(session: Session, user_id: str) -> list[AuditData]:
    rows = session.exec(
        select(AuditLogEntry)
        .where(
            or_(
                AuditLogEntry.actor_id == user_id,
                (col(AuditLogEntry.target_type) == "user") & (col(AuditLogEntry.target_id) == user_id),
            )
        )
        .order_by(col(AuditLogEntry.created_at), col(AuditLogEntry.id))
    ).all()
    return [
        AuditData(e.action, e.result, e.actor_id == user_id, e.created_at, e.ip, e.user_agent, dict(e.details or {}))
        for e in rows
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def export_json(export: AccountExport) -> str:
    """The export as a JSON document (times in ISO 8601, UTC)."""
    return json.dumps(asdict(export), default=_plain, indent=2, ensure_ascii=False)


CSV_COLUMNS = (
    "record",
    "order_reference",
    "event",
    "status",
    "currency",
    "tier",
    "quantity",
    "unit_price",
    "order_amount",
    "ticket_code",
    "at",
)


def export_csv(export: AccountExport) -> str:
    """The export's orders (one row per order line) and tickets (one row each) as one CSV sheet.

    Money is in minor units, as in the JSON, so a spreadsheet sums it without rounding."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for order in export.orders:
        for line in order.lines:
            writer.writerow(
                (
                    "order line",
                    order.reference,
                    spreadsheet_cell(order.event),
                    order.status,
                    order.currency,
                    spreadsheet_cell(line.tier),
                    line.quantity,
                    line.unit_price,
                    order.amount,
                    "",
                    order.created_at.isoformat(),
                )
            )
    for ticket in export.tickets:
        writer.writerow(
            (
                "ticket",
                ticket.order_reference,
                spreadsheet_cell(ticket.event),
                ticket.status,
                "",
                spreadsheet_cell(ticket.tier),
                1,
                "",
                "",
                ticket.code,
                ticket.issued_at.isoformat(),
            )
        )
    return out.getvalue()
