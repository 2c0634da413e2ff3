"""Waitlists of sold-out tiers (#19 §4): ticket_tiers.waitlist, events.waitlist_offer_minutes and the
waitlist_entries table, one waiting entry per person and tier

Revision ID: 4e8b1c7d2a96
Revises: 3b8d6f1a7c52
Create Date: 2026-12-06 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "4e8b1c7d2a96"
down_revision: str | None = "3b8d6f1a7c52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_tiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waitlist", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waitlist_offer_minutes", sa.Integer(), nullable=False, server_default="30"))
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tier_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("offered_quantity", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("offered_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("quantity > 0", name="ck_waitlist_entries_quantity"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_waitlist_entries_event_id", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tier_id"], ["ticket_tiers.id"], name="fk_waitlist_entries_tier_id", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_waitlist_entries_user_id"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_waitlist_entries_order_id"),
        sa.PrimaryKeyConstraint("id", name="pk_waitlist_entries"),
    )
    op.create_index(
        "ix_waitlist_entries_tier_status_created",
        "waitlist_entries",
        ["tier_id", "status", "created_at"],
        unique=False,
    )
    op.create_index("ix_waitlist_entries_event_created", "waitlist_entries", ["event_id", "created_at"], unique=False)
    op.create_index(
        "uq_waitlist_entries_waiting",
        "waitlist_entries",
        ["tier_id", "user_id"],
        unique=True,
        sqlite_where=sa.text("status = 'waiting'"),
        postgresql_where=sa.text("status = 'waiting'"),
    )


def downgrade() -> None:
    op.drop_index("uq_waitlist_entries_waiting", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_event_created", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_tier_status_created", table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
    # In place (SQLite 3.35+): rebuilding `events` would drop its search triggers (alembic/env.py).
    op.execute("ALTER TABLE events DROP COLUMN waitlist_offer_minutes")
    with op.batch_alter_table("ticket_tiers", schema=None) as batch_op:
        batch_op.drop_column("waitlist")
