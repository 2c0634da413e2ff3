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


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column("terms_accepted_at", eventpalour.models.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("terms_accepted_at")
        batch_op.drop_column("terms_version")
