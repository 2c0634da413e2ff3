"""Recurring events (#22 §3): the event_series table and events.series_id; outbox.headers for the
List-Unsubscribe headers of announcement emails (#22 §2)

Revision ID: c5e1a7d3b982
Revises: b3e7c2d9f415
Create Date: 2026-12-06 09:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "c5e1a7d3b982"
down_revision: str | None = "b3e7c2d9f415"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sqlmodel.sql.sqltypes.AutoString(length=16)


def upgrade() -> None:
    op.create_table(
        "event_series",
        sa.Column("id", ID, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("until_date", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("dates", sa.JSON(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("rule IN ('daily', 'weekly', 'monthly', 'dates')", name="ck_event_series_rule"),
        sa.CheckConstraint("interval >= 1", name="ck_event_series_interval"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_series_workspace_id", "event_series", ["workspace_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # In place: a batch rebuild of `events` would drop its search triggers (alembic/env.py).
        op.execute("ALTER TABLE events ADD COLUMN series_id VARCHAR(16) REFERENCES event_series (id)")
    else:
        op.add_column("events", sa.Column("series_id", ID, nullable=True))
        op.create_foreign_key("fk_events_series_id", "events", "event_series", ["series_id"], ["id"])
    op.create_index("ix_events_series_id", "events", ["series_id"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("headers")
    op.drop_index("ix_events_series_id", table_name="events")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE events DROP COLUMN series_id")
    else:
        op.drop_constraint("fk_events_series_id", "events", type_="foreignkey")
        op.drop_column("events", "series_id")
    op.drop_index("ix_event_series_workspace_id", table_name="event_series")
    op.drop_table("event_series")
