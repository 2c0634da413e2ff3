"""Refunds of paid orders (SPEC §5): one row per refund sent (or to be sent) to Paystack."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class RefundStatus(StrEnum):
    QUEUED = "queued"  # ours: recorded, waiting for the worker to send it to Paystack
    PENDING = "pending"
    PROCESSING = "processing"
    NEEDS_ATTENTION = "needs-attention"
    PROCESSED = "processed"
    FAILED = "failed"


OPEN_REFUND_STATUSES = (
    RefundStatus.QUEUED,
    RefundStatus.PENDING,
    RefundStatus.PROCESSING,
    RefundStatus.NEEDS_ATTENTION,
)


class RefundKind(StrEnum):
    MANUAL = "manual"  # an organizer refunded from the orders page
    BUYER_REQUEST = "buyer_request"  # an organizer approved the buyer's refund request
    EVENT_CANCELLED = "event_cancelled"  # every paid order of a cancelled event
    PAYMENT_MISMATCH = "payment_mismatch"  # Paystack charged another amount or currency than the order's
    LATE_PAYMENT = "late_payment"  # paid after the hold expired, and the seats had sold meanwhile
    CODE_USED_UP = "code_used_up"  # paid after the hold expired, and the order's code had run out of uses


RETURNED_PAYMENT_KINDS = (RefundKind.PAYMENT_MISMATCH, RefundKind.LATE_PAYMENT, RefundKind.CODE_USED_UP)
"""Refunds of payments that bought nothing: the whole amount received goes back, the order issued
no tickets and never counted as a sale, so it claims nothing on `orders.refunded_amount`."""


class Refund(SQLModel, table=True):
    """Money going back to a buyer.

    The amount is claimed on the order (`orders.refunded_amount`) in the transaction that creates
    the row, so two refunds racing can never give back more than was paid; a failed refund returns
    its claim. The tickets in `ticket_ids` stop scanning at once; their seats come back only when
    the refund is processed, so a failed refund can make them valid again without overselling.
    Sending to Paystack happens in the worker (`attempts`, `next_attempt_at`, `locked_until`).
    """

    __tablename__ = "refunds"
    __table_args__ = (
        Index("ix_refunds_status_next", "status", "next_attempt_at"),
        Index("ix_refunds_event_status", "event_id", "status"),
        CheckConstraint("amount > 0", name="ck_refunds_amount"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16)
    amount: int
    currency: str = Field(max_length=3)
    kind: str = Field(default=RefundKind.MANUAL, max_length=20)
    reason: str = Field(default="", max_length=500)
    # A reason the system wrote, as its sentence (the catalogs' English id) and values, so each reader
    # reads it in their language (platform.stored_message); NULL for a reason a person typed (kept as
    # typed) and for refunds recorded before (#23 §1).
    reason_template: str | None = Field(default=None, max_length=500)
    reason_values: dict[str, object] | None = Field(default=None, sa_type=JSON)
    status: str = Field(default=RefundStatus.QUEUED, max_length=20)
    ticket_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # Paystack's refund id, set when Paystack accepts the refund; webhooks and re-checks find the
    # refund by it. Paystack's ids are past 2**31 already for transactions, so 64 bits.
    provider_refund_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    failure_reason: str | None = Field(default=None, max_length=500)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    requested_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RefundRequestStatus(StrEnum):
    PENDING = "pending"  # waiting for a workspace admin
    APPROVED = "approved"  # a refund was queued for it (`refund_id`)
    DECLINED = "declined"  # refused, with `decision_reason`


class RefundRequest(SQLModel, table=True):
    """A buyer asking for their money back (#19 §5): all or some tickets of a paid order, and why.

    At most one request per order waits for an answer (`uq_refund_requests_open`, a partial unique
    index), so two submits racing leave one. Approving runs the organizer's refund path
    (services/sales/refunds.py:queue_refund) for `ticket_ids` and records the refund it queued.
    """

    __tablename__ = "refund_requests"
    __table_args__ = (
        Index(
            "uq_refund_requests_open",
            "order_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_refund_requests_event_status", "event_id", "status"),
        CheckConstraint("amount > 0", name="ck_refund_requests_amount"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16)
    buyer_id: str = Field(foreign_key="users.id", max_length=16)
    ticket_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    amount: int  # what the chosen tickets come to, in minor units of `currency`, when asked
    currency: str = Field(max_length=3)
    reason: str = Field(max_length=500)
    status: str = Field(default=RefundRequestStatus.PENDING, max_length=16)
    decision_reason: str = Field(default="", max_length=500)
    decided_by_id: str | None = Field(default=None, max_length=16)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    refund_id: str | None = Field(default=None, foreign_key="refunds.id", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
