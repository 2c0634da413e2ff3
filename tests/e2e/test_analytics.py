"""Workspace analytics in a real browser (#22 §1): two buyers open the event page (one from a
campaign link) and pay through the sandbox, by card and by M-PESA (one then sees the summary on
/tickets); the organizer's analytics page
shows exactly those orders (tickets, money, channels, the event's funnel, the campaign, the buyers'
country), downloads a
table as CSV, and fits a phone."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import pick, seed_event
from tests.e2e.test_layout import assert_fits
from tests.e2e.test_workspaces import signed_in, verified_account

pytestmark = pytest.mark.e2e

# A person's browser: headless Chromium names itself "HeadlessChrome", which the view counter skips.
DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def _buyer(new_page, server: str, name: str) -> Page:
    page = new_page(user_agent=DESKTOP_CHROME)
    cookie = verified_account(server, unique_email("buyer"), name)
    page.context.add_cookies([{"name": "ep_session", "value": cookie, "url": server}])
    return page


def _buy(page: Page, server: str, path: str, count: int, channel: str) -> None:
    page.goto(path)
    pick(page, "Regular", count)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page.get_by_role("heading", name="Pay EventPalour")).to_be_visible()
    page.get_by_label(channel).check()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()


def _cells(page: Page, test_id: str) -> list[list[str]]:
    rows = page.get_by_test_id(test_id)
    return [[cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def test_the_analytics_page_shows_the_orders_made(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner_cookie = verified_account(server, owner_email, "Ana Lytics")
    owner = signed_in(new_page, server, owner_cookie)
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    carla = _buyer(new_page, server, "Carla Card")
    _buy(carla, server, f"/e/{event['short_id']}?utm_campaign=launch", 2, "Card")
    carla.goto("/tickets")  # the attendee's side: a summary above the tickets
    expect(carla.get_by_test_id("ticket-summary")).to_have_text(
        ["0 events attended", "1 upcoming event", "2 tickets to use"]
    )
    _buy(_buyer(new_page, server, "Moses Mpesa"), server, f"/e/{event['short_id']}", 1, "M-PESA")

    owner.goto(f"/workspace/{event['workspace_id']}")
    owner.get_by_role("link", name="Analytics").click()
    expect(owner.get_by_role("heading", name="Analytics", level=2)).to_be_visible()
    expect(owner.get_by_test_id("stat-tickets")).to_have_text("3 tickets sold")
    expect(owner.get_by_test_id("stat-orders")).to_have_text("2 orders")
    expect(owner.get_by_test_id("stat-views")).to_have_text("2")
    expect(owner.get_by_test_id("stat-checkouts")).to_have_text("2")
    expect(owner.get_by_test_id("stat-new-buyers")).to_have_text("2")
    # 3 × KES 1,500 paid; the platform's 5% absorbed; the sandbox's Paystack fees, whatever they are.
    money = _cells(owner, "money-row")
    assert [row[:3] for row in money] == [["KES", "2", "KES 4,500.00"]] and money[0][3] == "KES 225.00"
    assert money[0][5] == "KES 0.00"
    assert sorted(_cells(owner, "channels-row")) == [
        ["Card", "1", "KES 3,000.00"],
        ["Mobile money (M-Pesa)", "1", "KES 1,500.00"],
    ]
    assert _cells(owner, "tiers-row") == [[event["title"], "Regular", "3", "0"]]
    (row,) = _cells(owner, "events-row")
    assert row[:4] == [event["title"], "3", "2", "KES 4,500.00"]
    assert row[-4:] == ["0 of 3 (0%)", "2", "2", "100%"]
    assert _cells(owner, "campaigns-row") == [["launch", "1"]]
    # Where the buyers paid from: the sandbox's card and M-PESA wallet are Kenyan (authorization.
    # country_code); neither payment carried a billing address, so no city is known.
    expect(owner.get_by_role("heading", name="Buyers by country")).to_be_visible()
    assert _cells(owner, "countries-row") == [["Kenya", "2", "3"]]
    expect(owner.get_by_text("No buyer's city is known for this period")).to_be_visible()
    countries_href = owner.get_by_role("link", name="Download buyers by country as CSV").get_attribute("href")
    places = httpx.get(countries_href, cookies={"ep_session": owner_cookie}, timeout=10)
    assert list(csv.DictReader(io.StringIO(places.text))) == [
        {"country": "Kenya", "country code": "KE", "paid orders": "2", "tickets": "3"}
    ]
    expect(owner.locator(".recharts-bar-rectangle").first).to_be_attached()

    csv_href = owner.get_by_role("link", name="Download money as CSV").get_attribute("href")
    exported = httpx.get(csv_href, cookies={"ep_session": owner_cookie}, timeout=10)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(exported.text)))
    assert (row["currency"], row["paid orders"], row["gross"]) == ("KES", "2", "4500.00")

    # A period with nothing in it, and a custom one the wrong way round.
    owner.get_by_label("Period", exact=True).select_option("custom")
    owner.get_by_label("First day").fill("2026-01-31")
    owner.get_by_label("Last day").fill("2026-01-01")
    owner.get_by_role("button", name="Show").click()
    # Under the field (and in a toast), and the figures shown stay as they were.
    expect(owner.locator("#field-end-error")).to_have_text("The last day cannot come before the first.")
    expect(owner.get_by_test_id("stat-tickets")).to_have_text("3 tickets sold")
    owner.get_by_label("First day").fill("2025-01-01")
    owner.get_by_label("Last day").fill("2025-01-31")
    owner.get_by_role("button", name="Show").click()
    expect(owner.get_by_test_id("stat-tickets")).to_have_text("0 tickets sold")
    expect(owner.get_by_text("No tickets were sold in this period.").first).to_be_visible()

    owner.set_viewport_size({"width": 390, "height": 844})
    owner.reload()
    expect(owner.get_by_test_id("stat-tickets")).to_have_text("3 tickets sold")
    assert_fits(owner)
