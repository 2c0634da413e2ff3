"""The analytics page's reads at scale (#22 §1, ≤ 300 ms for 200 events and 500,000 tickets): the
sales rollup grouped several ways in one statement (GROUPING SETS on PostgreSQL, UNION ALL on
SQLite) and the view sums kept beside the view rows give exactly the figures of the orders and views
made here; reads fold only when deltas wait."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import BuyerPlaceDay, Ticket, ViewDay, ViewEventDay, ViewSourceDay, WorkspacePlaceDay
from eventpalour.services.events import lifecycle, page_views
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import analytics, rollups
from eventpalour.services.finance.grouped_sums import grouped_sums
from eventpalour.services.finance.rollups import SALES_DAYS
from eventpalour.services.sales import checkout, payments, refunds
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace

COUNTERS = ["paid_orders", "gross", "tickets_issued"]
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def _sell(event, tier_id: str, quantity: int, channel: str) -> tuple[str, list[str]]:
    held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: quantity})
    raw = {"channel": channel}
    payments.settle(held.reference, VerifyResult("success", held.amount, held.currency, 0, None, held.reference, raw))
    with read_only() as session:
        return held.order_id, list(session.exec(select(Ticket.id).where(Ticket.order_id == held.order_id)))


def _view(event, referrer: str = "", query: str = "") -> None:
    assert page_views.count_page_view(short_id=event.short_id, user_agent=CHROME, referrer=referrer, query_string=query)


@pytest.fixture
def two_currencies():
    """A workspace with a KES event, a USD event and a free event, each with one tier."""
    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    made = []
    for title, currency, price in (("Jazz Night", "KES", 150000), ("Tech Talk", "USD", 2000)):
        tiers = [TierInput(name="Regular", price=price, quantity=50, max_per_order=5)]
        event = make_event(
            owner, workspace.id, publish=True, pricing="paid", currency=currency, tiers=tiers, title=title
        )
        made.append((event, get_tiers(actor=owner.summary, event_id=event.id)[0].id))
    free = make_event(owner, workspace.id, publish=True, title="Open Rehearsal")
    return owner, workspace, made, free


def test_sales_grouped_in_one_statement_give_the_orders_figures(two_currencies):
    owner, workspace, [(jazz, jazz_tier), (talk, talk_tier)], _free = two_currencies
    _sell(jazz, jazz_tier, 3, "card")
    _sell(jazz, jazz_tier, 1, "mobile_money")
    _sell(talk, talk_tier, 2, "card")
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7")
    )
    assert [(f.currency, f.paid_orders, f.gross) for f in seen.money] == [("KES", 2, 4 * 150000), ("USD", 1, 2 * 2000)]
    assert [(c.channel, c.currency, c.paid_orders, c.gross) for c in seen.channels] == [
        ("card", "KES", 1, 3 * 150000),
        ("card", "USD", 1, 2 * 2000),
        ("mobile_money", "KES", 1, 150000),
    ]
    # The chart is in the currency with the most gross: today's bar counts the KES sales only.
    assert seen.currency == "KES" and (seen.days[-1].tickets, seen.days[-1].gross) == (4, 4 * 150000)
    assert sum(point.tickets for point in seen.days) == 4
    by_event = {row.title: (row.currency, row.tickets_sold, row.paid_orders, row.gross) for row in seen.top_events}
    assert by_event == {"Jazz Night": ("KES", 4, 2, 600000), "Tech Talk": ("USD", 2, 1, 4000)}
    assert (seen.tickets_sold, seen.paid_orders, seen.new_buyers) == (6, 3, 3)


def test_grouping_sets_equal_one_group_by_per_grouping(two_currencies):
    """The one statement's groups are those of separate GROUP BYs, on SQLite and PostgreSQL alike."""
    _owner, workspace, [(jazz, jazz_tier), (talk, talk_tier)], _free = two_currencies
    _sell(jazz, jazz_tier, 2, "card")
    _sell(jazz, jazz_tier, 1, "bank")
    _sell(talk, talk_tier, 1, "card")
    rollups.fold_all_rollups()
    groupings = [("currency",), ("channel", "currency"), ("event_id", "currency"), ("day", "currency")]
    where = [SALES_DAYS.c.workspace_id == workspace.id]
    with read_only() as session:
        connection = session.connection()
        found = grouped_sums(connection, SALES_DAYS, where, groupings, COUNTERS)
        for keys in groupings:
            columns = [SALES_DAYS.c[name] for name in keys]
            expected = connection.execute(
                core_select(*columns, *[func.sum(SALES_DAYS.c[name]) for name in COUNTERS])
                .where(*where)
                .group_by(*columns)
            ).all()
            got = [tuple(getattr(row, name) for name in (*keys, *COUNTERS)) for row in found[keys]]
            assert expected and sorted(map(_plain, got)) == sorted(map(_plain, expected))
    assert {row.currency: int(row.tickets_issued) for row in found[("currency",)]} == {"KES": 3, "USD": 1}


