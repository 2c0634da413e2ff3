"""The door's counters kept as passes are written (#18 §3): `check_in_counts` holds each list's
entries, first entries and exits per quarter-hour and stripe, so a scan's counters read a few rows
instead of counting every pass of the list (which cost each scan more as the night went on). The
passes already made are counted here once.

Revision ID: b4d6f8a0c2e4
Revises: a3c5e7f9b1d2
Create Date: 2026-12-07 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "b4d6f8a0c2e4"
down_revision: str | None = "a3c5e7f9b1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counts = op.create_table(
        "check_in_counts",
        sa.Column("list_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("slot", UTCDateTime(), nullable=False),
        sa.Column("stripe", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("first_entries", sa.Integer(), nullable=False),
        sa.Column("exits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["checkin_lists.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("list_id", "slot", "stripe"),
    )
    check_ins = sa.table(
        "check_ins",
        sa.column("list_id", sa.String),
        sa.column("direction", sa.String),
        sa.column("ordinal", sa.Integer),
        sa.column("at", UTCDateTime()),
    )
    # The passes made so far, counted as services/tickets/gates.py counts new ones (a first entry is
    # entry number 1, or unnumbered), all in stripe 0: stripes only spread the writes, reads sum them.
    # Frozen here rather than imported, as a migration must keep working when that module changes.
    rows: dict[tuple, dict] = {}
    for row in op.get_bind().execute(sa.select(check_ins)).mappings():
        at = row["at"]
        slot = at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
        counted = rows.setdefault(
            (row["list_id"], slot),
            {"list_id": row["list_id"], "slot": slot, "stripe": 0, "entries": 0, "first_entries": 0, "exits": 0},
        )
        if row["direction"] == "exit":
            counted["exits"] += 1
        else:
            counted["entries"] += 1
            counted["first_entries"] += row["ordinal"] in (1, None)
    if rows:
        op.bulk_insert(counts, list(rows.values()))


def downgrade() -> None:
    op.drop_table("check_in_counts")
