"""KYC names the holder's tax identifier (KRA PIN, TIN, income tax number) and country, whether it
is for a person or a company, and a company's registration number (#20)

Revision ID: 4d9b1e7a2c58
Revises: 7c1e5a2b9d40
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "4d9b1e7a2c58"
down_revision: str | None = "7c1e5a2b9d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kyc_submissions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "holder_type",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="individual",
            )
        )
        batch_op.add_column(sa.Column("tax_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
        batch_op.add_column(sa.Column("tax_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("business_registration_number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("kyc_submissions", schema=None) as batch_op:
        batch_op.drop_column("business_registration_number")
        batch_op.drop_column("tax_id")
        batch_op.drop_column("tax_country")
        batch_op.drop_column("holder_type")
