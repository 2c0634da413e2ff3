"""Analytics rollups: daily sales, tier, view and checkout counters; orders keep their payment channel (#22 §1)

Revision ID: e8b4d2a6c193
Revises: 4e8b1c7d2a96
Create Date: 2026-12-06 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e8b4d2a6c193"
down_revision: str | None = "4e8b1c7d2a96"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sqlmodel.sql.sqltypes.AutoString(length=16)


def _counters(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _owners() -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(
            sa.Column("payment_channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default="")
        )
    op.create_table(
        "analytics_sales_days",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        *_counters(
            "paid_orders",
            "gross",
            "platform_fees",
            "provider_fees",
            "organizer_share",
            "discounts",
            "refunds",
            "tickets_issued",
            "tickets_voided",
            "new_buyers",
            "returning_buyers",
        ),
        *_owners(),
        sa.PrimaryKeyConstraint("event_id", "day", "currency", "channel", name="pk_analytics_sales_days"),
    )
    op.create_index("ix_analytics_sales_days_workspace_day", "analytics_sales_days", ["workspace_id", "day"])
    op.create_table(
        "analytics_tier_days",
        sa.Column("tier_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        *_counters("tickets_issued", "tickets_voided"),
        sa.ForeignKeyConstraint(["tier_id"], ["ticket_tiers.id"], ondelete="CASCADE"),
        *_owners(),
        sa.PrimaryKeyConstraint("tier_id", "day", name="pk_analytics_tier_days"),
    )
    op.create_index("ix_analytics_tier_days_workspace_day", "analytics_tier_days", ["workspace_id", "day"])
    op.create_table(
        "analytics_view_days",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("referrer_host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("campaign", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        *_counters("views"),
        *_owners(),
        sa.PrimaryKeyConstraint("event_id", "day", "referrer_host", "campaign", name="pk_analytics_view_days"),
    )
    op.create_index("ix_analytics_view_days_workspace_day", "analytics_view_days", ["workspace_id", "day"])
    op.create_table(
        "analytics_checkout_days",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        *_counters("checkouts_started"),
        *_owners(),
        sa.PrimaryKeyConstraint("event_id", "day", name="pk_analytics_checkout_days"),
    )
    op.create_index("ix_analytics_checkout_days_workspace_day", "analytics_checkout_days", ["workspace_id", "day"])
    # The rollups of sales made before this revision: `python -m eventpalour.services.finance.rollups`
    # (rebuild_rollups) recomputes them from the orders, refunds and tickets.


def downgrade() -> None:
    for table in ("analytics_checkout_days", "analytics_view_days", "analytics_tier_days", "analytics_sales_days"):
        op.drop_index(f"ix_{table}_workspace_day", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("payment_channel")
