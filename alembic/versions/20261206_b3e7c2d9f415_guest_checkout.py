"""Guest checkout: guest buyers are users rows marked `is_guest` (their own email index), events may
require accounts and ask guests their phone (#24 §1)

A guest buyer is a `users` row that can never sign in (`is_guest`): orders and tickets keep pointing
at users, so every sales rule (one open hold per buyer and event, one free registration per person, a
code's per-buyer limit) holds for guests unchanged, keyed by the guest's email. Accounts and guests
each keep their emails unique on their own (two partial unique indexes in place of `ix_users_email`),
so a guest's email may also be an account's until its orders are claimed into that account.

Revision ID: b3e7c2d9f415
Revises: b71d3e9a4c20
Create Date: 2026-12-06 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b3e7c2d9f415"
down_revision: str | None = "b71d3e9a4c20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNTS = sa.text("NOT is_guest")
GUESTS = sa.text("is_guest")


def upgrade() -> None:
    # Columns added in place (no batch rebuild): `events` keeps its search triggers on SQLite.
    op.add_column("users", sa.Column("is_guest", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.drop_index("ix_users_email", table_name="users")
    op.create_index("ix_users_email", "users", ["email"], unique=True, sqlite_where=ACCOUNTS, postgresql_where=ACCOUNTS)
    op.create_index(
        "uq_users_guest_email", "users", ["email"], unique=True, sqlite_where=GUESTS, postgresql_where=GUESTS
    )
    op.add_column("events", sa.Column("requires_account", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("events", sa.Column("asks_buyer_phone", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("events", "asks_buyer_phone")
    op.drop_column("events", "requires_account")
    # Without the flag a guest row would pass for an account (and its email could clash with one's):
    # their orders are the buyers' tickets, so they are never deleted here.
    guests = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE is_guest")).scalar_one()
    if guests:
        raise RuntimeError(f"{guests} guest buyers hold orders: this revision cannot be undone while they exist.")
    op.drop_index("uq_users_guest_email", table_name="users")
    op.drop_index("ix_users_email", table_name="users")
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.drop_column("users", "phone")
    op.drop_column("users", "is_guest")
