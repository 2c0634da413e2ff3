"""The workspace analytics page's answer time for a workspace with 200 events and 500,000 tickets
(issue #22 §1; target: p95 <= 300 ms).

Usage:
    python bench/analytics.py --scale 0.05                      # 1/20 size, SQLite in a temp folder
    python bench/analytics.py --database postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench

The data is generated straight into the tables with bulk inserts: the events (devdata.bulk_events),
a year of daily rollups as settling would have left them (sales per day and channel, tickets per
tier, views per referrer and campaign with their sums per event and per workspace, checkouts started,
buyers per country and city), and the raw
orders and tickets behind them
(one order per two tickets, some checked in), which the page reads only for the door counts of its
top events. Then it times `finance.workspace_analytics` (what the page's load runs) over the last 30
and 90 days, all events and one, and the events table's CSV, printing p50/p95 per query.

The service is called in process: an engineering number for the queries. The product's figure, the
page through its websocket and the CSVs over HTTP, is bench/analytics_page.py's (same data).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Table, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EVENTS = 200
TICKETS = 500_000
DAYS = 365
CHANNELS = ("card", "mobile_money", "bank", "ussd")
REFERRERS = ("", "facebook.com", "t.co", "instagram.com", "google.com")
CAMPAIGNS = ("", "launch", "early-bird")
# Where buyers paid from (country, city), with the share of a day's orders each gets; "" unknown.
PLACES = (
    (("KE", "Nairobi"), 4),
    (("KE", "Mombasa"), 1),
    (("KE", ""), 2),
    (("UG", ""), 1),
    (("NG", "Lagos"), 1),
    (("", ""), 1),
)
PRICE = 150_000  # KES 1,500.00 a ticket
CHUNK = 5_000


def _insert(table: Table, rows: list[dict]) -> None:

    from eventpalour.db import transaction

    for start in range(0, len(rows), CHUNK):
        with transaction() as session:
            session.execute(insert(table), rows[start : start + CHUNK])


def generate(events: int, tickets: int, rng: random.Random) -> tuple[str, str, list[str]]:
    """The workspace (with its owner as a member), its events, rollups and raw rows. Returns the
    workspace id, the owner's id and the event ids."""
    from sqlmodel import select

    from eventpalour.db import read_only, transaction
    from eventpalour.devdata import bulk_events
    from eventpalour.models import (
        BuyerPlaceDay,
        CheckoutDay,
        Event,
        Order,
        OrderItem,
        SalesDay,
        SalesEventDay,
        Ticket,
        TicketTier,
        TierDay,
        ViewDay,
        ViewEventDay,
        ViewSourceDay,
        Workspace,
        WorkspaceMember,
        WorkspacePlaceDay,
        WorkspaceRole,
        WorkspaceSalesDay,
    )
    from eventpalour.models.types import new_id, utcnow
    from eventpalour.services.sales import platform_fee_of

    workspace_id = bulk_events(events)
    with transaction() as session:
        owner_id = session.get(Workspace, workspace_id).owner_id
        session.add(WorkspaceMember(workspace_id=workspace_id, user_id=owner_id, role=WorkspaceRole.OWNER))
    with read_only() as session:
        pairs = session.exec(
            select(Event.id, TicketTier.id)
            .join(TicketTier, TicketTier.event_id == Event.id)
            .where(Event.workspace_id == workspace_id)
        ).all()
    today = utcnow().date()
    per_event = tickets // events
    sales, tiers, views, checkouts, places, orders, raw = [], [], [], [], [], [], []
    buyers = [owner_id]  # raw orders need a buyer row; the owner stands in for the crowd
    for event_id, tier_id in pairs:
        left = per_event
        days = sorted(rng.sample(range(DAYS), 90))  # each event sells on 90 days of the year
        for n, ago in enumerate(days):
            day = today - timedelta(days=ago)
            sold = left if n == len(days) - 1 else min(left, rng.randint(0, 2 * per_event // len(days)))
            left -= sold
            by_channel = [sold // len(CHANNELS)] * len(CHANNELS)
            by_channel[0] += sold - sum(by_channel)
            for channel, count in zip(CHANNELS, by_channel, strict=True):
                orders_n = (count + 1) // 2
                gross = count * PRICE
                fee = platform_fee_of(gross)
                provider = gross * 15 // 1000
                sales.append(
                    {
                        "event_id": event_id,
                        "day": day,
                        "currency": "KES",
                        "channel": channel,
                        "workspace_id": workspace_id,
                        "paid_orders": orders_n,
                        "gross": gross,
                        "platform_fees": fee,
                        "provider_fees": provider,
                        "organizer_share": gross - fee - provider,
                        "discounts": 0,
                        "refunds": PRICE if count > 20 else 0,
                        "tickets_issued": count,
                        "tickets_voided": 1 if count > 20 else 0,
                        "new_buyers": orders_n * 3 // 4,
                        "returning_buyers": orders_n - orders_n * 3 // 4,
                    }
                )
            tiers.append(
                {
                    "tier_id": tier_id,
                    "day": day,
                    "event_id": event_id,
                    "workspace_id": workspace_id,
                    "tickets_issued": sold,
                    "tickets_voided": 0,
                }
            )
            checkouts.append(
                {"event_id": event_id, "day": day, "workspace_id": workspace_id, "checkouts_started": sold // 2 + 5}
            )
            shares = sum(share for _, share in PLACES)
            for (country, city), share in PLACES:
                places.append(
                    {
                        "event_id": event_id,
                        "day": day,
                        "country": country,
                        "city": city,
                        "workspace_id": workspace_id,
                        "paid_orders": (sold + 1) // 2 * share // shares,
                        "tickets_issued": sold * share // shares,
                    }
                )
            for referrer in REFERRERS:
                for campaign in CAMPAIGNS:
                    views.append(
                        {
                            "event_id": event_id,
                            "day": day,
                            "referrer_host": referrer,
                            "campaign": campaign,
                            "workspace_id": workspace_id,
                            "views": rng.randint(0, 40),
                        }
                    )
        now = utcnow()
        for pair in range(0, per_event, 2):
            order_id = new_id()
            orders.append(
                {
                    "id": order_id,
                    "reference": f"BENCH-{order_id}",
                    "buyer_id": rng.choice(buyers),
                    "event_id": event_id,
                    "workspace_id": workspace_id,
                    "status": "completed",
                    "currency": "KES",
                    "subtotal": 2 * PRICE,
                    "platform_fee": 0,
                    "amount": 2 * PRICE,
                    "refunded_amount": 0,
                    "fee_mode": "absorb",
                    "holds_active": False,
                    "discount_amount": 0,
                    "payment_channel": "card",
                    "buyer_country": "KE",
                    "created_at": now,
                    "paid_at": now,
                    "updated_at": now,
                }
            )
            item_id = new_id()
            item = {"id": item_id, "order_id": order_id, "tier_id": tier_id, "tier_name": "General"}
            raw.append(("item", {**item, "quantity": 2, "unit_price": PRICE}))
            for seat in range(min(2, per_event - pair)):
                raw.append(
                    (
                        "ticket",
                        {
                            "id": new_id(),
                            "short_code": new_id(8).upper(),
                            "order_id": order_id,
                            "order_item_id": item_id,
                            "event_id": event_id,
                            "tier_id": tier_id,
                            "holder_id": owner_id,
                            "seat": seat,
                            "status": "used" if rng.random() < 0.4 else "valid",
                            "secret_version": 1,
                            "created_at": now,
                        },
                    )
                )
    _insert(TierDay.__table__, tiers)
    _insert(SalesDay.__table__, sales)
    _insert(ViewDay.__table__, views)
    _insert(BuyerPlaceDay.__table__, places)
    # The sums the fold keeps beside the sales, view and place rows (services/finance/rollups.py DAY_SUMS).
    sales_counters = tuple(
        name for name in sales[0] if name not in ("event_id", "day", "currency", "channel", "workspace_id")
    )
    for table, rows, kept, counters in (
        (SalesEventDay, sales, ("event_id", "day", "currency"), sales_counters),
        (WorkspaceSalesDay, sales, ("day", "currency", "channel"), sales_counters),
        (ViewEventDay, views, ("event_id", "day"), ("views",)),
        (ViewSourceDay, views, ("day", "referrer_host", "campaign"), ("views",)),
        (WorkspacePlaceDay, places, ("day", "country", "city"), ("paid_orders", "tickets_issued")),
    ):
        sums: dict[tuple, list[int]] = {}
        for row in rows:
            into = sums.setdefault(tuple(row[name] for name in kept), [0] * len(counters))
            for i, name in enumerate(counters):
                into[i] += row[name]
        _insert(
            table.__table__,
            [
                {
                    **dict(zip(kept, key, strict=True)),
                    **dict(zip(counters, n, strict=True)),
                    "workspace_id": workspace_id,
                }
                for key, n in sums.items()
            ],
        )
    _insert(CheckoutDay.__table__, checkouts)
    _insert(Order.__table__, orders)
    _insert(OrderItem.__table__, [row for kind, row in raw if kind == "item"])
    _insert(Ticket.__table__, [row for kind, row in raw if kind == "ticket"])
    print(
        f"generated: {events} events, {len(sales)} sales rollup rows, {len(views)} view rows, "
        f"{len(orders)} raw orders, {sum(1 for kind, _ in raw if kind == 'ticket')} raw tickets"
    )
    return workspace_id, owner_id, [event_id for event_id, _ in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 200 events and 500,000 tickets")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database

    from eventpalour.db import get_engine, reset_engine
    from eventpalour.services import finance
    from eventpalour.services.identity import UserSummary
    from tests.dbsetup import migrate_fresh

    reset_engine()
    migrate_fresh(args.database, durable=True)
    events = max(2, round(EVENTS * args.scale))
    tickets = max(events * 2, round(TICKETS * args.scale))
    started = time.perf_counter()
    workspace_id, owner_id, event_ids = generate(events, tickets, random.Random(7))
    print(f"generation took {time.perf_counter() - started:.1f} s")
    if get_engine().dialect.name == "postgresql":
        from sqlalchemy import text

        with get_engine().begin() as connection:
            connection.execute(text("ANALYZE"))
    actor = UserSummary(
        id=owner_id,
        email="bench@eventpalour.test",
        username="bench",
        full_name="Bench",
        avatar_url=None,
        account_type="organizer",
        is_verified=True,
        admin_level=None,
    )
    queries = {
        "30 days": finance.analytics_window("30"),
        "90 days": finance.analytics_window("90"),
        "365 days": finance.analytics_window("custom", *_year()),
        "one event": finance.analytics_window("90", event_id=event_ids[0]),
    }
    print(f"database: {get_engine().dialect.name}  events: {events}  tickets: {tickets}  repeat: {args.repeat}")
    print(f"{'query':<16} {'p50 ms':>8} {'p95 ms':>8} {'events shown':>13}")

    def call(window: finance.AnalyticsWindow) -> finance.WorkspaceAnalytics:
        return finance.workspace_analytics(actor=actor, workspace_id=workspace_id, window=window)

    for name, window in queries.items():
        shown = len(call(window).top_events)  # also warms the connection pool
        _time(name, lambda w=window: call(w), args.repeat, shown)
    csv_window = queries["90 days"]
    _time(
        "events CSV",
        lambda: finance.analytics_table_csv(actor=actor, workspace_id=workspace_id, window=csv_window, table="events"),
        args.repeat,
        len(call(csv_window).top_events),
    )


def _year() -> tuple[str, str]:
    from eventpalour.models.types import utcnow

    today = utcnow().date()
    return (today - timedelta(days=364)).isoformat(), today.isoformat()


def _time(name: str, run: Callable[[], object], repeat: int, shown: int) -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    print(f"{name:<16} {statistics.median(timings):>8.2f} {p95:>8.2f} {shown:>13}")


if __name__ == "__main__":
    main()
