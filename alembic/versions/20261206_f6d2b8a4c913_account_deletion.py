"""Account deletion: users.deleted_at, and a purpose on emailed codes (verify the email, confirm a deletion)

Revision ID: f6d2b8a4c913
Revises: 5b9e3d7a1c24
Create Date: 2026-12-06 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import eventpalour.models.types

revision: str = "f6d2b8a4c913"
down_revision: str | None = "5b9e3d7a1c24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode (see a3f0d7c2e915): batch mode would rebuild `users`, which SQLite
# cannot drop while other tables' foreign keys point at it. Existing codes were all sign-up codes.
def upgrade() -> None:
    op.add_column("users", sa.Column("deleted_at", eventpalour.models.types.UTCDateTime(), nullable=True))
    op.add_column(
        "email_verification_codes",
        sa.Column(
            "purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="verify_email"
        ),
    )


def downgrade() -> None:
    op.drop_column("email_verification_codes", "purpose")
    op.drop_column("users", "deleted_at")
