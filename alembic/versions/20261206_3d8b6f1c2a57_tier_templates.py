"""Tier templates: a workspace's ready-made ticket tiers, names unique per workspace whatever their case

Revision ID: 3d8b6f1c2a57
Revises: 4d9b1e7a2c58
Create Date: 2026-12-06 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import eventpalour.models.types

revision: str = "3d8b6f1c2a57"
down_revision: str | None = "4d9b1e7a2c58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tier_templates",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("max_per_order", sa.Integer(), nullable=False),
        sa.Column("created_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("price >= 0", name="ck_tier_templates_price"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name_key", name="uq_tier_templates_workspace_name"),
    )
    with op.batch_alter_table("tier_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tier_templates_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tier_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_templates_workspace_id"))
    op.drop_table("tier_templates")
