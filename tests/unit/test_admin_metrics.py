"""The dashboard's figures equal direct SQL counts over a seeded data set spread over 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import Order, OrderItem, Ticket, TicketTier, User
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.admin import admin_metrics
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform.errors import PermissionDenied
from eventpalour.services.workspaces import blue_tickets, kyc
from tests.factories import (
    approve_kyc,
    blue_ticket_input,
    kyc_input,
    make_admin,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)

AGES_IN_DAYS = [0.1, 0.5, 1.5, 3, 6.5, 8, 10, 13.9, 20, 29, 45]
ORDERS = [  # (status, currency, amount, platform fee, days ago, tickets issued, tickets refunded)
    ("completed", "KES", 100_000, 5_000, 0.2, 2, 0),
    ("completed", "KES", 50_000, 2_500, 2, 1, 0),
    ("partially_refunded", "KES", 60_000, 3_000, 9, 2, 1),
    ("completed", "USD", 4_000, 200, 3, 1, 0),
    ("completed", "USD", 2_000, 100, 12, 1, 0),
    ("refunded", "KES", 30_000, 1_500, 1, 1, 1),
    ("failed", "KES", 20_000, 1_000, 4, 0, 0),
    ("failed", "NGN", 500_000, 25_000, 10, 0, 0),
    ("completed", "KES", 0, 0, 5, 3, 0),  # free registration
    ("pending", "KES", 10_000, 500, 0.05, 0, 0),
]


def _age_users(users: list) -> None:
    now = utcnow()
    with transaction() as session:
        for made, days in zip(users, AGES_IN_DAYS, strict=False):
            session.get(User, made.id).created_at = now - timedelta(days=days)


def _seed_orders(buyer_id: str, event, tier_id: str) -> None:
    now = utcnow()
    with transaction() as session:
        for status, currency, amount, fee, days, issued, refunded in ORDERS:
            at = now - timedelta(days=days)
            paid = status in ("completed", "partially_refunded", "refunded")
            order = Order(
                reference=f"EVT-{new_id(10)}",
                buyer_id=buyer_id,
                event_id=event.id,
                workspace_id=event.workspace_id,
                status=status,
                currency=currency,
                subtotal=amount,
                platform_fee=fee,
                amount=amount,
                fee_mode="absorb",
                created_at=at,
                paid_at=at if paid else None,
                provider_fee=0 if paid else None,
                organizer_share=amount - fee if paid else None,
            )
            session.add(order)
            session.flush()
            item = OrderItem(order_id=order.id, tier_id=tier_id, tier_name="General", quantity=issued, unit_price=0)
            session.add(item)
            session.flush()
            for n in range(issued):
                session.add(
                    Ticket(
                        short_code=new_id(8).upper(),
                        order_id=order.id,
                        order_item_id=item.id,
                        event_id=event.id,
                        tier_id=tier_id,
                        holder_id=buyer_id,
                        status="refunded" if n < refunded else "valid",
                        created_at=at,
                    )
                )


def _scalar(sql: str, **params) -> int:
    with read_only() as session:
        return int(session.execute(text(sql), params).scalar_one() or 0)


@pytest.fixture
def seeded():
    organizers = [make_organizer(full_name=f"Organizer {n}") for n in range(3)]
    attendees = [make_user(full_name=f"Attendee {n}") for n in range(5)]
    admin = make_admin("moderator")
    workspaces = [make_workspace(o, name=f"Team {n}") for n, o in enumerate(organizers)]
    approve_kyc(workspaces[0].id)
    second = make_workspace(organizers[0], name="Team 0 again")  # same owner: one KYC-approved organizer
    approve_kyc(second.id)
    kyc.submit_kyc(actor=organizers[1].summary, workspace_id=workspaces[1].id, data=kyc_input(organizers[1]))
    blue_tickets.request_verification(
        actor=organizers[2].summary, workspace_id=workspaces[2].id, data=blue_ticket_input()
    )
    event = make_event(organizers[0], workspaces[0].id, publish=True)
    make_event(organizers[0], workspaces[0].id)  # a draft
    make_event(organizers[1], workspaces[1].id, tiers=[TierInput(name="Door", price=0, quantity=5)], publish=True)
    with read_only() as session:
        tier_id = session.exec(select(TicketTier.id).where(TicketTier.event_id == event.id)).first()
    _seed_orders(attendees[0].id, event, tier_id)
    _age_users([*attendees, *organizers, admin])
    return admin


def test_dashboard_metrics_equal_direct_counts(seeded):
    metrics = admin_metrics.dashboard_metrics(actor=seeded.summary)
    now = utcnow()
    day, week = now - timedelta(days=1), now - timedelta(days=7)

    def users_between(start, end) -> int:
        rows = _rows("SELECT created_at FROM users")
        return sum(1 for (at,) in rows if start <= at < end)

    assert metrics.users_total == _scalar("SELECT count(*) FROM users") == 9
    assert metrics.users_day.current == users_between(day, now)
    assert metrics.users_day.previous == users_between(now - timedelta(days=2), day)
    assert metrics.users_week.current == users_between(week, now)
    assert metrics.users_week.previous == users_between(now - timedelta(days=14), week)
    assert metrics.organizers == _scalar("SELECT count(*) FROM users WHERE account_type = 'organizer'") == 3
    assert (
        metrics.kyc_approved_organizers
        == _scalar("SELECT count(DISTINCT owner_id) FROM workspaces WHERE kyc_status = 'approved'")
        == 1
    )
    assert metrics.events_total == _scalar("SELECT count(*) FROM events") == 3
    assert metrics.events_active == _scalar("SELECT count(*) FROM events WHERE status = 'active'") == 2
    sold = "transferred_from_id IS NULL AND status NOT IN ('refunded', 'cancelled')"
    assert metrics.tickets_sold == _scalar(f"SELECT count(*) FROM tickets WHERE {sold}") == 9
    tickets = _rows(f"SELECT created_at FROM tickets WHERE {sold}")
    assert metrics.tickets_week.current == sum(1 for (at,) in tickets if week <= at < now) == 7
    assert metrics.tickets_week.previous == sum(1 for (at,) in tickets if now - timedelta(days=14) <= at < week) == 2
    assert metrics.failed_payments == _scalar("SELECT count(*) FROM orders WHERE status = 'failed'") == 2
    assert metrics.failed_week == admin_metrics.Change(1, 1)
    assert metrics.pending_kyc == _scalar("SELECT count(*) FROM workspaces WHERE kyc_status = 'pending'") == 1
    assert (
        metrics.pending_blue_tickets
        == _scalar("SELECT count(*) FROM blue_ticket_requests WHERE status = 'pending'")
        == 1
    )

    revenue = {r.currency: r for r in metrics.revenue}
    # Sales, as every money screen counts them: a fully refunded order was sold, then refunded.
    paid = "status IN ('completed', 'partially_refunded', 'refunded') AND paid_at IS NOT NULL"
    for currency in ("KES", "USD"):
        assert revenue[currency].gross == _scalar(
            f"SELECT sum(amount) FROM orders WHERE {paid} AND currency = :c", c=currency
        )
        assert revenue[currency].platform_fee == _scalar(
            f"SELECT sum(platform_fee) FROM orders WHERE {paid} AND currency = :c", c=currency
        )
    assert set(revenue) == {"KES", "USD"}
    assert revenue["KES"].gross == 240_000 and revenue["KES"].gross_week == admin_metrics.Change(180_000, 60_000)
    assert revenue["USD"].fee_week == admin_metrics.Change(200, 100)
    assert revenue["KES"].gross_week.percent == 200

    assert len(metrics.days) == admin_metrics.CHART_DAYS and metrics.days[-1].day == now.date()
    assert sum(d.signups for d in metrics.days) == users_between(
        datetime.combine(metrics.days[0].day, datetime.min.time(), UTC), now + timedelta(seconds=1)
    )
    assert sum(d.tickets for d in metrics.days) == metrics.tickets_sold
    assert sum(d.platform_fee.get("KES", 0) for d in metrics.days) == revenue["KES"].platform_fee


def _rows(sql: str) -> list:
    from eventpalour.models.types import UTCDateTime

    with read_only() as session:
        dialect = session.get_bind().dialect
        convert = UTCDateTime().process_result_value
        return [
            (convert(at if not isinstance(at, str) else datetime.fromisoformat(at), dialect),)
            for (at,) in session.execute(text(sql)).all()
        ]


def test_dashboard_metrics_need_an_admin():
    with pytest.raises(PermissionDenied):
        admin_metrics.dashboard_metrics(actor=make_user().summary)


def test_change_percent():
    assert admin_metrics.Change(5, 0).percent is None
    assert admin_metrics.Change(3, 4).percent == -25
