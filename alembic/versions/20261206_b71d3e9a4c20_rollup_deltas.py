"""Rollup deltas: the analytics day rows' changes appended by sales, folded in shortly after

Revision ID: b71d3e9a4c20
Revises: e8b4d2a6c193
Create Date: 2026-12-06 09:30:00

Adding to a day row inside every sale's transaction queued a rush's sales behind that row's lock
(issue #18); sales now append a delta row instead and a worker loop (and every read) folds them in.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b71d3e9a4c20"
down_revision: str | None = "e8b4d2a6c193"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sqlmodel.sql.sqltypes.AutoString(length=16)
TABLE = "analytics_rollup_deltas"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rollup", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("tier_id", ID, nullable=True),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tier_id"], ["ticket_tiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("workspace_id", "event_id", "tier_id"):
        op.create_index(f"ix_{TABLE}_{column}", TABLE, [column])


def downgrade() -> None:
    for column in ("workspace_id", "event_id", "tier_id"):
        op.drop_index(f"ix_{TABLE}_{column}", table_name=TABLE)
    op.drop_table(TABLE)
