"""What organizers send the platform to be trusted: KYC for payouts, blue-ticket requests for the badge.

The outcome each one decides lives on the workspace (`kyc_status`, `verified`), so every reader
(publishing rules, discovery, badges) keeps reading one column; these rows are the paper trail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, text
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class PayoutMethod(StrEnum):
    BANK = "bank"
    MPESA = "mpesa"


class KycHolderType(StrEnum):
    """Who the KYC is for: a person, or a company (which also gives its registration number)."""

    INDIVIDUAL = "individual"
    COMPANY = "company"


class KycSubmission(SQLModel, table=True):
    """One KYC filing of a workspace, e.g. "Amina Otieno, ID 12345678, payouts to M-Pesa +254…".

    `status` is the review state of this filing (pending → approved | rejected | requires_update);
    a new filing after a rejection or a request for an update is a new row, so history is kept.
    The ID document is an upload in the private KYC bucket (`id_document_key`).
    """

    __tablename__ = "kyc_submissions"
    __table_args__ = (Index("ix_kyc_submissions_status_created", "status", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    submitted_by_id: str = Field(foreign_key="users.id", max_length=16)
    legal_name: str = Field(max_length=255)
    id_number: str = Field(max_length=64)
    id_document_key: str = Field(max_length=255)
    phone: str = Field(max_length=50)
    business_name: str | None = Field(default=None, max_length=255)
    holder_type: str = Field(default="individual", max_length=16)
    # Where the holder pays tax (KE, NG, GH, ZA) and their tax identifier there (KRA PIN, TIN, income
    # tax number); filings from before #20 have neither.
    tax_country: str | None = Field(default=None, max_length=2)
    tax_id: str | None = Field(default=None, max_length=32)
    business_registration_number: str | None = Field(default=None, max_length=64)
    payout_method: str = Field(max_length=16)
    payout_account_name: str = Field(max_length=255)
    payout_account_number: str = Field(max_length=64)
    payout_bank_name: str | None = Field(default=None, max_length=255)
    status: str = Field(default="pending", max_length=20)
    review_note: str | None = Field(default=None, max_length=1000)
    reviewed_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BlueTicketStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


class BlueTicketRequest(SQLModel, table=True):
    """A workspace asking for the blue "verified organizer" badge (SPEC §7).

    pending → approved | rejected (a reason is required); an approved request can later be
    revoked. At most one pending request per workspace, enforced by a partial unique index.
    """

    __tablename__ = "blue_ticket_requests"
    __table_args__ = (
        Index(
            "uq_blue_ticket_requests_pending",
            "workspace_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_blue_ticket_requests_status_created", "status", "created_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    requested_by_id: str = Field(foreign_key="users.id", max_length=16)
    statement: str = Field(max_length=2000)
    links: list[str] = Field(default_factory=list, sa_type=JSON)
    document_key: str | None = Field(default=None, max_length=255)
    status: str = Field(default=BlueTicketStatus.PENDING, max_length=16)
    reason: str | None = Field(default=None, max_length=1000)
    decided_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
