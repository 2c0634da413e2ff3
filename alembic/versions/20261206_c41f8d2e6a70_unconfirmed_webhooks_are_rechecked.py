"""Webhooks Paystack could not confirm are re-checked by housekeeping: when last tried, and a partial index

Revision ID: c41f8d2e6a70
Revises: b7e2c4a91f3d
Create Date: 2026-12-06 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "c41f8d2e6a70"
down_revision: str | None = "b7e2c4a91f3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNCONFIRMED = sa.text("outcome = 'unconfirmed'")


def upgrade() -> None:
    with op.batch_alter_table("payment_webhooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rechecked_at", UTCDateTime(), nullable=True))
    op.create_index(
        "ix_payment_webhooks_unconfirmed",
        "payment_webhooks",
        ["reference"],
        unique=False,
        sqlite_where=UNCONFIRMED,
        postgresql_where=UNCONFIRMED,
    )


def downgrade() -> None:
    op.drop_index("ix_payment_webhooks_unconfirmed", table_name="payment_webhooks")
    with op.batch_alter_table("payment_webhooks", schema=None) as batch_op:
        batch_op.drop_column("rechecked_at")