def _plain(row) -> tuple:
    """A row's values comparable across drivers (PostgreSQL sums are Decimal, SQLite's days text)."""
    return tuple(str(value) if isinstance(value, str | date) else int(value) for value in row)


def _views_by(rows, key) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        counts[key(row)] += row.views
    return counts


def test_view_sums_equal_the_view_rows_and_the_page_reads_them(two_currencies):
    owner, workspace, [(jazz, _), (talk, _)], free = two_currencies
    for event, referrer, query in [
        (jazz, "https://www.facebook.com/post", "utm_campaign=launch"),
        (jazz, "https://www.facebook.com/post", ""),
        (jazz, "", ""),
        (talk, "https://t.co/abc", "utm_campaign=launch"),
        (talk, "https://t.co/abc", "utm_campaign=early"),
        (free, "https://t.co/x", ""),
        (free, "", "utm_campaign=early"),
    ]:
        _view(event, referrer, query)
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("30")
    )
    assert {row.title: row.views for row in seen.top_events} == {"Jazz Night": 3, "Tech Talk": 2, "Open Rehearsal": 2}
    assert [(s.name, s.views) for s in seen.referrers] == [("t.co", 3), ("", 2), ("facebook.com", 2)]
    assert [(s.name, s.views) for s in seen.campaigns] == [("early", 2), ("launch", 2)]
    assert seen.views == 7
    one = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("30", event_id=talk.id)
    )
    assert [(s.name, s.views) for s in one.referrers] == [("t.co", 2)]
    assert [(s.name, s.views) for s in one.campaigns] == [("early", 1), ("launch", 1)]
    _assert_sums_match_rows(workspace.id)

    # A deleted event (nobody registered) takes its views out of the workspace's sums.
    lifecycle.delete_event(actor=owner.summary, event_id=free.id)
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("30")
    )
    assert [(s.name, s.views) for s in seen.referrers] == [("facebook.com", 2), ("t.co", 2), ("", 1)]
    assert [(s.name, s.views) for s in seen.campaigns] == [("launch", 2), ("early", 1)]
    _assert_sums_match_rows(workspace.id)

    # The rebuild recomputes the sums from the view rows: the same.
    with read_only() as session:
        before = sorted((r.event_id, r.day, r.views) for r in session.exec(select(ViewEventDay)))
    with transaction() as session:
        rollups.rebuild_rollups(session.connection(), workspace.id)
    with read_only() as session:
        assert sorted((r.event_id, r.day, r.views) for r in session.exec(select(ViewEventDay))) == before
    _assert_sums_match_rows(workspace.id)


def _assert_sums_match_rows(workspace_id: str) -> None:
    rollups.fold_all_rollups()
    with read_only() as session:
        rows = session.exec(select(ViewDay).where(ViewDay.workspace_id == workspace_id)).all()
        event_days = session.exec(select(ViewEventDay).where(ViewEventDay.workspace_id == workspace_id)).all()
        sources = session.exec(select(ViewSourceDay).where(ViewSourceDay.workspace_id == workspace_id)).all()
    assert rows
    assert _views_by(event_days, lambda r: (r.event_id, r.day)) == _views_by(rows, lambda r: (r.event_id, r.day))
    nonzero = {key: n for key, n in _views_by(sources, lambda r: (r.day, r.referrer_host, r.campaign)).items() if n}
    assert nonzero == dict(_views_by(rows, lambda r: (r.day, r.referrer_host, r.campaign)))


def test_a_read_folds_only_when_deltas_wait(two_currencies):
    _owner, _workspace, [(jazz, _), _], _free = two_currencies
    rollups.fold_all_rollups()
    assert not rollups.has_pending_deltas() and rollups.fold_all_rollups() == 0
    _view(jazz, "https://x.com/a")
    _view(jazz)
    assert rollups.has_pending_deltas()
    assert rollups.fold_all_rollups() == 2 and not rollups.has_pending_deltas()
    with read_only() as session:
        assert session.exec(select(ViewEventDay.views).where(ViewEventDay.event_id == jazz.id)).all() == [2]


