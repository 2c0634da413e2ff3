"""The language each account picked (English, Kiswahili or French), remembered across browsers

Revision ID: c4e8a1f05b37
Revises: b3c5e7a9d1f2
Create Date: 2026-12-06 09:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c4e8a1f05b37"
down_revision: str | None = "b3c5e7a9d1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place (no batch rebuild): a nullable column needs none on SQLite.
    op.add_column("users", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "language")
