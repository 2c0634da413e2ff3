"""The analytics rollups (models/analytics.py), kept as the money moves (issue #22 §1).

Each change appends a delta (`RollupDelta`) in the transaction that makes it, so a rolled-back sale
counts nowhere, and `fold_rollups` adds the deltas to their day rows (one upsert per row, `INSERT …
ON CONFLICT DO UPDATE SET n = n + excluded.n`, the same on SQLite and PostgreSQL). Why not add to the
day row at once: every sale of an on-sale rush shares that row, and its lock, held to each sale's
COMMIT, queued the rush's sales one behind another (issue #18). An INSERT waits for nobody. The
worker folds every few seconds (worker.py `run_rollup_loop`) and every read folds first
(`fold_all_rollups`), so what is read is exact. The changes:

- a sale settles (`payments._settle`, `checkout._register_free`): `record_sale`;
- a refund of a sale is recorded (`refunds.queue_refund`): `record_refund`; it fails later
  (`paystack_refunds._failed`): `record_refund(..., undo=True)` on the day it was recorded;
- a free registration is cancelled (`refunds.cancel_free_order`): `take_back_sale` (money_figures
  no longer counts it a sale, nor its tickets sold);
- a checkout starts (an order is created, `checkout.book_ticket`): `record_checkout_started`;
- a person opens the event's public page (events/page_views.py): `record_page_view`.

The fold also adds sales, views and buyer places to their sums (`DAY_SUMS`: an event's sales and
views per day, the workspace's sales per currency and channel, views per referrer and campaign and
buyers per place, all events together), which the page reads for all events instead of every day
row; a deleted event's counts come off the workspace-wide sums (`forget_event_sums`).

`record_sale` also counts the sale under its buyer's country and city (`BuyerPlaceDay`, from the
order's `buyer_country`/`buyer_city` written at settle; "" when unknown, as for free registrations).

What counts is money_figures' definitions, bucketed as it buckets them (sales on the UTC day they
were paid, refunds on the day they were recorded), so the rollups summed over any span of days equal
`figures_by_currency` over it: `rebuild_rollups` recomputes them from the same conditions
(`sale_conditions`, `refund_conditions`, `SOLD_TICKET_CONDITIONS`), for a backfill and as the check
(tests/unit/test_analytics.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, Connection, Insert, Table, bindparam, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    BuyerPlaceDay,
    CheckoutDay,
    Event,
    Order,
    Refund,
    RollupDelta,
    SalesDay,
    SalesEventDay,
    Ticket,
    TicketStatus,
    TierDay,
    ViewDay,
    ViewEventDay,
    ViewSourceDay,
    WorkspacePlaceDay,
    WorkspaceSalesDay,
)
from eventpalour.services.finance.money_figures import (
    SOLD_TICKET_CONDITIONS,
    refund_conditions,
    sale_conditions,
)

SALES_DAYS: Table = SalesDay.__table__  # type: ignore[assignment]
TIER_DAYS: Table = TierDay.__table__  # type: ignore[assignment]
VIEW_DAYS: Table = ViewDay.__table__  # type: ignore[assignment]
CHECKOUT_DAYS: Table = CheckoutDay.__table__  # type: ignore[assignment]
PLACE_DAYS: Table = BuyerPlaceDay.__table__  # type: ignore[assignment]
VIEW_EVENT_DAYS: Table = ViewEventDay.__table__  # type: ignore[assignment]
VIEW_SOURCE_DAYS: Table = ViewSourceDay.__table__  # type: ignore[assignment]
WORKSPACE_PLACE_DAYS: Table = WorkspacePlaceDay.__table__  # type: ignore[assignment]
SALES_EVENT_DAYS: Table = SalesEventDay.__table__  # type: ignore[assignment]
WORKSPACE_SALES_DAYS: Table = WorkspaceSalesDay.__table__  # type: ignore[assignment]
DELTAS: Table = RollupDelta.__table__  # type: ignore[assignment]
SUM_TABLES = (SALES_EVENT_DAYS, WORKSPACE_SALES_DAYS, VIEW_EVENT_DAYS, VIEW_SOURCE_DAYS, WORKSPACE_PLACE_DAYS)
DAY_TABLES: dict[str, Table] = {
    table.name: table for table in (SALES_DAYS, TIER_DAYS, VIEW_DAYS, CHECKOUT_DAYS, PLACE_DAYS, *SUM_TABLES)
}
# Sums kept beside a day table (models/analytics.py), fewer rows for the page to read: each delta
# folded into a row of the day table is added to a row of each of its sums too, named by the day
# key's columns the sum keeps. {day table: {sum table: the key columns it keeps}}.
DAY_SUMS: dict[str, dict[str, tuple[str, ...]]] = {
    SALES_DAYS.name: {
        SALES_EVENT_DAYS.name: ("event_id", "day", "currency", "workspace_id"),
        WORKSPACE_SALES_DAYS.name: ("workspace_id", "day", "currency", "channel"),
    },
    VIEW_DAYS.name: {
        VIEW_EVENT_DAYS.name: ("event_id", "day", "workspace_id"),
        VIEW_SOURCE_DAYS.name: ("workspace_id", "day", "referrer_host", "campaign"),
    },
    PLACE_DAYS.name: {WORKSPACE_PLACE_DAYS.name: ("workspace_id", "day", "country", "city")},
}
FOLD_BATCH = 5000
ORDERS: Table = Order.__table__  # type: ignore[assignment]
TICKETS: Table = Ticket.__table__  # type: ignore[assignment]


def utc_day(moment: datetime) -> date:
    """The UTC day a moment falls on (money_figures buckets by it)."""
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


# Built once: a sale appends its deltas inside checkout's and settling's hot write batches.
_APPEND_DELTA = DELTAS.insert().inline()


def add_to_day(connection: Connection, table: Table, keys: Mapping[str, object], counts: Mapping[str, int]) -> None:
    """Count `counts` toward the row of `table` named by `keys` (its primary key and owners): a delta,
    appended in the caller's transaction, that `fold_rollups` adds to the row. `.inline()`: inside a
    `db.write_batch` nothing may wait for the generated id."""
    connection.execute(
        _APPEND_DELTA,
        {
            "rollup": table.name,
            "workspace_id": keys["workspace_id"],
            "event_id": keys["event_id"],
            "tier_id": keys.get("tier_id"),
            "keys": {name: value.isoformat() if isinstance(value, date) else value for name, value in keys.items()},
            "counts": dict(counts),
        },
    )


def fold_rollups(connection: Connection, limit: int = FOLD_BATCH) -> int:
    """Move up to `limit` of the oldest deltas into their day rows, in the caller's transaction;
    returns how many. Two folds at once never count a delta twice: each deletes what it folds, and
    the second waits for the first's rows. The rows are upserted in one order, so they cannot deadlock."""
    oldest = select(DELTAS.c.id).order_by(DELTAS.c.id).limit(limit).scalar_subquery()
    taken = connection.execute(
        delete(DELTAS).where(DELTAS.c.id.in_(oldest)).returning(DELTAS.c.rollup, DELTAS.c["keys"], DELTAS.c.counts)
    ).all()
    totals: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, int]] = {}

    def count(rollup: str, keys: Mapping[str, str], counts: Mapping[str, int]) -> None:
        into = totals.setdefault((rollup, tuple(sorted(keys.items()))), {})
        for name, n in counts.items():
            into[name] = into.get(name, 0) + int(n)

    for rollup, keys, counts in taken:
        count(rollup, keys, counts)
        for sums, kept in DAY_SUMS.get(rollup, {}).items():
            count(sums, {name: keys[name] for name in kept}, counts)
    for (rollup, keys), counts in sorted(totals.items()):
        row = {name: date.fromisoformat(value) if name == "day" else value for name, value in keys}
        _upsert_day(connection, DAY_TABLES[rollup], row, counts)
    return len(taken)


