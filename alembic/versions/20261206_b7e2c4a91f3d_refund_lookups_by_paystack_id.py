"""Refunds are found by Paystack's refund id (webhooks, re-checks): indexed, and 64-bit like Paystack's ids

Revision ID: b7e2c4a91f3d
Revises: da5a99edd903
Create Date: 2026-12-06 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c4a91f3d"
down_revision: str | None = "da5a99edd903"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.alter_column("provider_refund_id", existing_type=sa.Integer(), type_=sa.BigInteger())
        batch_op.create_index(batch_op.f("ix_refunds_provider_refund_id"), ["provider_refund_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_provider_refund_id"))
        batch_op.alter_column("provider_refund_id", existing_type=sa.BigInteger(), type_=sa.Integer())
