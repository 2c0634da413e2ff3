"""The refund policy in force when an order was placed, kept on the order (#19 §5)

Revision ID: c5e8a1f93d20
Revises: b3d9e1f7a2c4
Create Date: 2026-12-06 09:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c5e8a1f93d20"
down_revision: str | None = "b3d9e1f7a2c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns added in place (no table rebuild): orders placed before keep NULL and follow
    # their event's current policy.
    op.add_column("orders", sa.Column("refund_policy", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    op.add_column("orders", sa.Column("refund_days", sa.Integer(), nullable=True))
    op.add_column(
        "orders", sa.Column("refund_policy_text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("orders", "refund_policy_text")
    op.drop_column("orders", "refund_days")
    op.drop_column("orders", "refund_policy")