def fold_all_rollups() -> int:
    """Fold every pending delta (before reading the day rows), a batch per transaction. Most reads
    find none (the worker folds every few seconds): one indexed look, without a write transaction."""
    if not has_pending_deltas():
        return 0
    folded = 0
    while True:
        with transaction() as session:
            done = fold_rollups(session.connection())
        folded += done
        if done < FOLD_BATCH:
            return folded


_ANY_DELTA = select(DELTAS.c.id).order_by(DELTAS.c.id).limit(1)  # through the primary key


def has_pending_deltas() -> bool:
    """Whether any delta waits to be folded."""
    with read_only() as session:
        return session.connection().execute(_ANY_DELTA).first() is not None


def _upsert_day(connection: Connection, table: Table, keys: Mapping[str, object], counts: Mapping[str, int]) -> None:
    """Add `counts` to the row of `table` named by `keys`, creating it."""
    statement = _upsert_statement(connection.dialect.name, table.name, tuple(counts))
    connection.execute(statement, {**keys, **counts})


@lru_cache(maxsize=256)
def _upsert_statement(dialect: str, table_name: str, counts: tuple[str, ...]) -> Insert:
    """The upsert of one shape (table, counted columns), built once: a fold upserts
    hundreds of rows, and building and cache-keying a new statement for each was most of its work."""
    table = DAY_TABLES[table_name]
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = maker(table)  # its VALUES are the keys and counts each execution passes
    primary_key = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=primary_key,
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )


def _add_tier_tickets(
    connection: Connection, day: date, event_id: str, workspace_id: str, by_tier: Mapping[str, int], column: str
) -> None:
    for tier_id in sorted(by_tier):
        if by_tier[tier_id]:
            add_to_day(
                connection,
                TIER_DAYS,
                {"tier_id": tier_id, "day": day, "event_id": event_id, "workspace_id": workspace_id},
                {column: by_tier[tier_id]},
            )


@dataclass(frozen=True)
class SettledSale:
    """A sale as it settles: the figures money_figures reads from the order, and its tickets per tier."""

    order_id: str
    buyer_id: str
    event_id: str
    workspace_id: str
    currency: str
    channel: str
    paid_at: datetime
    amount: int
    platform_fee: int
    provider_fee: int
    organizer_share: int
    discount: int
    tickets_by_tier: Mapping[str, int]
    country: str = ""  # the buyer's (ISO alpha-2), "" unknown
    city: str = ""


# Built once, with its parameters bound: every paid order of a rush asks it while it settles.
_EARLIER_SALE = (
    select(Order.id)  # type: ignore[call-overload]
    .where(
        *sale_conditions(),
        col(Order.buyer_id) == bindparam("buyer_id"),
        col(Order.workspace_id) == bindparam("workspace_id"),
        col(Order.id) != bindparam("order_id"),
        col(Order.paid_at) < bindparam("paid_at", type_=ORDERS.c.paid_at.type),
    )
    .limit(1)
)


def _has_earlier_sale(connection: Connection, sale: SettledSale) -> bool:
    """Whether the buyer had bought in the workspace before this sale was paid (its buyer returns)."""
    given = {"buyer_id": sale.buyer_id, "workspace_id": sale.workspace_id, "order_id": sale.order_id}
    return connection.execute(_EARLIER_SALE, given | {"paid_at": sale.paid_at}).first() is not None


def record_sale(connection: Connection, sale: SettledSale, *, undo: bool = False) -> None:
    """Count a sale on the day it was paid, in the caller's transaction (after the order's claim);
    `undo` takes it back out (an order that stopped being a sale: a cancelled free registration)."""
    day = utc_day(sale.paid_at)
    returning = _has_earlier_sale(connection, sale)
    sign = -1 if undo else 1
    add_to_day(
        connection,
        SALES_DAYS,
        {
            "event_id": sale.event_id,
            "day": day,
            "currency": sale.currency,
            "channel": sale.channel,
            "workspace_id": sale.workspace_id,
        },
        {
            "paid_orders": sign,
            "gross": sign * sale.amount,
            "platform_fees": sign * sale.platform_fee,
            "provider_fees": sign * sale.provider_fee,
            "organizer_share": sign * sale.organizer_share,
            "discounts": sign * sale.discount,
            "refunds": 0,
            "tickets_issued": sign * sum(sale.tickets_by_tier.values()),
            "tickets_voided": 0,
            "new_buyers": 0 if returning else sign,
            "returning_buyers": sign if returning else 0,
        },
    )
    add_to_day(
        connection,
        PLACE_DAYS,
        {
            "event_id": sale.event_id,
            "day": day,
            "country": sale.country,
            "city": sale.city,
            "workspace_id": sale.workspace_id,
        },
        {"paid_orders": sign, "tickets_issued": sign * sum(sale.tickets_by_tier.values())},
    )
    signed = {tier: sign * n for tier, n in sale.tickets_by_tier.items()}
    _add_tier_tickets(connection, day, sale.event_id, sale.workspace_id, signed, "tickets_issued")


