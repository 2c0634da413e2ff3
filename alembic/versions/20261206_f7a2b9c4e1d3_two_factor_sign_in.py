"""Two-factor sign-in (TOTP): authenticator credentials, recovery codes, sessions and grants that passed it

Revision ID: f7a2b9c4e1d3
Revises: 9c4a2e7f1b63
Create Date: 2026-12-06 06:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "f7a2b9c4e1d3"
down_revision: str | None = "9c4a2e7f1b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "two_factor_credentials",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("secret_sealed", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("enabled_at", UTCDateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", name="uq_two_factor_credentials_user"),
    )
    op.create_table(
        "two_factor_recovery_codes",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_two_factor_recovery_codes_user_id"), "two_factor_recovery_codes", ["user_id"], unique=False
    )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("two_factor_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("sign_in_grants") as batch:
        batch.add_column(sa.Column("two_factor", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("trust_browser", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("sign_in_grants") as batch:
        batch.drop_column("trust_browser")
        batch.drop_column("two_factor")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("two_factor_at")
    op.drop_index(op.f("ix_two_factor_recovery_codes_user_id"), table_name="two_factor_recovery_codes")
    op.drop_table("two_factor_recovery_codes")
    op.drop_table("two_factor_credentials")
