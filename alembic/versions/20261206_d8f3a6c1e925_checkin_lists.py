"""Check-in lists (gates) and the check-ins made on them (#21 §5): every event gets its default list
(id = the event's id, all tiers), and every ticket already checked in gets its entry on it; door
devices as last heard from (#21 §6)

Revision ID: d8f3a6c1e925
Revises: e48addac24af
Create Date: 2026-12-06 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "d8f3a6c1e925"
down_revision: str | None = "e48addac24af"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sqlmodel.sql.sqltypes.AutoString(length=16)
DEFAULT_LIST_NAME = "Main entrance"  # services/tickets/gates.py DEFAULT_NAME at the time of writing


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "checkin_lists",
        sa.Column("id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("name", _text(60), nullable=False),
        sa.Column("all_tiers", sa.Boolean(), nullable=False),
        sa.Column("readmit_daily", sa.Boolean(), nullable=False),
        sa.Column("count_exits", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checkin_lists_event", "checkin_lists", ["event_id"])
    op.create_table(
        "checkin_list_tiers",
        sa.Column("list_id", ID, nullable=False),
        sa.Column("tier_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["checkin_lists.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tier_id"], ["ticket_tiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("list_id", "tier_id"),
    )
    op.create_table(
        "check_ins",
        sa.Column("id", ID, nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("list_id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("direction", _text(8), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_id", ID, nullable=True),
        sa.Column("device", _text(200), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["list_id"], ["checkin_lists.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_id", "ticket_id", "direction", "ordinal", name="uq_check_ins_pass"),
    )
    op.create_index("ix_check_ins_event_at", "check_ins", ["event_id", "at"])
    op.create_table(
        "door_devices",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("device_id", _text(64), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("event_id", "device_id"),
    )
    op.create_index("ix_check_ins_ticket", "check_ins", ["ticket_id"])
    # In place (ADD COLUMN), never a batch rebuild: nullable columns need none on SQLite.
    op.add_column("offline_scans", sa.Column("list_id", _text(16), nullable=True))
    # The default fills the rows already uploaded (all entries); the model sets it on new ones.
    op.add_column("offline_scans", sa.Column("direction", _text(8), nullable=False, server_default=sa.text("'entry'")))
    # Every event's default list, then the check-ins made before lists existed, as entry 1 on it.
    op.execute(
        sa.text(
            "INSERT INTO checkin_lists (id, event_id, name, all_tiers, readmit_daily, count_exits, created_at) "
            "SELECT id, id, :name, :yes, :no, :no, created_at FROM events"
        ).bindparams(name=DEFAULT_LIST_NAME, yes=True, no=False)
    )
    op.execute(
        "INSERT INTO check_ins (id, event_id, list_id, ticket_id, direction, ordinal, at, by_id, device) "
        "SELECT id, event_id, event_id, id, 'entry', 1, COALESCE(used_at, updated_at, created_at), used_by_id, '' "
        "FROM tickets WHERE status = 'used'"
    )


def downgrade() -> None:
    with op.batch_alter_table("offline_scans") as batch:
        batch.drop_column("direction")
        batch.drop_column("list_id")
    op.drop_table("door_devices")
    op.drop_index("ix_check_ins_ticket", table_name="check_ins")
    op.drop_index("ix_check_ins_event_at", table_name="check_ins")
    op.drop_table("check_ins")
    op.drop_table("checkin_list_tiers")
    op.drop_index("ix_checkin_lists_event", table_name="checkin_lists")
    op.drop_table("checkin_lists")
