"""Offline door scanning: per-event Ed25519 signing keys, tickets.updated_at for device sync deltas,
and the check-ins door devices made offline (#21)

Revision ID: b3d9e1f7a2c4
Revises: 6b47d2817f36
Create Date: 2026-12-06 09:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "b3d9e1f7a2c4"
down_revision: str | None = "6b47d2817f36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sqlmodel.sql.sqltypes.AutoString(length=16)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    # In place (ADD COLUMN), never a batch rebuild: tickets is large and referenced everywhere.
    op.add_column("tickets", sa.Column("updated_at", UTCDateTime(), nullable=True))
    op.create_index("ix_tickets_event_updated", "tickets", ["event_id", "updated_at"])
    op.create_table(
        "event_signing_keys",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("public_key", _text(64), nullable=False),
        sa.Column("sealed_private_key", _text(400), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "offline_scans",
        sa.Column("id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("device_id", _text(64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("ticket_id", ID, nullable=True),
        sa.Column("scanned_at", UTCDateTime(), nullable=False),
        sa.Column("device_result", _text(16), nullable=False),
        sa.Column("outcome", _text(16), nullable=False),
        sa.Column("note", _text(300), nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "device_id", "sequence", name="uq_offline_scans_device_sequence"),
    )
    op.create_index("ix_offline_scans_event_outcome", "offline_scans", ["event_id", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_offline_scans_event_outcome", table_name="offline_scans")
    op.drop_table("offline_scans")
    op.drop_table("event_signing_keys")
    op.drop_index("ix_tickets_event_updated", table_name="tickets")
    op.drop_column("tickets", "updated_at")
