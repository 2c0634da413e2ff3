"""State of the built-in provider sandboxes, kept in the database so every worker shares it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, utcnow


class SandboxOidcCode(SQLModel, table=True):
    """An authorization code issued by the sign-in sandbox, redeemable once at its token endpoint."""

    __tablename__ = "sandbox_oidc_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=255)
    redirect_uri: str = Field(max_length=1024)
    code_challenge: str | None = Field(default=None, max_length=255)
    code_challenge_method: str | None = Field(default=None, max_length=16)
    nonce: str | None = Field(default=None, max_length=255)
    scope: str = Field(default="openid", max_length=255)
    claims: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SandboxPaystackTransaction(SQLModel, table=True):
    """A transaction initialized at the Paystack sandbox, e.g. KES 1,500.00 for buyer@example.com.

    `status` is Paystack's: `abandoned` until the hosted checkout settles it as `success` or
    `failed`; `reversed` once refunds processed cover the whole amount. `refunded_amount` counts
    refunds that are not `failed`, so the refundable balance is `amount - refunded_amount`.
    `amount` and `currency` are what was charged; `requested_amount` (None: the same) is what the
    transaction was initialized for, when a test charged something else.
    """

    __tablename__ = "sandbox_paystack_transactions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=100)
    access_code: str = Field(unique=True, max_length=32)
    email: str = Field(max_length=255)
    amount: int = Field(sa_type=BigInteger)
    requested_amount: int | None = Field(default=None, sa_type=BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field(default="abandoned", max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    gateway_response: str | None = Field(default=None, max_length=120)
    fees: int | None = Field(default=None, sa_type=BigInteger)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    callback_url: str | None = Field(default=None, max_length=2048)
    metadata_json: Any = Field(default=None, sa_type=JSON, nullable=True)
    authorization_code: str | None = Field(default=None, max_length=32)
    customer_code: str | None = Field(default=None, max_length=32)
    refunded_amount: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SandboxPaystackRefund(SQLModel, table=True):
    """A refund queued at the Paystack sandbox: `pending` → `processing` → `processed` (or `failed`)."""

    __tablename__ = "sandbox_paystack_refunds"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    transaction_reference: str = Field(index=True, max_length=100)
    amount: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field(default="pending", max_length=16)
    will_fail: bool = Field(default=False)
    customer_note: str | None = Field(default=None, max_length=500)
    merchant_note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SandboxPaystackWebhook(SQLModel, table=True):
    """One webhook the Paystack sandbox sent (its exact signed body) and how its deliveries went."""

    __tablename__ = "sandbox_paystack_webhooks"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(max_length=40)
    transaction_reference: str = Field(index=True, max_length=100)
    refund_id: int | None = Field(default=None)
    body: str
    attempts: int = Field(default=0)
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SandboxPaystackControl(SQLModel, table=True):
    """A test switch of the Paystack sandbox by name (`fail_initialize`, `hang_seconds`, …); absent = default."""

    __tablename__ = "sandbox_paystack_controls"

    name: str = Field(primary_key=True, max_length=40)
    value: Any = Field(default=None, sa_type=JSON, nullable=True)


class SandboxSmsMessage(SQLModel, table=True):
    """One recipient of one message sent to the SMS sandbox (Africa's Talking's contract), as received:
    e.g. to +254712345678 "Jazz on the Lawn: ticket ABCD2345 …", `status_code` 101 (Sent) and its
    `message_id`; or 403 (InvalidPhoneNumber) or 500 (a failure a test asked for) with no id."""

    __tablename__ = "sandbox_sms_messages"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100)
    to: str = Field(index=True, max_length=40)
    sender: str = Field(default="", max_length=40)
    message: str
    status: str = Field(max_length=40)
    status_code: int
    message_id: str = Field(default="None", max_length=64)
    cost: str = Field(default="0", max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SandboxSmsControl(SQLModel, table=True):
    """A test switch of the SMS sandbox by name: `fail_next` is how many of the next recipients get
    a failure (500, InternalServerError) instead of delivery; absent = 0."""

    __tablename__ = "sandbox_sms_controls"

    name: str = Field(primary_key=True, max_length=40)
    value: int = Field(default=0)
