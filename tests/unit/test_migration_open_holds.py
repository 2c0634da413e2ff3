"""Migration 7c1e5a2b9d40 (one open hold per buyer and event) on a database that already has a
buyer holding several orders for one event: the older ones are closed and their seats given back,
so the unique index can be made."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import MetaData, Table, insert
from sqlalchemy import select as select_core
from sqlmodel import col, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import Order, OrderItem, OrderStatus, TicketTier
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.sales import capacity, checkout
from tests.dbsetup import alembic_config
from tests.factories import make_paid_event, make_user

BEFORE = "e2a9c7b15d48"  # the revision before 7c1e5a2b9d40


def test_older_duplicate_holds_closed_and_their_seats_returned():
    event, (tier_id,) = make_paid_event([TierInput(name="Floor", price=100000)])
    hoarder, other = make_user(), make_user()
    older = checkout.book_ticket(actor=hoarder.summary, event_id=event.id, quantities={tier_id: 2})
    kept = checkout.book_ticket(actor=other.summary, event_id=event.id, quantities={tier_id: 1})
    config = alembic_config(settings.database_url)
    command.downgrade(config, BEFORE)
    try:
        # What the old code allowed: the same buyer's second open order, newer, for 3 more seats.
        # Written with the columns the table had at BEFORE (today's model has later ones), in the
        # model's own column types.
        with transaction() as session:
            connection = session.connection()
            there = Table("orders", MetaData(), autoload_with=connection).c
            orders = Table("orders", MetaData(), *[c._copy() for c in Order.__table__.c if c.name in there])
            items = OrderItem.__table__
            newer = dict(connection.execute(select_core(orders).where(orders.c.id == older.order_id)).one()._mapping)
            newer.update(id=new_id(), reference=checkout.new_reference(), created_at=utcnow() + timedelta(seconds=1))
            connection.execute(insert(orders).values(**newer))
            connection.execute(
                insert(items).values(
                    id=new_id(), order_id=newer["id"], tier_id=tier_id, tier_name="Floor", quantity=3, unit_price=1
                )
            )
            capacity.hold(connection, tier_id, 3)
    finally:
        command.upgrade(config, "head")

    with read_only() as session:
        statuses = dict(session.exec(select(Order.id, Order.status)).all())
        holding = set(session.exec(select(Order.id).where(col(Order.holds_active).is_(True))).all())
        held = session.get(TicketTier, tier_id).held
    assert statuses[older.order_id] == OrderStatus.CANCELLED
    assert holding == {newer["id"], kept.order_id}
    assert held == 3 + 1
