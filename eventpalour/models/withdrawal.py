"""Payouts of a workspace's balance to its bank account or M-Pesa number (SPEC §5 withdrawals)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class WithdrawalStatus(StrEnum):
    REQUESTED = "requested"  # waiting for a finance admin; its amount is already out of "available"
    PAID = "paid"
    REJECTED = "rejected"


class WithdrawalMethod(StrEnum):
    BANK = "bank"
    MPESA = "mpesa"


class Withdrawal(SQLModel, table=True):
    """A payout requested by a workspace admin, e.g. KES 25,000.00 to M-Pesa +254712345678.

    While `requested`, the amount counts as pending and cannot be requested again; a finance admin
    then marks it `paid` (with the transfer's reference) or `rejected` (with a reason), which gives
    the amount back to the available balance. Amounts are minor units of `currency`.
    """

    __tablename__ = "withdrawals"
    __table_args__ = (
        Index("ix_withdrawals_workspace_currency_status", "workspace_id", "currency", "status"),
        Index("ix_withdrawals_status_created", "status", "created_at"),
        CheckConstraint("amount > 0", name="ck_withdrawals_amount"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16)
    currency: str = Field(max_length=3)
    amount: int
    method: str = Field(max_length=8)
    bank_name: str | None = Field(default=None, max_length=100)
    account_number: str | None = Field(default=None, max_length=34)
    account_name: str | None = Field(default=None, max_length=100)
    phone_number: str | None = Field(default=None, max_length=20)
    status: str = Field(default=WithdrawalStatus.REQUESTED, max_length=12)
    reference: str | None = Field(default=None, max_length=100)  # the bank or M-Pesa transfer's reference
    rejection_reason: str | None = Field(default=None, max_length=500)
    requested_by_id: str = Field(foreign_key="users.id", max_length=16)
    decided_by_id: str | None = Field(default=None, foreign_key="users.id", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
