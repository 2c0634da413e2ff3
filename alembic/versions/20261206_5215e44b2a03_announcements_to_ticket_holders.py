"""Announcements to ticket holders, and the holders who opted out of an event's announcements (#22 §2)

Revision ID: 5215e44b2a03
Revises: ac3e55c0de19
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "5215e44b2a03"
down_revision: str | None = "ac3e55c0de19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcement_opt_outs",
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("email_key", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "email_key"),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("author_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tier_ids", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("send_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("recipients_count", sa.Integer(), nullable=False),
        sa.Column("last_slot_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "audience IN ('all', 'tiers', 'checked_in', 'not_checked_in')", name="ck_announcements_audience"
        ),
        sa.CheckConstraint("status IN ('scheduled', 'sent', 'cancelled')", name="ck_announcements_status"),
        sa.CheckConstraint("recipients_count >= 0", name="ck_announcements_recipients_count"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_announcements_event_created", "announcements", ["event_id", "created_at"], unique=False)
    op.create_index("ix_announcements_status_send_at", "announcements", ["status", "send_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_announcements_status_send_at", table_name="announcements")
    op.drop_index("ix_announcements_event_created", table_name="announcements")
    op.drop_table("announcements")
    op.drop_table("announcement_opt_outs")
