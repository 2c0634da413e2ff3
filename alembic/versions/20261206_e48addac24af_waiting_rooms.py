"""Waiting rooms for on-sale moments (#18): waiting_rooms (one per event) and waiting_room_visitors
(one place per browser and event)

Revision ID: e48addac24af
Revises: d7f3a9c2e5b1
Create Date: 2026-12-06 12:09:54.759369
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "e48addac24af"
down_revision: str | None = "d7f3a9c2e5b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waiting_rooms",
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("seed", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("credit_at", UTCDateTime(), nullable=True),
        sa.Column("admitted_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("opens_at <= starts_at", name="ck_waiting_rooms_opens_first"),
        sa.CheckConstraint("rate_per_minute BETWEEN 1 AND 100000", name="ck_waiting_rooms_rate"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_waiting_rooms_event_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name="pk_waiting_rooms"),
    )
    op.create_table(
        "waiting_room_visitors",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("browser_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("place_key", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("admitted_at", UTCDateTime(), nullable=True),
        sa.Column("entered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_waiting_room_visitors_event_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_waiting_room_visitors"),
    )
    op.create_index("ix_waiting_room_visitors_admitted", "waiting_room_visitors", ["event_id", "admitted_at"])
    op.create_index("ix_waiting_room_visitors_place", "waiting_room_visitors", ["event_id", "place_key"])
    op.create_index(
        "uq_waiting_room_visitors_browser", "waiting_room_visitors", ["event_id", "browser_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_waiting_room_visitors_browser", table_name="waiting_room_visitors")
    op.drop_index("ix_waiting_room_visitors_place", table_name="waiting_room_visitors")
    op.drop_index("ix_waiting_room_visitors_admitted", table_name="waiting_room_visitors")
    op.drop_table("waiting_room_visitors")
    op.drop_table("waiting_rooms")