def take_back_sale(connection: Connection, order_id: str) -> None:
    """The order is no sale any more (a free registration cancelled, which money_figures then leaves
    out): everything `record_sale` counted for it comes off its day. Call it before the change."""
    order = connection.execute(select(ORDERS).where(ORDERS.c.id == order_id)).one()
    by_tier = _originals_by_tier(connection, TICKETS.c.order_id == order_id)
    sale = SettledSale(
        order_id=order.id,
        buyer_id=order.buyer_id,
        event_id=order.event_id,
        workspace_id=order.workspace_id,
        currency=order.currency,
        channel=order.payment_channel,
        paid_at=_as_datetime(order.paid_at),
        amount=order.amount,
        platform_fee=order.platform_fee,
        provider_fee=order.provider_fee or 0,
        organizer_share=order.organizer_share or 0,
        discount=order.discount_amount,
        tickets_by_tier=by_tier,
        country=order.buyer_country,
        city=order.buyer_city,
    )
    record_sale(connection, sale, undo=True)


@dataclass(frozen=True)
class RecordedRefund:
    """A refund of a sale: its amount, the day it was recorded and the tickets it voided."""

    event_id: str
    workspace_id: str
    currency: str
    channel: str  # the sale's
    amount: int
    recorded_at: datetime
    ticket_ids: Sequence[str]


def _originals_by_tier(connection: Connection, *conditions: ColumnElement[bool]) -> dict[str, int]:
    """Tickets an order issued (not a transfer's copies: money_figures counts those as sold) per tier."""
    t = TICKETS.c
    return {
        tier_id: int(n)
        for tier_id, n in connection.execute(
            select(t.tier_id, func.count()).where(t.transferred_from_id.is_(None), *conditions).group_by(t.tier_id)
        )
    }


def record_refund(connection: Connection, refund: RecordedRefund, *, undo: bool = False) -> None:
    """Count a refund (or, `undo`, take back a failed one) on the day it was recorded."""
    sign = -1 if undo else 1
    day = utc_day(refund.recorded_at)
    voided = _originals_by_tier(connection, TICKETS.c.id.in_(refund.ticket_ids)) if refund.ticket_ids else {}
    add_to_day(
        connection,
        SALES_DAYS,
        _sales_keys(refund.event_id, day, refund.currency, refund.channel, refund.workspace_id),
        {"refunds": sign * refund.amount, "tickets_voided": sign * sum(voided.values())},
    )
    signed = {tier: sign * n for tier, n in voided.items()}
    _add_tier_tickets(connection, day, refund.event_id, refund.workspace_id, signed, "tickets_voided")


def record_event_cancelled(connection: Connection, event_id: str, at: datetime) -> None:
    """The event is cancelled: its valid tickets (free registrations' and any a refund left) are about
    to be cancelled. Call it before they are."""
    t, o = TICKETS.c, ORDERS.c
    day = utc_day(at)
    rows = connection.execute(
        select(t.tier_id, o.currency, o.payment_channel, o.workspace_id, func.count().label("tickets"))
        .join(ORDERS, o.id == t.order_id)
        .where(
            t.event_id == event_id,
            t.status == TicketStatus.VALID.value,
            t.transferred_from_id.is_(None),
            *sale_conditions(),
        )
        .group_by(t.tier_id, o.currency, o.payment_channel, o.workspace_id)
    ).all()
    for row in rows:
        add_to_day(
            connection,
            SALES_DAYS,
            _sales_keys(event_id, day, row.currency, row.payment_channel, row.workspace_id),
            {"tickets_voided": int(row.tickets)},
        )
        _add_tier_tickets(
            connection, day, event_id, row.workspace_id, {row.tier_id: int(row.tickets)}, "tickets_voided"
        )


def record_checkout_started(connection: Connection, *, event_id: str, workspace_id: str, at: datetime) -> None:
    """An order was created for the event: the funnel's "checkouts started"."""
    add_to_day(
        connection,
        CHECKOUT_DAYS,
        {"event_id": event_id, "day": utc_day(at), "workspace_id": workspace_id},
        {"checkouts_started": 1},
    )


