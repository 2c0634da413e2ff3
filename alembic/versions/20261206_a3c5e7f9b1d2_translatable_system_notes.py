"""Notes the system writes, kept translatable (#23 §1): an offline scan's note, why an order that bought
nothing was refunded (orders.flagged_reason) and a refund's system-written reason get their sentence
(the catalogs' English id) and its values beside the English text, so each reader reads them in their
own language. Rows written before keep their English text (the new columns NULL); a reason a person
typed stays as typed (NULL too).

Revision ID: a3c5e7f9b1d2
Revises: d8f3a6c1e925
Create Date: 2026-12-06 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a3c5e7f9b1d2"
down_revision: str | None = "d8f3a6c1e925"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offline_scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_template", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column("note_values", sa.JSON(), nullable=True))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged_template", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column("flagged_values", sa.JSON(), nullable=True))
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_template", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column("reason_values", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("reason_values")
        batch_op.drop_column("reason_template")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("flagged_values")
        batch_op.drop_column("flagged_template")
    with op.batch_alter_table("offline_scans", schema=None) as batch_op:
        batch_op.drop_column("note_values")
        batch_op.drop_column("note_template")
