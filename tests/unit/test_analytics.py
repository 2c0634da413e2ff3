"""Workspace analytics (#22 §1): the daily rollups kept as orders settle and refunds move equal
money_figures on the same orders (and their rebuild from the raw tables), the page's service gives
money only to admins, and page views are counted per referrer and campaign, robots left out."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlmodel import select

from eventpalour import routes
from eventpalour.db import read_only, transaction
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Event, Order, RollupDelta, SalesDay, Ticket, TierDay, ViewDay
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle, page_views
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import analytics, money_figures, rollups
from eventpalour.services.finance.money_figures import Scope
from eventpalour.services.platform import NotAuthenticated, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout, payments, paystack_refunds, refunds
from eventpalour.services.tickets import scanning
from eventpalour.state.analytics import AnalyticsState
from eventpalour.state.tickets import TicketsState
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
MONEY = ("paid_orders", "gross", "platform_fees", "provider_fees", "organizer_share", "refunds", "discounts")


def _sell(event, tier_id: str, quantity: int, fee: int, channel: str, buyer=None) -> tuple[str, list[str]]:
    buyer = buyer or make_user()
    held = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: quantity})
    raw = {"channel": channel}
    payments.settle(held.reference, VerifyResult("success", held.amount, held.currency, fee, None, held.reference, raw))
    with read_only() as session:
        tickets = session.exec(select(Ticket.id).where(Ticket.order_id == held.order_id)).all()
    return held.order_id, list(tickets)


@pytest.fixture
def shop():
    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    tiers = [
        TierInput(name="Regular", price=150000, quantity=50, max_per_order=5),
        TierInput(name="VIP", price=500000, quantity=10, max_per_order=5),
    ]
    paid = make_event(
        owner, workspace.id, publish=True, pricing="paid", currency="KES", tiers=tiers, title="Jazz Night"
    )
    free = make_event(owner, workspace.id, publish=True, title="Open Rehearsal")
    regular, vip = (t.id for t in get_tiers(actor=owner.summary, event_id=paid.id))
    return owner, workspace, paid, free, regular, vip


def _rollup_figures(workspace_id: str) -> dict[str, tuple[int, ...]]:
    rollups.fold_all_rollups()  # the deltas the sales appended, as every read does
    with read_only() as session:
        rows = session.exec(select(SalesDay).where(SalesDay.workspace_id == workspace_id)).all()
    totals: dict[str, list[int]] = {}
    for row in rows:
        sums = totals.setdefault(row.currency, [0] * len(MONEY))
        for i, name in enumerate(MONEY):
            sums[i] += getattr(row, name)
    return {currency: tuple(sums) for currency, sums in totals.items()}


def _money_figures(workspace_id: str) -> dict[str, tuple[int, ...]]:
    with read_only() as session:
        found = money_figures.figures_by_currency(session, Scope(workspace_id=workspace_id))
        return {c: tuple(getattr(f, name) for name in MONEY) for c, f in found.items()}


def _tickets_sold(workspace_id: str) -> tuple[int, int]:
    """(rollups: issued − voided, money_figures.tickets_sold) of the workspace."""
    rollups.fold_all_rollups()  # the deltas the sales appended, as every read does
    with read_only() as session:
        rows = session.exec(select(SalesDay).where(SalesDay.workspace_id == workspace_id)).all()
        tiers = session.exec(select(TierDay).where(TierDay.workspace_id == workspace_id)).all()
        by_tier = sum(t.tickets_issued - t.tickets_voided for t in tiers)
        assert by_tier == sum(r.tickets_issued - r.tickets_voided for r in rows)
        return by_tier, money_figures.tickets_sold(session, Scope(workspace_id=workspace_id))


def _rollup_rows() -> tuple[list, list]:
    rollups.fold_all_rollups()  # the deltas the sales appended, as every read does
    with read_only() as session:
        sales = sorted(tuple(r.model_dump().items()) for r in session.exec(select(SalesDay)).all())
        tiers = sorted(tuple(r.model_dump().items()) for r in session.exec(select(TierDay)).all())
    return sales, tiers


def test_rollups_equal_money_figures_through_sales_refunds_and_cancels(shop):
    owner, workspace, paid, free, regular, vip = shop
    returning = make_user()
    _sell(paid, regular, 2, 4000, "card", buyer=returning)
    _sell(paid, vip, 1, 7000, "mobile_money", buyer=returning)
    partly, partly_tickets = _sell(paid, regular, 3, 5000, "card")
    refunds.process_refund(
        actor=owner.summary, order_id=partly, amount=150000, ticket_ids=partly_tickets[:1], reason="Cannot come"
    )
    fully, fully_tickets = _sell(paid, vip, 2, 9000, "ussd")
    refund = refunds.process_refund(
        actor=owner.summary, order_id=fully, amount=None, ticket_ids=fully_tickets, reason="Sick"
    )
    failing, failing_tickets = _sell(paid, regular, 1, 2000, "bank")
    failed = refunds.process_refund(
        actor=owner.summary, order_id=failing, amount=None, ticket_ids=failing_tickets, reason="Oops"
    )
    paystack_refunds._apply(refund.id, "processed")
    paystack_refunds._apply(failed.id, "failed")
    guest = make_user()
    checkout.book_ticket(
        actor=guest.summary, event_id=free.id, quantities={get_tiers(actor=owner.summary, event_id=free.id)[0].id: 1}
    )
    registration = checkout.book_ticket(
        actor=make_user().summary,
        event_id=free.id,
        quantities={get_tiers(actor=owner.summary, event_id=free.id)[0].id: 1},
    )
    refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason="Double booked")

    assert _rollup_figures(workspace.id) == _money_figures(workspace.id)
    rolled, sold = _tickets_sold(workspace.id)
    assert rolled == sold == 2 + 1 + 2 + 1 + 1  # 3 − 1 refunded, 2 all refunded, the failed refund's 1 back

    live = _rollup_rows()
    with transaction() as session:
        rollups.rebuild_rollups(session.connection(), workspace.id)
    assert _rollup_rows() == live  # the backfill computes what the live counters kept

    window = analytics.analytics_window("7")
    seen = analytics.workspace_analytics(actor=owner.summary, workspace_id=workspace.id, window=window)
    (kes,) = [f for f in seen.money if f.currency == "KES"]
    assert (kes.gross, kes.refunds, kes.net) == (
        _money_figures(workspace.id)["KES"][1],
        _money_figures(workspace.id)["KES"][5],
        _money_figures(workspace.id)["KES"][4] - _money_figures(workspace.id)["KES"][5],
    )
    assert seen.tickets_sold == sold
    assert seen.days[-1].tickets == 2 + 1 + 3 + 2 + 1 + 1  # issued today (KES, the free event's kept one too)
    assert (seen.new_buyers, seen.returning_buyers) == (5, 1)  # the returning buyer's second order
    channels = {row.channel: row.paid_orders for row in seen.channels}
    assert channels == {"card": 2, "mobile_money": 1, "ussd": 1, "bank": 1, "": 1}  # the cancelled one is no sale
    tiers = {(row.event_title, row.tier_name): row.tickets_sold for row in seen.tiers}
    assert tiers == {("Jazz Night", "Regular"): 2 + 2 + 1, ("Jazz Night", "VIP"): 1, ("Open Rehearsal", "General"): 1}
    jazz = next(row for row in seen.top_events if row.title == "Jazz Night")
    assert (jazz.paid_orders, jazz.checkouts_started) == (5, 5)


def test_settle_keeps_the_payment_channel(shop):
    _owner, _workspace, paid, _free, regular, _vip = shop
    order_id, _ = _sell(paid, regular, 1, 3000, "Mobile_Money")
    with read_only() as session:
        assert session.get(Order, order_id).payment_channel == "mobile_money"


def test_check_in_rate_and_the_funnel_per_event(shop):
    owner, workspace, paid, _free, regular, _vip = shop
    _order, tickets = _sell(paid, regular, 2, 3000, "card")
    checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={regular: 1})  # started, not paid
    scanning.check_in_ticket(actor=owner.summary, event_id=paid.id, ticket_id=tickets[0])
    for referrer, query in (
        ("https://www.facebook.com/x", "utm_campaign=launch"),
        ("", ""),
        ("", "utm_campaign=launch"),
    ):
        assert page_views.count_page_view(
            short_id=paid.short_id, user_agent=CHROME, referrer=referrer, query_string=query
        )
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("30", event_id=paid.id)
    )
    (row,) = seen.top_events
    assert (row.views, row.checkouts_started, row.paid_orders) == (3, 2, 1)
    assert (row.checked_in, row.admitted, row.check_in_percent, row.conversion_percent) == (1, 2, 50, 33)
    assert [(s.name, s.views) for s in seen.referrers] == [("", 2), ("facebook.com", 1)]
    assert [(s.name, s.views) for s in seen.campaigns] == [("launch", 2)]


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (Linux) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.31",
    ],
)
def test_robots_are_not_counted(shop, agent):
    _owner, _workspace, paid, *_ = shop
    assert not page_views.count_page_view(short_id=paid.short_id, user_agent=agent)
    rollups.fold_all_rollups()
    with read_only() as session:
        assert session.exec(select(ViewDay)).all() == []


def test_views_keep_nothing_personal_and_name_only_hosts():
    assert page_views.referrer_host("https://WWW.Google.com:443/search?q=me") == "google.com"
    assert page_views.referrer_host("not a url") == ""
    assert page_views.referrer_host("android-app://com.slack/") == "com.slack"
    assert page_views.utm_campaign("utm_source=x&utm_campaign=%20Black%20Friday%20") == "Black Friday"
    assert page_views.utm_campaign("utm_campaign=" + "a" * 300) == "a" * 100
    assert not page_views.count_page_view(short_id="nosuchevent", user_agent=CHROME)
    assert set(ViewDay.model_fields) == {"event_id", "day", "referrer_host", "campaign", "workspace_id", "views"}


def test_moderators_see_counts_and_admins_money(shop):
    owner, workspace, paid, _free, regular, _vip = shop
    _sell(paid, regular, 2, 3000, "card")
    moderator, member = make_user(), make_user()
    add_member(workspace.id, moderator, "moderator")
    add_member(workspace.id, member, "member")
    window = analytics.analytics_window("7")
    seen = analytics.workspace_analytics(actor=moderator.summary, workspace_id=workspace.id, window=window)
    assert (seen.can_view_money, seen.money, seen.tickets_sold) == (False, [], 2)
    assert all(point.gross == 0 for point in seen.days) and all(row.gross == 0 for row in seen.top_events)
    admin_view = analytics.workspace_analytics(actor=owner.summary, workspace_id=workspace.id, window=window)
    assert admin_view.can_view_money and admin_view.days[-1].gross == 2 * 150000 + admin_view.money[0].platform_fees * 0
    with pytest.raises(PermissionDenied):
        analytics.workspace_analytics(actor=member.summary, workspace_id=workspace.id, window=window)
    with pytest.raises(NotAuthenticated):
        analytics.workspace_analytics(actor=None, workspace_id=workspace.id, window=window)
    other = make_event(owner, make_workspace(owner, name="Other Society").id, title="Elsewhere")
    with pytest.raises(ValidationFailed) as refused:
        analytics.workspace_analytics(
            actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7", event_id=other.id)
        )
    assert refused.value.details[0].path == ("event",)


def test_the_period_picker_refuses_bad_dates():
    today = date(2026, 12, 6)
    assert analytics.analytics_window("7", today=today).first == today - timedelta(days=6)
    custom = analytics.analytics_window("custom", "2026-11-01", "2026-11-30", today=today)
    assert (custom.first, custom.last, len(custom.days)) == (date(2026, 11, 1), date(2026, 11, 30), 30)
    cases = [
        (("custom", "", "2026-11-30"), ("start",), "first day"),
        (("custom", "2026-11-30", "2026-11-01"), ("end",), "cannot come before"),
        (("custom", "2025-01-01", "2026-11-01"), ("end",), "at most 366"),
        (("365",), ("span",), "7, 30 or 90"),
    ]
    for args, field, words in cases:
        with pytest.raises(ValidationFailed) as refused:
            analytics.analytics_window(*args, today=today)
        assert refused.value.details[0].path == field and words in refused.value.details[0].message


def test_sales_count_on_the_utc_day_they_were_paid(shop):
    owner, workspace, paid, _free, regular, _vip = shop
    held = checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={regular: 1})
    yesterday = utcnow() - timedelta(days=1)
    payments.settle(
        held.reference,
        VerifyResult("success", held.amount, "KES", 3000, yesterday, held.reference, {"channel": "card"}),
    )
    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7")
    )
    by_day = {point.day: point.tickets for point in seen.days}
    assert by_day[yesterday.date()] == 1 and by_day[utcnow().date()] == 0


async def test_the_page_state_shows_the_figures_and_field_errors(shop):
    owner, workspace, paid, _free, regular, _vip = shop
    _sell(paid, regular, 2, 3000, "card")
    page = state_for(AnalyticsState, token=owner.token, path=routes.workspace_url(workspace.id, "analytics"))
    await run_handler(page, "open_analytics")  # the page's on_load
    assert (page.analytics_loaded, page.analytics_problem, page.can_view_money) == (True, "", True)
    assert (page.tickets_sold, page.paid_orders, len(page.chart_data)) == ("2 tickets sold", "1 order", 30)
    assert page.chart_data[-1].tickets == 2 and page.money[0].gross == page.events[0].gross
    assert page.channels[0].label == "Card" and page.events[0].check_in == "0 of 2 (0%)"
    assert page.csv_urls["money"].endswith(f"/api/workspace/{workspace.id}/analytics/money.csv?span=30")
    await run_handler(page, "apply_period", {"span": "custom", "start": "2026-11-30", "end": "2026-11-01"})
    await run_handler(page, "load_analytics")  # what apply_period chains
    assert page.field_errors == {"end": "The last day cannot come before the first."}
    assert page.chart_data[-1].tickets == 2  # the figures shown before stay until a good period is chosen


async def test_my_tickets_sums_up_events_attended_and_upcoming(shop):
    owner, _workspace, paid, free, regular, _vip = shop
    buyer = make_user()
    _order, tickets = _sell(paid, regular, 2, 3000, "card", buyer=buyer)
    free_tier = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    checkout.book_ticket(actor=buyer.summary, event_id=free.id, quantities={free_tier: 1})
    scanning.check_in_ticket(actor=owner.summary, event_id=paid.id, ticket_id=tickets[0])
    page = state_for(TicketsState, token=buyer.token, path=routes.MY_TICKETS)
    await run_handler(page, "load_tickets")
    assert page.summary == ["1 event attended", "2 upcoming events", "2 tickets to use"]
    nobody = state_for(TicketsState, token=make_user().token, path=routes.MY_TICKETS)
    await run_handler(nobody, "load_tickets")
    assert nobody.summary == ["0 events attended", "0 upcoming events", "0 tickets to use"]


def test_a_cancelled_event_voids_its_tickets_in_the_rollups(shop):
    owner, workspace, paid, free, regular, _vip = shop
    free_tier = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    for _ in range(2):
        checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={free_tier: 1})
    _sell(paid, regular, 2, 3000, "card")
    for event in (free, paid):
        lifecycle.change_status(actor=owner.summary, event_id=event.id, action="cancel")
    assert _rollup_figures(workspace.id) == _money_figures(workspace.id)
    rolled, sold = _tickets_sold(workspace.id)
    assert rolled == sold == 0
    live = _rollup_rows()
    with transaction() as session:
        rollups.rebuild_rollups(session.connection(), workspace.id)
    assert _rollup_rows() == live


def _pending_deltas() -> int:
    with read_only() as session:
        return len(session.exec(select(RollupDelta.id)).all())


def test_sales_append_deltas_that_a_read_folds_into_the_day_rows(shop):
    """A sale adds no lock-holding write to a shared day row: it appends a delta, and the analytics
    read folds the deltas first, so what it shows is exact; nothing is left pending after."""
    owner, workspace, paid, _free, regular, _vip = shop
    rollups.fold_all_rollups()
    _sell(paid, regular, 2, 4000, "card")
    assert _pending_deltas() > 0
    with read_only() as session:
        assert session.exec(select(SalesDay).where(SalesDay.workspace_id == workspace.id)).all() == []

    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7")
    )
    (kes,) = [f for f in seen.money if f.currency == "KES"]
    assert kes.gross == 2 * 150000
    assert _pending_deltas() == 0


def test_folds_running_at_once_count_every_delta_once(shop):
    """The worker loop of every web process and the reads fold at the same time; each delta counts once."""
    _owner, _workspace, paid, *_ = shop
    for _ in range(60):
        assert page_views.count_page_view(short_id=paid.short_id, user_agent=CHROME, referrer="https://x.com/a")
    with ThreadPoolExecutor(max_workers=4) as pool:
        folded = sum(pool.map(lambda _: rollups.fold_all_rollups(), range(4)))
    assert folded == 60
    with read_only() as session:
        assert [v.views for v in session.exec(select(ViewDay).where(ViewDay.event_id == paid.id))] == [60]
    assert _pending_deltas() == 0


def test_deleting_an_event_takes_its_pending_deltas(shop):
    owner, _workspace, _paid, free, *_ = shop
    assert page_views.count_page_view(short_id=free.short_id, user_agent=CHROME)
    with transaction() as session:
        session.delete(session.get(Event, free.id))
    with read_only() as session:
        assert session.exec(select(RollupDelta).where(RollupDelta.event_id == free.id)).all() == []
    rollups.fold_all_rollups()  # and the fold has nothing left pointing at it