def test_the_workspace_place_sums_equal_the_place_rows(two_currencies):
    owner, workspace, [(jazz, jazz_tier), (talk, talk_tier)], _free = two_currencies
    for event, tier, quantity, place in [
        (jazz, jazz_tier, 2, {"country_code": "KE"}),
        (talk, talk_tier, 1, {"country_code": "KE"}),
        (talk, talk_tier, 3, {"country_code": "NG"}),
    ]:
        held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier: quantity})
        raw = {"channel": "card", "authorization": {"channel": "card", **place}}
        verified = VerifyResult("success", held.amount, held.currency, 0, None, held.reference, raw)
        payments.settle(held.reference, verified)
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("30")
    )
    assert [(p.country, p.paid_orders, p.tickets) for p in seen.countries] == [("KE", 2, 3), ("NG", 1, 3)]
    one = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("30", event_id=talk.id)
    )
    assert [(p.country, p.paid_orders, p.tickets) for p in one.countries] == [("NG", 1, 3), ("KE", 1, 1)]
    with read_only() as session:
        rows = session.exec(select(BuyerPlaceDay).where(BuyerPlaceDay.workspace_id == workspace.id)).all()
        sums = session.exec(select(WorkspacePlaceDay).where(WorkspacePlaceDay.workspace_id == workspace.id)).all()
    by_place: Counter = Counter()
    for row in rows:
        by_place[(row.day, row.country, row.city, "orders")] += row.paid_orders
        by_place[(row.day, row.country, row.city, "tickets")] += row.tickets_issued
    kept: Counter = Counter()
    for row in sums:
        kept[(row.day, row.country, row.city, "orders")] += row.paid_orders
        kept[(row.day, row.country, row.city, "tickets")] += row.tickets_issued
    assert kept == by_place and len(sums) == 2


def test_every_sum_equals_its_day_rows_through_refunds_and_cancels(two_currencies):
    """The sums the page reads for all events (rollups.DAY_SUMS) are their day rows summed, whatever
    moved them: sales, a partial refund, a cancelled free registration, views; and after a rebuild."""
    owner, workspace, [(jazz, jazz_tier), (talk, talk_tier)], free = two_currencies
    _sell(jazz, jazz_tier, 2, "card")
    order_id, tickets = _sell(jazz, jazz_tier, 3, "mobile_money")
    refunds.process_refund(actor=owner.summary, order_id=order_id, amount=150000, ticket_ids=tickets[:1], reason="Ill")
    _sell(talk, talk_tier, 1, "card")
    free_tier = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    registration = checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={free_tier: 1})
    refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason="Double booked")
    _view(jazz, "https://t.co/a", "utm_campaign=launch")
    _view(free)
    _assert_every_sum_equals_its_day_rows(workspace.id)
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7")
    )
    (kes, usd) = seen.money
    assert (kes.paid_orders, kes.gross, kes.refunds, usd.gross) == (2, 5 * 150000, 150000, 2000)
    assert (seen.tickets_sold, seen.tickets_refunded) == (2 + 3 - 1 + 1, 1)
    with transaction() as session:
        rollups.rebuild_rollups(session.connection(), workspace.id)
    _assert_every_sum_equals_its_day_rows(workspace.id)


def _assert_every_sum_equals_its_day_rows(workspace_id: str) -> None:
    rollups.fold_all_rollups()
    with read_only() as session:
        connection = session.connection()
        for source, sums in rollups.DAY_SUMS.items():
            day_rows = rollups.DAY_TABLES[source]
            for name, kept in sums.items():
                table = rollups.DAY_TABLES[name]
                counters = [c.name for c in table.columns if c.name not in kept]
                expected = connection.execute(
                    core_select(*[day_rows.c[k] for k in kept], *[func.sum(day_rows.c[c]) for c in counters])
                    .where(day_rows.c.workspace_id == workspace_id)
                    .group_by(*[day_rows.c[k] for k in kept])
                ).all()
                kept_rows = connection.execute(
                    core_select(*[table.c[k] for k in kept], *[table.c[c] for c in counters]).where(
                        table.c.workspace_id == workspace_id
                    )
                ).all()
                assert expected, name
                assert sorted(map(_plain, kept_rows)) == sorted(map(_plain, expected)), name
