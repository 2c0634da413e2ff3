"""Discount codes: per-event codes with held and sold uses, and the code and discount on orders (#19)

Revision ID: d15c0de5a7b1
Revises: a3f0d7c2e915
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "d15c0de5a7b1"
down_revision: str | None = "a3f0d7c2e915"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discount_codes",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("all_tiers", sa.Boolean(), nullable=False),
        sa.Column("valid_from", UTCDateTime(), nullable=True),
        sa.Column("valid_until", UTCDateTime(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("per_buyer_limit", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uses_held", sa.Integer(), nullable=False),
        sa.Column("uses_sold", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('percent', 'fixed')", name="ck_discount_codes_kind"),
        sa.CheckConstraint("value > 0 AND (kind = 'fixed' OR value <= 100)", name="ck_discount_codes_value"),
        sa.CheckConstraint("uses_held >= 0 AND uses_sold >= 0", name="ck_discount_codes_counters"),
        sa.CheckConstraint("max_uses IS NULL OR uses_held + uses_sold <= max_uses", name="ck_discount_codes_uses"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_discount_codes_event_id", "discount_codes", ["event_id"], unique=False)
    op.create_index("uq_discount_codes_event_code", "discount_codes", ["event_id", "code"], unique=True)
    op.create_table(
        "discount_code_tiers",
        sa.Column("code_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tier_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["discount_codes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tier_id"], ["ticket_tiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_id", "tier_id"),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_code_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column("discount_amount", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_orders_discount_code_id", ["discount_code_id"], unique=False)
        batch_op.create_foreign_key("fk_orders_discount_code_id", "discount_codes", ["discount_code_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint("fk_orders_discount_code_id", type_="foreignkey")
        batch_op.drop_index("ix_orders_discount_code_id")
        batch_op.drop_column("discount_amount")
        batch_op.drop_column("discount_code_id")
    op.drop_table("discount_code_tiers")
    op.drop_index("uq_discount_codes_event_code", table_name="discount_codes")
    op.drop_index("ix_discount_codes_event_id", table_name="discount_codes")
    op.drop_table("discount_codes")