def record_page_view(
    connection: Connection, *, event_id: str, workspace_id: str, referrer_host: str, campaign: str, at: datetime
) -> None:
    """One view of the event's public page (events/page_views.py decides what counts)."""
    add_to_day(
        connection,
        VIEW_DAYS,
        {
            "event_id": event_id,
            "day": utc_day(at),
            "referrer_host": referrer_host,
            "campaign": campaign,
            "workspace_id": workspace_id,
        },
        {"views": 1},
    )


def forget_event_sums(connection: Connection, event_id: str) -> None:
    """The event is about to be deleted (its day rows go with it): its folded counts come off the
    workspace-wide sums, which outlive it. Its pending deltas go with it unfolded."""
    for source, sums in DAY_SUMS.items():
        day_rows = DAY_TABLES[source]
        for name, kept in sums.items():
            if "event_id" in kept:
                continue  # the event's own sum rows go with it
            table = DAY_TABLES[name]
            counters = [column.name for column in table.columns if column.name not in kept]
            keys = [day_rows.c[column] for column in kept]
            gone = (
                select(*keys, *[func.sum(day_rows.c[c]).label(c) for c in counters])
                .where(day_rows.c.event_id == event_id)
                .group_by(*keys)
                .subquery()
            )
            connection.execute(
                update(table)
                .values({c: table.c[c] - gone.c[c] for c in counters})
                .where(*[table.c[column] == gone.c[column] for column in kept])
            )


def _rebuild_sums(connection: Connection, workspace_id: str | None) -> None:
    """Every sum recomputed from its day rows (after they were rebuilt, or their deltas folded)."""
    for source, sums in DAY_SUMS.items():
        day_rows = DAY_TABLES[source]
        for name, kept in sums.items():
            table = DAY_TABLES[name]
            counters = [column.name for column in table.columns if column.name not in kept]
            scope = [] if workspace_id is None else [table.c.workspace_id == workspace_id]
            connection.execute(delete(table).where(*scope))
            keys = [day_rows.c[column] for column in kept]
            rows = select(*keys, *[func.sum(day_rows.c[c]) for c in counters]).group_by(*keys)
            if workspace_id is not None:
                rows = rows.where(day_rows.c.workspace_id == workspace_id)
            connection.execute(table.insert().from_select([*kept, *counters], rows))


def _sales_keys(event_id: str, day: date, currency: str, channel: str, workspace_id: str) -> dict[str, object]:
    return {"event_id": event_id, "day": day, "currency": currency, "channel": channel, "workspace_id": workspace_id}


# --- rebuilding from the raw tables ----------------------------------------------------------------


def _utc_day_sql(connection: Connection, column: object) -> object:
    if connection.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite keeps our timestamps as naive UTC text


