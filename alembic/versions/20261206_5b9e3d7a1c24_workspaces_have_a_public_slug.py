"""Workspaces have a public slug, the address of their organizer page /o/{slug}: workspaces.slug

Existing workspaces get one from their name (lowercase ASCII words joined by dashes, numbered on
collision, oldest workspace first), then the column becomes required and unique.

Revision ID: 5b9e3d7a1c24
Revises: d15c0de5a7b1
Create Date: 2026-12-06 04:10:00.000000
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5b9e3d7a1c24"
down_revision: str | None = "d15c0de5a7b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIN_LENGTH = 3
MAX_LENGTH = 60
FALLBACK = "organizer"
RESERVED = frozenset({"admin", "api", "events", "new", "settings", "support", "eventpalour", "help", "legal"})


def slug_base(name: str) -> str:
    """The rule of services/workspaces/slugs.py:slug_base as it was at this revision (frozen here)."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    base = "-".join(words)[:MAX_LENGTH].strip("-")
    if len(base) < MIN_LENGTH or base in RESERVED:
        base = f"{base}-{FALLBACK}" if base else FALLBACK
    return base


def numbered(base: str, number: int) -> str:
    if number == 1:
        return base
    suffix = f"-{number}"
    return base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix


def backfill(connection: sa.Connection) -> None:
    """Give every workspace without a slug ('') one, oldest first, numbered past those already taken."""
    workspaces = sa.table("workspaces", sa.column("id"), sa.column("name"), sa.column("slug"), sa.column("created_at"))
    taken = {row.slug for row in connection.execute(sa.select(workspaces.c.slug).where(workspaces.c.slug != ""))}
    rows = connection.execute(
        sa.select(workspaces.c.id, workspaces.c.name)
        .where(workspaces.c.slug == "")
        .order_by(workspaces.c.created_at, workspaces.c.id)
    ).all()
    for row in rows:
        base, number = slug_base(row.name), 1
        while numbered(base, number) in taken:
            number += 1
        slug = numbered(base, number)
        taken.add(slug)
        connection.execute(workspaces.update().where(workspaces.c.id == row.id).values(slug=slug))


# No batch (table-copying) operations here: on SQLite, copying `workspaces` would drop a table that
# events, members and KYC rows point at. The column is added NOT NULL with a temporary default of
# '' (which SQLite's ADD COLUMN allows), filled in, and made unique by an index. PostgreSQL then
# drops the default; SQLite cannot without copying the table, so there it stays, and the unique
# index still refuses a second workspace left without a slug.


def upgrade() -> None:
    op.add_column(
        "workspaces",
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=""),
    )
    backfill(op.get_bind())
    op.create_index("uq_workspaces_slug", "workspaces", ["slug"], unique=True)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("workspaces", "slug", server_default=None)


def downgrade() -> None:
    op.drop_index("uq_workspaces_slug", table_name="workspaces")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE workspaces DROP COLUMN slug")  # native since SQLite 3.35: no table copy
    else:
        op.drop_column("workspaces", "slug")
