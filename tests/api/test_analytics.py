"""Analytics over real HTTP (#22 §1): views of /e/{short_id} counted by the page middleware (robots
not), and GET /api/workspace/{id}/analytics/{table}.csv: the tables, their period, who may have them."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Order, ViewDay
from eventpalour.models.types import utcnow
from eventpalour.services import finance
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, payments
from tests.api.support import with_session
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.paystack_support import settle as sandbox_settle

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def shop():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    tier = TierInput(name="Regular", price=250000, quantity=40, max_per_order=5)
    event = make_event(owner, ws.id, publish=True, pricing="paid", currency="KES", tiers=[tier], title="Jazz Night")
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    for quantity, channel in ((2, "card"), (1, "mobile_money")):
        held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: quantity})
        verified = VerifyResult("success", held.amount, "KES", 4000, None, held.reference, {"channel": channel})
        payments.settle(held.reference, verified)
    return owner, ws, event


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.text)))


def _views() -> list[tuple[str, str, int]]:
    finance.fold_all_rollups()  # the deltas the views appended, as every read does
    with read_only() as session:
        return sorted((v.referrer_host, v.campaign, v.views) for v in session.exec(select(ViewDay)).all())


def test_event_page_views_are_counted_without_robots(http: httpx.Client, shop):
    _owner, _ws, event = shop
    page = f"/e/{event.short_id}"
    assert http.get(page, headers={"User-Agent": CHROME, "Referer": "https://t.co/abc"}).status_code == 200
    assert http.get(page + "?utm_campaign=launch", headers={"User-Agent": CHROME}).status_code == 200
    assert http.get(page, headers={"User-Agent": "Twitterbot/1.0"}).status_code == 200  # previewed, not counted
    assert http.get("/e/nosuchevent", headers={"User-Agent": CHROME}).status_code == 404
    # A view is counted after its page has gone out (api/og.py), so the last may still be on its way.
    deadline = time.monotonic() + 10
    while _views() != [("", "launch", 1), ("t.co", "", 1)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _views() == [("", "launch", 1), ("t.co", "", 1)]


def test_every_table_downloads_for_the_chosen_period(http: httpx.Client, shop):
    owner, ws, event = shop
    client = with_session(http, owner.token)
    base = f"/api/workspace/{ws.id}/analytics"
    daily = _csv(client.get(f"{base}/daily.csv", params={"span": "7"}))
    assert len(daily) == 7
    assert (daily[-1]["day (UTC)"], daily[-1]["tickets issued"]) == (utcnow().date().isoformat(), "3")
    (money,) = _csv(client.get(f"{base}/money.csv"))
    assert (money["currency"], money["paid orders"], money["refunds"]) == ("KES", "2", "0.00")
    assert float(money["gross"]) >= 7500 and float(money["net"]) < float(money["gross"])
    assert (daily[-1]["currency"], daily[-1]["gross"]) == ("KES", money["gross"])
    channels = _csv(client.get(f"{base}/channels.csv"))
    assert sorted((c["channel"], c["paid orders"]) for c in channels) == [("Card", "1"), ("Mobile money (M-Pesa)", "1")]
    (tier,) = _csv(client.get(f"{base}/tiers.csv", params={"event": event.id}))
    assert (tier["event"], tier["tier"], tier["tickets sold"]) == ("Jazz Night", "Regular", "3")
    (row,) = _csv(client.get(f"{base}/events.csv"))
    assert (row["event"], row["tickets sold"], row["checkouts started"], row["check-in rate %"]) == (
        "Jazz Night",
        "3",
        "2",
        "0",
    )
    assert _csv(client.get(f"{base}/buyers.csv")) == [
        {"buyers": "new", "sales": "2"},
        {"buyers": "returning", "sales": "0"},
    ]
    assert _csv(client.get(f"{base}/referrers.csv")) == [] and _csv(client.get(f"{base}/campaigns.csv")) == []
    before = (utcnow() - timedelta(days=40)).date()
    old = {"span": "custom", "start": before.isoformat(), "end": (before + timedelta(days=1)).isoformat()}
    assert [r["tickets issued"] for r in _csv(client.get(f"{base}/daily.csv", params=old))] == ["0", "0"]


def test_bad_periods_and_tables_are_refused(http: httpx.Client, shop):
    owner, ws, _event = shop
    client = with_session(http, owner.token)
    base = f"/api/workspace/{ws.id}/analytics"
    bad = client.get(f"{base}/daily.csv", params={"span": "custom", "start": "2026-11-30", "end": "2026-11-01"})
    assert bad.status_code == 400
    assert bad.json()["details"] == [{"path": ["end"], "message": "The last day cannot come before the first."}]
    other = make_event(owner, make_workspace(owner, name="Elsewhere").id)
    wrong = client.get(f"{base}/daily.csv", params={"event": other.id})
    assert wrong.status_code == 400 and wrong.json()["details"][0]["path"] == ["event"]
    assert client.get(f"{base}/secrets.csv").status_code == 404


def test_moderators_get_counts_and_never_money(http: httpx.Client, shop):
    _owner, ws, _event = shop
    base = f"/api/workspace/{ws.id}/analytics"
    assert http.get(f"{base}/daily.csv").status_code == 401
    moderator, member = make_user(), make_user()
    add_member(ws.id, moderator, "moderator")
    add_member(ws.id, member, "member")
    client = with_session(http, moderator.token)
    daily = _csv(client.get(f"{base}/daily.csv"))
    assert list(daily[0]) == ["day (UTC)", "tickets issued"]
    (row,) = _csv(client.get(f"{base}/events.csv"))
    assert "gross" not in row and "net" not in row
    refused = client.get(f"{base}/money.csv")
    assert refused.status_code == 403 and "admins" in refused.json()["error"]
    assert with_session(http, member.token).get(f"{base}/daily.csv").status_code == 403


def test_buyers_by_country_after_sandbox_payments(http: httpx.Client, api_url, sandbox):
    """Paid through the Paystack sandbox (its verify answer carries authorization.country_code, per
    the contract): the order keeps the country and countries.csv counts it; no billing address came,
    so no city is known."""
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    for currency, quantity in (("KES", 2), ("NGN", 1), ("KES", 1)):
        tier = TierInput(name="Regular", price=250000, quantity=40, max_per_order=5)
        event = make_event(owner, ws.id, publish=True, pricing="paid", currency=currency, tiers=[tier])
        tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
        buyer = make_user()
        held = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: quantity})
        payments.start_payment(actor=buyer.summary, order_id=held.order_id)
        sandbox_settle(held.reference, "pay", wait_for_webhook=True)
        with read_only() as session:
            order = session.get(Order, held.order_id)
            assert (order.status, order.buyer_country) == ("completed", "KE" if currency == "KES" else "NG")
    client = with_session(http, owner.token)
    base = f"/api/workspace/{ws.id}/analytics"
    assert _csv(client.get(f"{base}/countries.csv")) == [
        {"country": "Kenya", "country code": "KE", "paid orders": "2", "tickets": "3"},
        {"country": "Nigeria", "country code": "NG", "paid orders": "1", "tickets": "1"},
    ]
    assert _csv(client.get(f"{base}/cities.csv")) == []
    moderator = make_user()
    add_member(ws.id, moderator, "moderator")
    rows = _csv(with_session(http, moderator.token).get(f"{base}/countries.csv", params={"span": "7"}))
    assert [(r["country"], r["paid orders"]) for r in rows] == [("Kenya", "2"), ("Nigeria", "1")]
