"""SMS tickets (#23 §3): events that send them, the buyer's phone on orders, text messages in the
outbox, and the SMS sandbox's tables

Revision ID: b3d9e5a17c42
Revises: c5e1a7d3b982
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "b3d9e5a17c42"
down_revision: str | None = "c5e1a7d3b982"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PHONE = sqlmodel.sql.sqltypes.AutoString(length=16)


def upgrade() -> None:
    # Columns added in place (ALTER TABLE ADD COLUMN on SQLite too): `events` must never be rebuilt.
    op.add_column("events", sa.Column("sms_tickets", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("buyer_phone", PHONE, nullable=True))
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(
            sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default="email")
        )
        batch_op.add_column(sa.Column("to_phone", PHONE, nullable=True))
    op.create_table(
        "sandbox_sms_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("to", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sender", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("cost", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sandbox_sms_messages_to", "sandbox_sms_messages", ["to"])
    op.create_table(
        "sandbox_sms_controls",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("sandbox_sms_controls")
    op.drop_index("ix_sandbox_sms_messages_to", table_name="sandbox_sms_messages")
    op.drop_table("sandbox_sms_messages")
    # In place, also on SQLite (3.35+ drops an unindexed column without rebuilding the table): a
    # rebuild of `events` would drop its search triggers (alembic/env.py checks).
    for table, column in (
        ("outbox", "to_phone"),
        ("outbox", "channel"),
        ("orders", "buyer_phone"),
        ("events", "sms_tickets"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
