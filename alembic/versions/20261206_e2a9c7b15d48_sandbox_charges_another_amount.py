"""The Paystack sandbox can charge another amount than was asked: sandbox_paystack_transactions.requested_amount

Revision ID: e2a9c7b15d48
Revises: c41f8d2e6a70
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e2a9c7b15d48"
down_revision: str | None = "c41f8d2e6a70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sandbox_paystack_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_amount", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sandbox_paystack_transactions", schema=None) as batch_op:
        batch_op.drop_column("requested_amount")
