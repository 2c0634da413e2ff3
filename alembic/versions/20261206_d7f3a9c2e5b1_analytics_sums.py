"""Sums of the analytics day rows: sales and views per event and day, sales, views and buyer places
per workspace and day; the analytics page reads these instead of every day row (#22 §1, the page at
scale)

Revision ID: d7f3a9c2e5b1
Revises: c4e8a1f05b37
Create Date: 2026-12-06 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d7f3a9c2e5b1"
down_revision: str | None = "c4e8a1f05b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sqlmodel.sql.sqltypes.AutoString(length=16)
SALES_COUNTERS = (
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
)


def upgrade() -> None:
    op.create_table(
        "analytics_view_event_days",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "day", name="pk_analytics_view_event_days"),
    )
    op.create_index("ix_analytics_view_event_days_workspace_day", "analytics_view_event_days", ["workspace_id", "day"])
    op.create_table(
        "analytics_view_source_days",
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("referrer_host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("campaign", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(
            "workspace_id", "day", "referrer_host", "campaign", name="pk_analytics_view_source_days"
        ),
    )
    op.create_table(
        "analytics_workspace_place_days",
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("paid_orders", sa.Integer(), nullable=False),
        sa.Column("tickets_issued", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "day", "country", "city", name="pk_analytics_workspace_place_days"),
    )
    op.execute(
        "INSERT INTO analytics_workspace_place_days (workspace_id, day, country, city, paid_orders, tickets_issued)"
        " SELECT workspace_id, day, country, city, SUM(paid_orders), SUM(tickets_issued)"
        " FROM analytics_buyer_place_days GROUP BY workspace_id, day, country, city"
    )
    op.create_table(
        "analytics_sales_event_days",
        *[sa.Column(name, sa.Integer(), nullable=False) for name in SALES_COUNTERS],
        sa.Column("event_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "day", "currency", name="pk_analytics_sales_event_days"),
    )
    op.create_index(
        "ix_analytics_sales_event_days_workspace_day", "analytics_sales_event_days", ["workspace_id", "day"]
    )
    op.create_table(
        "analytics_workspace_sales_days",
        *[sa.Column(name, sa.Integer(), nullable=False) for name in SALES_COUNTERS],
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "day", "currency", "channel", name="pk_analytics_workspace_sales_days"),
    )
    sums = ", ".join(f"SUM({name})" for name in SALES_COUNTERS)
    counters = ", ".join(SALES_COUNTERS)
    for table, keys in (
        ("analytics_sales_event_days", "event_id, day, currency, workspace_id"),
        ("analytics_workspace_sales_days", "workspace_id, day, currency, channel"),
    ):
        op.execute(
            f"INSERT INTO {table} ({keys}, {counters}) SELECT {keys}, {sums} FROM analytics_sales_days GROUP BY {keys}"
        )
    # The views folded so far; deltas still pending are folded into all three tables later.
    op.execute(
        "INSERT INTO analytics_view_event_days (event_id, day, workspace_id, views)"
        " SELECT event_id, day, workspace_id, SUM(views) FROM analytics_view_days"
        " GROUP BY event_id, day, workspace_id"
    )
    op.execute(
        "INSERT INTO analytics_view_source_days (workspace_id, day, referrer_host, campaign, views)"
        " SELECT workspace_id, day, referrer_host, campaign, SUM(views) FROM analytics_view_days"
        " GROUP BY workspace_id, day, referrer_host, campaign"
    )


def downgrade() -> None:
    op.drop_table("analytics_workspace_sales_days")
    op.drop_index("ix_analytics_sales_event_days_workspace_day", table_name="analytics_sales_event_days")
    op.drop_table("analytics_sales_event_days")
    op.drop_table("analytics_workspace_place_days")
    op.drop_table("analytics_view_source_days")
    op.drop_index("ix_analytics_view_event_days_workspace_day", table_name="analytics_view_event_days")
    op.drop_table("analytics_view_event_days")
