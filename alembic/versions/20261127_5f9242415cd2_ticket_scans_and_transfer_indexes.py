"""Ticket scans (the door log) and the indexes for live counters and transfer chains

Revision ID: 5f9242415cd2
Revises: 502abb41024b
Create Date: 2026-11-27 17:25:47.839029
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import eventpalour.models.types

revision: str = "5f9242415cd2"
down_revision: str | None = "502abb41024b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_scans",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("ticket_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("scanned_by_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("device", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scanned_at", eventpalour.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["scanned_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_scans", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_scans_event_scanned", ["event_id", "scanned_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_scans_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_event_id"))
        batch_op.create_index("ix_tickets_event_status", ["event_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_transferred_from_id"), ["transferred_from_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_transferred_from_id"))
        batch_op.drop_index("ix_tickets_event_status")
        batch_op.create_index(batch_op.f("ix_tickets_event_id"), ["event_id"], unique=False)

    with op.batch_alter_table("ticket_scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_scans_ticket_id"))
        batch_op.drop_index("ix_ticket_scans_event_scanned")

    op.drop_table("ticket_scans")
