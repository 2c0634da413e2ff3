"""Billing arithmetic (SPEC §5): balances per currency over orders in both fee modes, partial and
failed refunds and withdrawals; the 12-month series; the transactions list and its CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import billing, billing_transactions
from eventpalour.services.finance.billing_transactions import TransactionFilter
from eventpalour.services.platform.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout, payments
from tests.billing_support import insert_order, insert_refund, insert_withdrawal
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace


@dataclass(frozen=True)
class Sale:  # an order: subtotal and Paystack's fee in minor units
    currency: str
    subtotal: int
    provider: int
    fee_mode: str = "absorb"
    status: str = "completed"
    paid: bool = True


@dataclass(frozen=True)
class R:  # a refund of the n-th order
    order: int
    amount: int
    status: str


@dataclass(frozen=True)
class W:  # a withdrawal
    currency: str
    amount: int
    status: str


def money(gross, platform, provider, refunds, net, withdrawn=0, pending=0, available=None):
    return {
        "gross": gross,
        "platform_fees": platform,
        "provider_fees": provider,
        "refunds": refunds,
        "net": net,
        "withdrawn": withdrawn,
        "pending": pending,
        "available": net - withdrawn - pending if available is None else available,
    }


# Expected figures are worked out by hand: 5% platform fee (half up), absorbed or added to the price.
CASES = [
    pytest.param([Sale("KES", 100000, 2900)], [], [], {"KES": money(100000, 5000, 2900, 0, 92100)}, id="absorb"),
    pytest.param(
        [Sale("KES", 200000, 6000, "pass_on")], [], [], {"KES": money(210000, 10000, 6000, 0, 194000)}, id="pass-on"
    ),
    pytest.param([Sale("ZAR", 12345, 400)], [], [], {"ZAR": money(12345, 617, 400, 0, 11328)}, id="fee-rounds-half-up"),
    pytest.param(
        [Sale("KES", 300000, 9000, status="partially_refunded")],
        [R(0, 50000, "processed"), R(0, 20000, "pending"), R(0, 30000, "failed"), R(0, 10000, "queued")]
        + [R(0, 5000, "processing")],
        [],
        {"KES": money(300000, 15000, 9000, 85000, 276000 - 85000)},
        id="partial-refunds-failed-one-gives-back",
    ),
    pytest.param(
        [Sale("KES", 100000, 2900, status="refunded")],
        [R(0, 100000, "processed")],
        [],
        {"KES": money(100000, 5000, 2900, 100000, -7900)},
        id="full-refund-costs-the-fees",
    ),
    pytest.param(
        [Sale("GHS", 100000, 1950), Sale("GHS", 100000, 2050, "pass_on", status="partially_refunded")],
        [R(1, 10500, "processed")],
        [],
        {"GHS": money(205000, 10000, 4000, 10500, 93050 + 97950 - 10500)},
        id="both-fee-modes-one-currency",
    ),
    pytest.param(
        [
            Sale("KES", 50000, 1500),
            Sale("KES", 100000, 0, status="pending", paid=False),
            Sale("KES", 100000, 0, status="failed", paid=False),
            Sale("KES", 100000, 0, status="cancelled", paid=False),
            Sale("KES", 100000, 0, status="refunded", paid=False),  # paid after sell-out, refunded at once
        ],
        [R(4, 100000, "processed")],
        [],
        {"KES": money(50000, 2500, 1500, 0, 46000)},
        id="unpaid-and-late-payments-do-not-count",
    ),
    pytest.param(
        [Sale("KES", 1000000, 29000), Sale("USD", 10000, 390, "pass_on"), Sale("NGN", 5000000, 150000, "pass_on")],
        [R(1, 2000, "processed")],
        [
            W("KES", 300000, "paid"),
            W("KES", 200000, "requested"),
            W("KES", 100000, "rejected"),
            W("USD", 800, "requested"),
            W("NGN", 1200000, "paid"),
        ],
        {
            "KES": money(1000000, 50000, 29000, 0, 921000, withdrawn=300000, pending=200000, available=421000),
            "NGN": money(5250000, 250000, 150000, 0, 4850000, withdrawn=1200000, available=3650000),
            "USD": money(10500, 500, 390, 2000, 7610, pending=800, available=6810),
        },
        id="withdrawals-in-several-currencies",
    ),
]


@pytest.fixture
def books():
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(owner, ws.id)
    buyer = make_user()
    # Another workspace's money must never show up in this one's books.
    other_owner = make_organizer()
    other = make_workspace(other_owner, name="Other Crew")
    other_event = make_event(other_owner, other.id)
    other_order = insert_order(other_event, buyer.id, subtotal=777700, provider_fee=100)
    insert_refund(other_order, 1000, "processed")
    insert_withdrawal(other.id, other_owner.id, "KES", 100000, "requested")
    return owner, ws, event, buyer


def _figures(balance: billing.Balance) -> dict[str, int]:
    keys = ("gross", "platform_fees", "provider_fees", "refunds", "net", "withdrawn", "pending", "available")
    return {key: getattr(balance, key) for key in keys}


@pytest.mark.parametrize("orders, refunds, withdrawals, expected", CASES)
def test_balances_per_currency(books, orders, refunds, withdrawals, expected):
    owner, ws, event, buyer = books
    ids = [
        insert_order(
            event,
            buyer.id,
            currency=o.currency,
            subtotal=o.subtotal,
            provider_fee=o.provider,
            fee_mode=o.fee_mode,
            status=o.status,
            paid=o.paid,
        )
        for o in orders
    ]
    for r in refunds:
        insert_refund(ids[r.order], r.amount, r.status)
    for w in withdrawals:
        insert_withdrawal(ws.id, owner.id, w.currency, w.amount, w.status)

    overview = billing.billing_overview(actor=owner.summary, workspace_id=ws.id)
    assert {b.currency: _figures(b) for b in overview.balances} == expected
    assert overview.main_currency == max(expected, key=lambda c: expected[c]["gross"])


def test_a_workspace_without_sales_shows_zero_kes(books):
    owner, ws, _, _ = books
    overview = billing.billing_overview(actor=owner.summary, workspace_id=ws.id)
    assert [(b.currency, b.gross, b.available) for b in overview.balances] == [("KES", 0, 0)]
    assert [p.revenue for p in overview.series["KES"]] == [0] * 12


def test_balances_match_what_checkout_recorded():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        fee_mode="pass_on",
        tiers=[TierInput(name="Regular", price=150000, quantity=10)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    for fees in (4500, 4700):
        held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
        payments.settle(held.reference, VerifyResult("success", held.amount, "KES", fees, None, held.reference, {}))
    (kes,) = billing.billing_overview(actor=owner.summary, workspace_id=ws.id).balances
    # Passed on: each buyer paid KES 1,500 + 5% fee; Paystack's reported fees come off the share.
    assert (kes.paid_orders, kes.gross, kes.platform_fees, kes.provider_fees) == (2, 315000, 15000, 9200)
    assert kes.available == 315000 - 15000 - 9200


def _month_start(key: str) -> datetime:
    return datetime.strptime(key + "-15", "%Y-%m-%d").replace(tzinfo=UTC)


def test_series_has_twelve_months_of_revenue_fees_and_net(books):
    owner, ws, event, buyer = books
    keys = billing.month_keys(utcnow().date())
    assert len(keys) == 12 and keys[-1] == utcnow().strftime("%Y-%m")
    this_month = insert_order(event, buyer.id, subtotal=100000, provider_fee=2900, paid_at=_month_start(keys[-1]))
    insert_order(event, buyer.id, subtotal=200000, provider_fee=5000, paid_at=_month_start(keys[-3]))
    insert_order(event, buyer.id, subtotal=900000, provider_fee=0, paid_at=_month_start(keys[0]) - timedelta(days=40))
    insert_order(event, buyer.id, subtotal=50000, provider_fee=1000, currency="USD", paid_at=_month_start(keys[-1]))
    insert_refund(this_month, 30000, "processed", created_at=_month_start(keys[-1]))
    insert_refund(this_month, 20000, "failed", created_at=_month_start(keys[-1]))

    series = billing.billing_overview(actor=owner.summary, workspace_id=ws.id).series
    kes = {p.month: (p.revenue, p.fees, p.net) for p in series["KES"]}
    assert list(kes) == keys  # the order older than 12 months is left out
    assert kes[keys[-1]] == (100000, 5000 + 2900, 92100 - 30000)
    assert kes[keys[-3]] == (200000, 10000 + 5000, 185000)
    assert sum(v[0] for v in kes.values()) == 300000
    assert [p.revenue for p in series["USD"]][-1] == 50000


@pytest.mark.parametrize("role, allowed", [("owner", True), ("admin", True), ("moderator", False), ("member", False)])
def test_only_admins_and_the_owner_see_billing(books, role, allowed):
    owner, ws, _, _ = books
    person = owner
    if role != "owner":
        person = make_user()
        add_member(ws.id, person, role)
    calls = [
        lambda: billing.billing_overview(actor=person.summary, workspace_id=ws.id),
        lambda: billing_transactions.list_transactions(
            actor=person.summary, workspace_id=ws.id, filters=TransactionFilter()
        ),
        lambda: billing_transactions.transactions_csv(
            actor=person.summary, workspace_id=ws.id, filters=TransactionFilter()
        ),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied, match="admin or above"):
                call()
    with pytest.raises(NotAuthenticated):
        billing.billing_overview(actor=None, workspace_id=ws.id)


@pytest.fixture
def ledger(books):
    """A sale, a processed and a failed refund of it, a USD sale, a requested and a rejected payout."""
    owner, ws, event, buyer = books
    now = utcnow()
    sale = insert_order(event, buyer.id, subtotal=100000, provider_fee=2900, paid_at=now - timedelta(days=10))
    insert_refund(sale, 10000, "processed", created_at=now - timedelta(days=5))
    insert_refund(sale, 5000, "failed", created_at=now - timedelta(days=4))
    insert_order(event, buyer.id, subtotal=5000, provider_fee=200, currency="USD", paid_at=now - timedelta(days=3))
    insert_withdrawal(ws.id, owner.id, "KES", 40000, "requested")
    insert_withdrawal(ws.id, owner.id, "KES", 30000, "rejected")
    return owner, ws


def test_transactions_list_every_movement_with_its_effect(ledger):
    owner, ws = ledger
    page = billing_transactions.list_transactions(actor=owner.summary, workspace_id=ws.id, filters=TransactionFilter())
    assert page.total == 6
    assert sorted((r.kind, r.currency, r.amount, r.net, r.status) for r in page.rows) == [
        ("refund", "KES", 5000, 0, "failed"),
        ("refund", "KES", 10000, -10000, "processed"),
        ("sale", "KES", 100000, 92100, "completed"),
        ("sale", "USD", 5000, 5000 - 250 - 200, "completed"),
        ("withdrawal", "KES", 30000, 0, "rejected"),
        ("withdrawal", "KES", 40000, -40000, "requested"),
    ]
    assert [r.at for r in page.rows] == sorted((r.at for r in page.rows), reverse=True)
    sale = next(r for r in page.rows if r.kind == "sale" and r.currency == "KES")
    assert sale.detail == "Jazz on the Lawn" and sale.fees == 5000 + 2900 and sale.reference.startswith("EVT-")


@pytest.mark.parametrize(
    "filters, expected",
    [
        (TransactionFilter(kind="refund"), 2),
        (TransactionFilter(kind="withdrawal", currency="kes"), 2),
        (TransactionFilter(currency="USD"), 1),
        (TransactionFilter(kind="sale", currency="GHS"), 0),
        # The sale (10 days ago) and the refunds (5 and 4 days ago), but nothing from the last 3 days;
        # the days are counted when the test runs, as the ledger's rows are (a run crossing midnight
        # had them a day apart when counted at collection).
        (TransactionFilter(date_from="-12", date_to="-4"), 3),
    ],
)  # fmt: skip
def test_transactions_filters(ledger, filters, expected):
    owner, ws = ledger
    if filters.date_from.startswith("-"):
        day = lambda offset: (utcnow() + timedelta(days=int(offset))).date().isoformat()  # noqa: E731
        filters = replace(filters, date_from=day(filters.date_from), date_to=day(filters.date_to))
    page = billing_transactions.list_transactions(actor=owner.summary, workspace_id=ws.id, filters=filters)
    assert page.total == expected == len(page.rows)


def test_transactions_come_in_pages_and_the_csv_has_the_same_rows(ledger, monkeypatch):
    owner, ws = ledger
    monkeypatch.setattr(billing_transactions, "PAGE_SIZE", 4)
    pages = [
        billing_transactions.list_transactions(
            actor=owner.summary, workspace_id=ws.id, filters=TransactionFilter(), page=n
        )
        for n in (1, 2)
    ]
    assert [len(p.rows) for p in pages] == [4, 2]
    listed = [r for p in pages for r in p.rows]
    exported = list(
        csv.DictReader(
            io.StringIO(
                billing_transactions.transactions_csv(
                    actor=owner.summary, workspace_id=ws.id, filters=TransactionFilter()
                )
            )
        )
    )
    assert [(row["type"], row["reference"], row["status"]) for row in exported] == [
        (r.kind, r.reference, r.status) for r in listed
    ]
    refund = next(row for row in exported if row["type"] == "refund" and row["status"] == "processed")
    assert (refund["currency"], refund["amount"], refund["net"]) == ("KES", "100.00", "-100.00")


def test_csv_cells_cannot_run_as_formulas(books):
    owner, ws, _, buyer = books
    sneaky = make_event(owner, ws.id, title='=HYPERLINK("http://evil")')
    insert_order(sneaky, buyer.id, subtotal=1000, provider_fee=0)
    exported = billing_transactions.transactions_csv(
        actor=owner.summary, workspace_id=ws.id, filters=TransactionFilter()
    )
    assert "'=HYPERLINK" in exported


def test_bad_filters_are_named(books):
    owner, ws, _, _ = books
    with pytest.raises(ValidationFailed) as problem:
        billing_transactions.list_transactions(
            actor=owner.summary,
            workspace_id=ws.id,
            filters=TransactionFilter(kind="gifts", currency="EUR", date_from="2026-02-30", date_to="soon"),
        )
    assert sorted(d.path[0] for d in problem.value.details) == ["currency", "date_from", "date_to", "kind"]
    with pytest.raises(ValidationFailed) as backwards:
        billing_transactions.list_transactions(
            actor=owner.summary,
            workspace_id=ws.id,
            filters=TransactionFilter(date_from="2026-03-02", date_to="2026-03-01"),
        )
    assert [d.path for d in backwards.value.details] == [("date_to",)]
