"""One open hold per buyer and event: a unique index over the orders that hold seats

Revision ID: 7c1e5a2b9d40
Revises: e2a9c7b15d48
Create Date: 2026-12-06 00:30:00.000000

A database that already has a buyer holding several orders for one event (what the index now
forbids) gets them closed first, the newest kept: each older one is cancelled and its held seats go
back to its tiers, exactly what the hold's expiry would do a few minutes later (a payment that still
arrives for one is handled as any late payment: tickets if seats are free, else refunded).
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "7c1e5a2b9d40"
down_revision: str | None = "e2a9c7b15d48"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

orders = sa.table(
    "orders",
    sa.column("id", sa.String),
    sa.column("buyer_id", sa.String),
    sa.column("event_id", sa.String),
    sa.column("status", sa.String),
    sa.column("holds_active", sa.Boolean),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
order_items = sa.table(
    "order_items", sa.column("order_id", sa.String), sa.column("tier_id", sa.String), sa.column("quantity", sa.Integer)
)
ticket_tiers = sa.table("ticket_tiers", sa.column("id", sa.String), sa.column("held", sa.Integer))


def _close_extra_holds(connection: sa.Connection) -> None:
    holding = connection.execute(
        sa.select(orders.c.id, orders.c.buyer_id, orders.c.event_id)
        .where(orders.c.holds_active.is_(True))
        .order_by(orders.c.created_at.desc(), orders.c.id.desc())
    ).all()
    kept: set[tuple[str, str]] = set()
    now = datetime.now(UTC)
    for order in holding:
        if (order.buyer_id, order.event_id) not in kept:
            kept.add((order.buyer_id, order.event_id))
            continue
        connection.execute(
            orders.update()
            .where(orders.c.id == order.id)
            .values(status="cancelled", holds_active=False, updated_at=now)
        )
        for item in connection.execute(sa.select(order_items).where(order_items.c.order_id == order.id)).all():
            connection.execute(
                ticket_tiers.update()
                .where(ticket_tiers.c.id == item.tier_id, ticket_tiers.c.held >= item.quantity)
                .values(held=ticket_tiers.c.held - item.quantity)
            )


def upgrade() -> None:
    _close_extra_holds(op.get_bind())
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "uq_orders_open_hold",
            ["buyer_id", "event_id"],
            unique=True,
            sqlite_where=sa.text("holds_active"),
            postgresql_where=sa.text("holds_active"),
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_orders_open_hold", sqlite_where=sa.text("holds_active"), postgresql_where=sa.text("holds_active")
        )
