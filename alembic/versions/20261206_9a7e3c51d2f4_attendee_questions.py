"""Attendee questions: an event's questions, the answers of orders and tickets, names per ticket (#19 §3)

Revision ID: 9a7e3c51d2f4
Revises: f7a3c1e9b254
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "9a7e3c51d2f4"
down_revision: str | None = "f7a3c1e9b254"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'short_text', 'long_text', 'number', 'single_choice', 'multiple_choice', 'yes_no', 'email', 'phone', 'country'"


def upgrade() -> None:
    op.create_table(
        "event_questions",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("per_ticket", sa.Boolean(), nullable=False),
        sa.Column("all_tiers", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="ck_event_questions_kind"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_questions_event_id", "event_questions", ["event_id"], unique=False)
    op.create_table(
        "event_question_tiers",
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tier_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["event_questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tier_id"], ["ticket_tiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("question_id", "tier_id"),
    )
    op.create_table(
        "order_answers",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("order_item_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_item_id"], ["order_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["event_questions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_answers_order_id", "order_answers", ["order_id"], unique=False)
    op.create_index("ix_order_answers_question_id", "order_answers", ["question_id"], unique=False)
    op.create_index("ix_order_answers_item_seat", "order_answers", ["order_item_id", "seat"], unique=False)
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendee_names", sa.JSON(), nullable=True))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seat", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("attendee_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("attendee_name")
        batch_op.drop_column("seat")
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_column("attendee_names")
    op.drop_index("ix_order_answers_item_seat", table_name="order_answers")
    op.drop_index("ix_order_answers_question_id", table_name="order_answers")
    op.drop_index("ix_order_answers_order_id", table_name="order_answers")
    op.drop_table("order_answers")
    op.drop_table("event_question_tiers")
    op.drop_index("ix_event_questions_event_id", table_name="event_questions")
    op.drop_table("event_questions")
