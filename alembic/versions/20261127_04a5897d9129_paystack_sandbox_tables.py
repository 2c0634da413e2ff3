"""Paystack sandbox tables: transactions, refunds, webhooks sent, test controls

Revision ID: 04a5897d9129
Revises: 5169bad90c68
Create Date: 2026-11-27 15:32:18.182966
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
import eventpalour.models.types

revision: str = "04a5897d9129"
down_revision: str | None = "5169bad90c68"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_paystack_controls",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "sandbox_paystack_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("will_fail", sa.Boolean(), nullable=False),
        sa.Column("customer_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("merchant_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sandbox_paystack_refunds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_paystack_refunds_transaction_reference"), ["transaction_reference"], unique=False
        )

    op.create_table(
        "sandbox_paystack_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("access_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("gateway_response", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("fees", sa.BigInteger(), nullable=True),
        sa.Column("paid_at", eventpalour.models.types.UTCDateTime(), nullable=True),
        sa.Column("callback_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("metadata_json", sa.JSON(), nullable=True),
        sa.Column("authorization_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("customer_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("access_code"),
        sa.UniqueConstraint("reference"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sandbox_paystack_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("transaction_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("last_attempt_at", eventpalour.models.types.UTCDateTime(), nullable=True),
        sa.Column("delivered_at", eventpalour.models.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sandbox_paystack_webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sandbox_paystack_webhooks_transaction_reference"), ["transaction_reference"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sandbox_paystack_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_paystack_webhooks_transaction_reference"))

    op.drop_table("sandbox_paystack_webhooks")
    op.drop_table("sandbox_paystack_transactions")
    with op.batch_alter_table("sandbox_paystack_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sandbox_paystack_refunds_transaction_reference"))

    op.drop_table("sandbox_paystack_refunds")
    op.drop_table("sandbox_paystack_controls")