def rebuild_rollups(connection: Connection, workspace_id: str | None = None) -> None:
    """Recompute the sales and tier rollups of one workspace (or all) from orders, refunds and tickets,
    with money_figures' own conditions. Views cannot be recomputed (nothing raw is kept of them) and
    checkouts started are recounted from the orders created."""
    # Views have no raw source: their pending deltas are folded in first, the rest are recomputed.
    while fold_rollups(connection) == FOLD_BATCH:
        pass
    for table in (SALES_DAYS, TIER_DAYS, CHECKOUT_DAYS, PLACE_DAYS):
        connection.execute(delete(table).where(*([table.c.workspace_id == workspace_id] if workspace_id else [])))
    scope_orders = [] if workspace_id is None else [col(Order.workspace_id) == workspace_id]
    sales: dict[tuple, dict[str, int]] = {}

    def bucket(key: tuple) -> dict[str, int]:
        return sales.setdefault(key, {name: 0 for name in _SALES_COUNTERS})

    paid_day = _utc_day_sql(connection, col(Order.paid_at))
    first_sale = (
        select(col(Order.buyer_id), col(Order.workspace_id), func.min(col(Order.paid_at)).label("first_paid"))
        .where(*sale_conditions(), *scope_orders)
        .group_by(col(Order.buyer_id), col(Order.workspace_id))
        .subquery()
    )
    is_first = col(Order.paid_at) == first_sale.c.first_paid
    for row in connection.execute(
        select(
            col(Order.event_id),
            paid_day.label("day"),
            col(Order.currency),
            col(Order.payment_channel),
            col(Order.workspace_id),
            func.count().label("paid_orders"),
            func.sum(col(Order.amount)).label("gross"),
            func.sum(col(Order.platform_fee)).label("platform_fees"),
            func.coalesce(func.sum(col(Order.provider_fee)), 0).label("provider_fees"),
            func.sum(col(Order.organizer_share)).label("organizer_share"),
            func.coalesce(func.sum(col(Order.discount_amount)), 0).label("discounts"),
            func.sum(case((is_first, 1), else_=0)).label("new_buyers"),
        )
        .join(
            first_sale,
            (first_sale.c.buyer_id == col(Order.buyer_id)) & (first_sale.c.workspace_id == col(Order.workspace_id)),
        )
        .where(*sale_conditions(), *scope_orders)
        .group_by(
            col(Order.event_id), paid_day, col(Order.currency), col(Order.payment_channel), col(Order.workspace_id)
        )
    ):
        figures = bucket((row.event_id, _as_date(row.day), row.currency, row.payment_channel, row.workspace_id))
        for name in ("paid_orders", "gross", "platform_fees", "provider_fees", "organizer_share", "discounts"):
            figures[name] += int(getattr(row, name))
        figures["new_buyers"] += int(row.new_buyers)
        figures["returning_buyers"] += int(row.paid_orders) - int(row.new_buyers)
    refund_day = _utc_day_sql(connection, col(Refund.created_at))
    for row in connection.execute(
        select(
            col(Order.event_id),
            refund_day.label("day"),
            col(Refund.currency),
            col(Order.payment_channel),
            col(Order.workspace_id),
            func.sum(col(Refund.amount)).label("refunds"),
        )
        .join(Order, col(Order.id) == col(Refund.order_id))
        .where(*refund_conditions(), *scope_orders)
        .group_by(
            col(Order.event_id), refund_day, col(Refund.currency), col(Order.payment_channel), col(Order.workspace_id)
        )
    ):
        bucket((row.event_id, _as_date(row.day), row.currency, row.payment_channel, row.workspace_id))["refunds"] += (
            int(row.refunds)
        )
    tiers = _rebuild_tickets(connection, scope_orders, bucket)
    for (event_id, day, currency, channel, owner), counts in sales.items():
        _upsert_day(connection, SALES_DAYS, _sales_keys(event_id, day, currency, channel, owner), counts)
    for (tier_id, day, event_id, owner), counts in tiers.items():
        _upsert_day(
            connection, TIER_DAYS, {"tier_id": tier_id, "day": day, "event_id": event_id, "workspace_id": owner}, counts
        )
    _rebuild_places(connection, scope_orders)
    created_day = _utc_day_sql(connection, col(Order.created_at))
    for row in connection.execute(
        select(col(Order.event_id), created_day.label("day"), col(Order.workspace_id), func.count().label("started"))
        .where(*scope_orders)
        .group_by(col(Order.event_id), created_day, col(Order.workspace_id))
    ):
        _upsert_day(
            connection,
            CHECKOUT_DAYS,
            {"event_id": row.event_id, "day": _as_date(row.day), "workspace_id": row.workspace_id},
            {"checkouts_started": int(row.started)},
        )
    _rebuild_sums(connection, workspace_id)


def _rebuild_places(connection: Connection, scope_orders: list) -> None:
    """Sales and the tickets they issued (not a transfer's copies) per buyer country and city, on the
    day they were paid: what `record_sale` counts."""
    paid_day = _utc_day_sql(connection, col(Order.paid_at))
    issued = (
        select(col(Ticket.order_id), func.count().label("tickets"))
        .where(col(Ticket.transferred_from_id).is_(None))
        .group_by(col(Ticket.order_id))
        .subquery()
    )
    for row in connection.execute(
        select(
            col(Order.event_id),
            paid_day.label("day"),
            col(Order.buyer_country),
            col(Order.buyer_city),
            col(Order.workspace_id),
            func.count().label("paid_orders"),
            func.coalesce(func.sum(issued.c.tickets), 0).label("tickets"),
        )
        .outerjoin(issued, issued.c.order_id == col(Order.id))
        .where(*sale_conditions(), *scope_orders)
        .group_by(
            col(Order.event_id), paid_day, col(Order.buyer_country), col(Order.buyer_city), col(Order.workspace_id)
        )
    ):
        _upsert_day(
            connection,
            PLACE_DAYS,
            {
                "event_id": row.event_id,
                "day": _as_date(row.day),
                "country": row.buyer_country,
                "city": row.buyer_city,
                "workspace_id": row.workspace_id,
            },
            {"paid_orders": int(row.paid_orders), "tickets_issued": int(row.tickets)},
        )


