"""Access codes: a code may unlock hidden tiers, and its discount becomes optional (#19 §2)

Revision ID: ac3e55c0de19
Revises: f6d2b8a4c913
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "ac3e55c0de19"
down_revision: str | None = "f6d2b8a4c913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DISCOUNT_RULE = "(kind IS NULL AND value IS NULL) OR (kind IS NOT NULL AND value IS NOT NULL)"


def upgrade() -> None:
    with op.batch_alter_table("discount_codes", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        batch_op.alter_column("value", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint("ck_discount_codes_discount", DISCOUNT_RULE)
    op.create_table(
        "discount_code_unlocks",
        sa.Column("code_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tier_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["discount_codes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tier_id"], ["ticket_tiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_id", "tier_id"),
    )


def downgrade() -> None:
    op.drop_table("discount_code_unlocks")
    # Access-only codes have no discount to keep: they go (with their tier links) before NOT NULL returns.
    op.execute(
        "UPDATE orders SET discount_code_id = NULL WHERE discount_code_id IN "
        "(SELECT id FROM discount_codes WHERE kind IS NULL)"
    )
    op.execute("DELETE FROM discount_code_tiers WHERE code_id IN (SELECT id FROM discount_codes WHERE kind IS NULL)")
    op.execute("DELETE FROM discount_codes WHERE kind IS NULL")
    with op.batch_alter_table("discount_codes", schema=None) as batch_op:
        batch_op.drop_constraint("ck_discount_codes_discount", type_="check")
        batch_op.alter_column("value", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("kind", existing_type=sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False)
