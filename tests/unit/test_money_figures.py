"""One definition of each money figure (services/finance/money_figures.py): the event page, its Orders
tab, workspace billing, admin revenue and the admin dashboard show the same gross, fees, refunds,
net and tickets sold for the same sales, and gross − fees − refunds = net on every one of them."""

from __future__ import annotations

from sqlmodel import select

from eventpalour import routes
from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Ticket
from eventpalour.services.admin import admin_metrics
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import billing, revenue
from eventpalour.services.finance.money_figures import MoneyFigures
from eventpalour.services.sales import checkout, payments, refunds
from eventpalour.services.sales import order_lists as event_orders
from eventpalour.state.billing import BillingState
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.events import EventManageState
from eventpalour.state.money_text import balance_text
from tests.factories import approve_kyc, make_admin, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for

FIGURES = ("paid_orders", "gross", "platform_fees", "provider_fees", "refunds", "net")


def _sell(event, tier_id: str, currency: str, quantity: int, provider_fee: int) -> tuple[str, list[str]]:
    """A paid order of `quantity` tickets, settled as Paystack reports it; its id and its tickets."""
    held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: quantity})
    payments.settle(
        held.reference, VerifyResult("success", held.amount, currency, provider_fee, None, held.reference, {})
    )
    with read_only() as session:
        tickets = session.exec(select(Ticket.id).where(Ticket.order_id == held.order_id)).all()
    return held.order_id, list(tickets)


def _figures(f: MoneyFigures) -> tuple[int, ...]:
    return tuple(getattr(f, name) for name in FIGURES)


async def test_every_screen_shows_the_same_figures_for_the_same_sales():
    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    events = {}
    for currency, price, fee_mode in (("KES", 250000, "pass_on"), ("USD", 4000, "absorb")):
        tier = TierInput(name="Regular", price=price, quantity=40, max_per_order=5)
        event = make_event(
            owner, ws.id, publish=True, pricing="paid", currency=currency, fee_mode=fee_mode, tiers=[tier]
        )
        events[currency] = (event, get_tiers(actor=owner.summary, event_id=event.id)[0].id)

    kes, kes_tier = events["KES"]
    _sell(kes, kes_tier, "KES", 1, 7000)
    partly, partly_tickets = _sell(kes, kes_tier, "KES", 2, 15000)
    refunds.process_refund(
        actor=owner.summary, order_id=partly, amount=100000, ticket_ids=partly_tickets[:1], reason="Cannot come"
    )
    usd, usd_tier = events["USD"]
    _sell(usd, usd_tier, "USD", 1, 150)
    fully, fully_tickets = _sell(usd, usd_tier, "USD", 2, 300)
    refunds.process_refund(actor=owner.summary, order_id=fully, amount=None, ticket_ids=fully_tickets, reason="Sick")

    # Worked out by hand. KES, passed on: 3 × 2,625.00 paid, 3 × 125.00 ours, Paystack 70 + 150, 1,000 back.
    # USD, absorbed: 3 × 40.00 paid, 3 × 2.00 ours, Paystack 1.50 + 3.00, the second order (80.00) all back.
    expected = {
        "KES": (2, 787500, 37500, 22000, 100000, 787500 - 37500 - 22000 - 100000),
        "USD": (2, 12000, 600, 450, 8000, 12000 - 600 - 450 - 8000),
    }
    sold = {"KES": 2, "USD": 1}  # 3 sold in each; one KES ticket and the refunded USD order's two came back

    for currency, (event, _) in events.items():
        totals = event_orders.event_orders(actor=owner.summary, event_id=event.id).totals
        assert (_figures(totals), totals.tickets) == (expected[currency], sold[currency])
        assert totals.gross - totals.platform_fees - totals.provider_fees - totals.refunds == totals.net

    overview = billing.billing_overview(actor=owner.summary, workspace_id=ws.id)
    assert {b.currency: _figures(b) for b in overview.balances} == expected
    assert {c: sum(p.revenue for p in points) for c, points in overview.series.items()} == {
        c: figures[1] for c, figures in expected.items()
    }
    assert {c: sum(p.net for p in points) for c, points in overview.series.items()} == {
        c: figures[5] for c, figures in expected.items()
    }

    finance = make_admin("finance")
    platform = revenue.platform_totals(actor=finance.summary)
    assert {t.currency: _figures(t) for t in platform} == expected
    days = revenue.daily_revenue(actor=finance.summary)
    assert {c: (sum(d.gross for d in ds), sum(d.refunds for d in ds)) for c, ds in days.items()} == {
        c: (figures[1], figures[4]) for c, figures in expected.items()
    }

    dashboard = admin_metrics.dashboard_metrics(actor=finance.summary)
    assert {r.currency: (r.gross, r.platform_fee) for r in dashboard.revenue} == {
        c: (figures[1], figures[2]) for c, figures in expected.items()
    }
    assert dashboard.tickets_sold == sum(
        event_orders.event_orders(actor=owner.summary, event_id=event.id).totals.tickets for event, _ in events.values()
    )

    # The pages word the same figures alike: the event page's badge and the Orders tab come from one
    # value, and billing's balance card shows what admin revenue shows for this only workspace.
    page = state_for(EventManageState, token=owner.token, path=routes.event_manage_url(ws.id, kes.short_id))
    await run_handler(page, "load_event")
    orders_tab = await page.get_state(EventOrdersState)
    await run_handler(orders_tab, "load_orders")
    assert page.event_money == orders_tab.order_totals
    assert (orders_tab.order_totals.gross, orders_tab.order_totals.refunds, orders_tab.order_totals.net) == (
        "KES 7,875.00",
        "KES 1,000.00",
        "KES 6,280.00",
    )
    assert orders_tab.order_totals.tickets == 2
    billing_page = state_for(BillingState, token=owner.token, path=routes.workspace_url(ws.id, "billing"))
    await run_handler(billing_page, "load_billing")
    shown = {b.currency: b for b in billing_page.balances}
    for total in platform:
        platform_card = balance_text(total)
        assert (shown[total.currency].gross, shown[total.currency].refunds, shown[total.currency].net) == (
            platform_card.gross,
            platform_card.refunds,
            platform_card.net,
        )
