"""Outbox index for the worker's poll: read what is waiting, not every email ever sent

Revision ID: da5a99edd903
Revises: d380714205ae
Create Date: 2026-11-27 18:56:31.801259
"""

from collections.abc import Sequence

from alembic import op

revision: str = "da5a99edd903"
down_revision: str | None = "d380714205ae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_status_next_attempt", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt")
