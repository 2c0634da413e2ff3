"""Refund policy per event and buyers' refund requests (#19 §5): events.refund_policy, refund_days,
refund_policy_text; the refund_requests table, at most one pending per order

Existing events get "no refunds" (what the platform offered before any policy could be set).

Revision ID: f7a3c1e9b254
Revises: 5215e44b2a03
Create Date: 2026-12-06 06:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "f7a3c1e9b254"
down_revision: str | None = "5215e44b2a03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "refund_policy", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="none"
            )
        )
        batch_op.add_column(sa.Column("refund_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "refund_policy_text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False, server_default=""
            )
        )
    op.create_table(
        "refund_requests",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("buyer_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("ticket_ids", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decision_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("decided_by_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("refund_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_refund_requests_amount"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_refund_requests_order_id"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_refund_requests_event_id"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], name="fk_refund_requests_workspace_id"),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name="fk_refund_requests_buyer_id"),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"], name="fk_refund_requests_refund_id"),
        sa.PrimaryKeyConstraint("id", name="pk_refund_requests"),
    )
    op.create_index("ix_refund_requests_order_id", "refund_requests", ["order_id"], unique=False)
    op.create_index("ix_refund_requests_event_status", "refund_requests", ["event_id", "status"], unique=False)
    op.create_index(
        "uq_refund_requests_open",
        "refund_requests",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("uq_refund_requests_open", table_name="refund_requests")
    op.drop_index("ix_refund_requests_event_status", table_name="refund_requests")
    op.drop_index("ix_refund_requests_order_id", table_name="refund_requests")
    op.drop_table("refund_requests")
    # In place, also on SQLite (3.35+ drops a column without rebuilding the table): a rebuild of
    # `events` would drop the triggers that keep its search table in step (alembic/env.py checks).
    for column in ("refund_policy_text", "refund_days", "refund_policy"):
        op.execute(f"ALTER TABLE events DROP COLUMN {column}")
