"""Passkeys (WebAuthn): the credentials users register and the server-side, single-use challenges of
each registration or sign-in ceremony

Revision ID: 6b47d2817f36
Revises: b3d9e5a17c42
Create Date: 2026-12-06 09:00:19.288100
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "6b47d2817f36"
down_revision: str | None = "b3d9e5a17c42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passkeys",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("credential_id", sqlmodel.sql.sqltypes.AutoString(length=1400), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("transports", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
    )
    op.create_index(op.f("ix_passkeys_user_id"), "passkeys", ["user_id"], unique=False)
    op.create_table(
        "passkey_challenges",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("challenge", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_passkey_challenges_user_id"), "passkey_challenges", ["user_id"], unique=False)
    op.create_index(op.f("ix_passkey_challenges_expires_at"), "passkey_challenges", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_passkey_challenges_expires_at"), table_name="passkey_challenges")
    op.drop_index(op.f("ix_passkey_challenges_user_id"), table_name="passkey_challenges")
    op.drop_table("passkey_challenges")
    op.drop_index(op.f("ix_passkeys_user_id"), table_name="passkeys")
    op.drop_table("passkeys")
