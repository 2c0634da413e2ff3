"""Users record the policies' version they agreed to and when: users.terms_version, users.terms_accepted_at

Revision ID: a3f0d7c2e915
Revises: 3d8b6f1c2a57
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import eventpalour.models.types

revision: str = "a3f0d7c2e915"
down_revision: str | None = "3d8b6f1c2a57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: both databases add and drop a column in place (SQLite since
# 3.35), while batch mode would rebuild `users`, which on SQLite cannot be dropped while other
# tables' foreign keys point at it.
def upgrade() -> None:
    op.add_column("users", sa.Column("terms_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.add_column("users", sa.Column("terms_accepted_at", eventpalour.models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "terms_accepted_at")
    op.drop_column("users", "terms_version")