_SALES_COUNTERS = (
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


def _rebuild_tickets(
    connection: Connection, scope_orders: list, bucket: Callable[[tuple], dict[str, int]]
) -> dict[tuple, dict[str, int]]:
    """Tickets issued by sales (not a transfer's copies), on the day the sale was paid; those void
    now, on the day their refund was recorded (a cancelled registration: the day it was cancelled)."""
    refund_days = _refund_days(connection, scope_orders)
    tiers: dict[tuple, dict[str, int]] = {}
    paid_day = _utc_day_sql(connection, col(Order.paid_at))
    issued = (
        select(
            col(Ticket.tier_id),
            paid_day.label("day"),
            col(Order.event_id),
            col(Order.currency),
            col(Order.payment_channel),
            col(Order.workspace_id),
            func.count().label("tickets"),
        )
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .where(col(Ticket.transferred_from_id).is_(None), *sale_conditions(), *scope_orders)
        .group_by(
            col(Ticket.tier_id),
            paid_day,
            col(Order.event_id),
            col(Order.currency),
            col(Order.payment_channel),
            col(Order.workspace_id),
        )
    )
    for row in connection.execute(issued):
        day = _as_date(row.day)
        bucket((row.event_id, day, row.currency, row.payment_channel, row.workspace_id))["tickets_issued"] += (
            row.tickets
        )
        tier = tiers.setdefault((row.tier_id, day, row.event_id, row.workspace_id), _tier_counts())
        tier["tickets_issued"] += int(row.tickets)
    # Voided tickets: by their refund's day when a refund voided them; a sale's ticket cancelled
    # otherwise was cancelled with its event, on the day the event last changed (its cancellation).
    for ticket_id, tier_id, status, event_id, currency, channel, owner, updated_at in connection.execute(
        select(
            col(Ticket.id),
            col(Ticket.tier_id),
            col(Ticket.status),
            col(Order.event_id),
            col(Order.currency),
            col(Order.payment_channel),
            col(Order.workspace_id),
            col(Event.updated_at),
        )
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .join(Event, col(Event.id) == col(Order.event_id))
        .where(
            col(Ticket.transferred_from_id).is_(None),
            ~SOLD_TICKET_CONDITIONS[1],
            *sale_conditions(),
            *scope_orders,
        )
    ):
        day = refund_days.get(ticket_id) if status == TicketStatus.REFUNDED else None
        day = day or utc_day(_as_datetime(updated_at))
        bucket((event_id, day, currency, channel, owner))["tickets_voided"] += 1
        tiers.setdefault((tier_id, day, event_id, owner), _tier_counts())["tickets_voided"] += 1
    return tiers


def _refund_days(connection: Connection, scope_orders: list) -> dict[str, date]:
    """{ticket id: the day the refund that voided it was recorded} (refunds name their tickets in JSON)."""
    days: dict[str, date] = {}
    for created_at, ticket_ids in connection.execute(
        select(col(Refund.created_at), col(Refund.ticket_ids))
        .join(Order, col(Order.id) == col(Refund.order_id))
        .where(*refund_conditions(), *scope_orders)
        .order_by(col(Refund.created_at))
    ):
        for ticket_id in ticket_ids or []:
            days[ticket_id] = utc_day(_as_datetime(created_at))
    return days


def _tier_counts() -> dict[str, int]:
    return {"tickets_issued": 0, "tickets_voided": 0}


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def rebuild_all() -> None:
    """Recompute every workspace's rollups (the backfill after the migration)."""
    with transaction() as session:
        rebuild_rollups(session.connection())


if __name__ == "__main__":
    rebuild_all()
