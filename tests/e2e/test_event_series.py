"""Recurring events in a real browser (#22 §3): the organizer repeats a paid event weekly for 4 dates
from the Repeat tab (a bad count gets its field error first), a buyer picks the 2nd date on the public
page and buys for it, only that date's seats move, and the organizer cancels that date alone."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import enable_two_factor_api, unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def _dates(database_url: str, short_id: str) -> list[tuple[str, str, int]]:
    """(short id, status, seats sold) of every date of the event's series, in date order."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT e.short_id, e.status, t.sold FROM events e JOIN ticket_tiers t ON t.event_id = e.id "
                    "WHERE e.series_id = (SELECT series_id FROM events WHERE short_id = :short_id) "
                    "ORDER BY e.start_at"
                ),
                {"short_id": short_id},
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def test_weekly_series_buyer_picks_the_second_date_and_one_date_is_cancelled(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Rita Repeater")
    enable_two_factor_api(server, cookie)  # cancelling a date with paid orders refunds them
    owner = signed_in(new_page, server, cookie)
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 10}]
    )
    first = event["short_id"]

    owner.goto(f"/workspace/{event['workspace_id']}/events/{first}")
    owner.get_by_role("tab", name="Repeat").click()
    owner.get_by_role("radio", name="Weekly").click()
    owner.get_by_label("Number of dates", exact=True).fill("120")
    owner.get_by_role("button", name="Create dates").click()
    expect(owner.locator("#series-count-error")).to_have_text("Choose 2 to 100 dates.")
    owner.get_by_label("Number of dates", exact=True).fill("4")
    # Leave the field and let its error go first: removing the error line moves the button, and a
    # press whose mouse-up lands after that move misses it.
    owner.get_by_label("Number of dates", exact=True).blur()
    expect(owner.locator("#series-count-error")).to_have_count(0)
    owner.get_by_role("button", name="Create dates").click()
    expect(toast(owner, "The event now repeats: Every week · 4 dates.")).to_be_visible()
    expect(owner.get_by_test_id("series-date")).to_have_count(4)
    dates = _dates(e2e_database_url, first)
    assert [(status, sold) for _, status, sold in dates] == [("active", 0)] * 4 and dates[0][0] == first
    second = dates[1][0]

    buyer, _ = buyer_page(new_page, server, "Bea Buyer")
    buyer.goto(f"/e/{first}")
    picker = buyer.get_by_role("navigation", name="Pick a date")
    expect(picker.get_by_role("link")).to_have_count(3)  # the page's own date is marked, not linked
    expect(picker).to_contain_text("10 tickets left")
    picker.get_by_role("link").first.click()
    buyer.wait_for_url(re.compile(rf"/e/{second}$"))
    # The new date's page has loaded once its picker links the first date: a "+" pressed before that
    # is undone by the load, which starts the quantities again from zero.
    expect(picker.get_by_role("link").first).to_have_attribute("href", f"/e/{first}")
    pick(buyer, "Regular", 2)
    expect(buyer.get_by_role("button", name="One fewer Regular")).to_be_enabled()
    buyer.get_by_role("button", name="Checkout").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay ")).click()
    buyer.get_by_role("button", name="Pay", exact=True).click()
    buyer.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(buyer.get_by_role("heading", name="You're going!")).to_be_visible()
    assert [sold for _, _, sold in _dates(e2e_database_url, first)] == [0, 2, 0, 0]
    buyer.goto(f"/e/{first}")
    expect(buyer.get_by_role("navigation", name="Pick a date")).to_contain_text("8 tickets left")

    owner.get_by_test_id("series-date").nth(1).get_by_role("link").click()
    owner.wait_for_url(re.compile(rf"/events/{second}$"))
    owner.get_by_role("button", name="Cancel event").click()
    owner.get_by_role("alertdialog").get_by_role("button", name="Cancel event").click()
    expect(toast(owner, "Event cancelled. Buyers are being refunded")).to_be_visible()
    assert [status for _, status, _ in _dates(e2e_database_url, first)] == ["active", "cancelled", "active", "active"]

    buyer.goto(f"/e/{first}")
    picker = buyer.get_by_role("navigation", name="Pick a date")
    expect(picker.get_by_role("link")).to_have_count(2)  # the cancelled date is no longer offered
    expect(picker.get_by_role("link", name=re.compile("10 tickets left"))).to_have_count(2)


def _repeat_weekly(server: str, cookie: str, short_id: str, count: int) -> None:
    """Make the event a weekly series through the API (the Repeat tab's own form is tested above)."""
    response = httpx.post(
        f"{server}/api/events/{short_id}/series",
        json={"rule": "weekly", "count": count},
        cookies={"ep_session": cookie},
        timeout=10,
    )
    assert response.status_code == 201, response.text


def test_extend_a_weekly_series_by_four_dates_after_a_preview(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Ezra Extender")
    event = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "quantity": 20}])
    first = event["short_id"]
    _repeat_weekly(server, cookie, first, 4)
    owner = signed_in(new_page, server, cookie)
    owner.goto(f"/workspace/{event['workspace_id']}/events/{first}")
    owner.get_by_role("tab", name="Repeat").click()
    expect(owner.get_by_test_id("series-date")).to_have_count(4)
    owner.get_by_role("radio", name="Add dates after the last one").click()
    owner.get_by_label("Dates to add", exact=True).fill("4")
    owner.get_by_label("Dates to add", exact=True).blur()
    owner.get_by_role("button", name="Preview changes").click()
    expect(owner.get_by_test_id("series-added")).to_have_count(4)
    expect(owner.get_by_text("The series will have 8 dates.")).to_be_visible()
    assert len(_dates(e2e_database_url, first)) == 4  # the preview changed nothing
    owner.get_by_role("button", name="Confirm changes").click()
    expect(toast(owner, "Dates updated: Every week · 8 dates.")).to_be_visible()
    expect(owner.get_by_test_id("series-date")).to_have_count(8)
    dates = _dates(e2e_database_url, first)
    assert [status for _, status, _ in dates] == ["active"] * 8

    buyer = new_page()
    buyer.goto(f"/e/{first}")
    picker = buyer.get_by_role("navigation", name="Pick a date")
    expect(picker.get_by_role("link")).to_have_count(7)
    picker.get_by_role("link").last.click()
    buyer.wait_for_url(re.compile(rf"/e/{dates[-1][0]}$"))
    expect(buyer.get_by_role("heading", name=event["title"])).to_be_visible()


def test_events_lists_a_series_once_with_its_more_dates(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Lia Lister")
    event = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "quantity": 20}])
    _repeat_weekly(server, cookie, event["short_id"], 5)
    visitor = new_page()
    visitor.goto(f"/events?q={event['title'].split()[-1]}")
    cards = visitor.get_by_role("link", name=re.compile(event["title"]))
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("+4 more dates")
    cards.click()
    visitor.wait_for_url(re.compile(rf"/e/{event['short_id']}$"))
    expect(visitor.get_by_role("navigation", name="Pick a date").get_by_role("link")).to_have_count(4)


def _paid(database_url: str, short_id: str) -> list[tuple[int, str]]:
    """(unit price, order status) of every order line of one date."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT i.unit_price, o.status FROM order_items i JOIN orders o ON o.id = i.order_id "
                    "JOIN events e ON e.id = o.event_id WHERE e.short_id = :short_id"
                ),
                {"short_id": short_id},
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def _prices(database_url: str, first: str) -> list[int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT t.price FROM events e JOIN ticket_tiers t ON t.event_id = e.id "
                    "WHERE e.series_id = (SELECT series_id FROM events WHERE short_id = :short_id) "
                    "ORDER BY e.start_at"
                ),
                {"short_id": first},
            ).all()
    finally:
        engine.dispose()
    return [row[0] for row in rows]


def test_a_new_price_for_the_third_and_later_dates(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Pia Pricer")
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 10}]
    )
    first = event["short_id"]
    _repeat_weekly(server, cookie, first, 4)
    dates = [short_id for short_id, _, _ in _dates(e2e_database_url, first)]

    owner = signed_in(new_page, server, cookie)
    owner.goto(f"/workspace/{event['workspace_id']}/events/{dates[2]}")
    owner.get_by_role("tab", name="Tickets").click()
    owner.get_by_label("Price (KES)").fill("2000")
    owner.get_by_role("checkbox", name=re.compile("Also apply to the later dates of this series")).click()
    owner.get_by_role("button", name="Save tickets").click()
    expect(toast(owner, "Tickets saved for this date and 1 later date.")).to_be_visible()
    assert _prices(e2e_database_url, first) == [150000, 150000, 200000, 200000]

    buyer, _ = buyer_page(new_page, server, "Dee Fourth")
    buyer.goto(f"/e/{dates[1]}")
    expect(buyer.get_by_text("KES 1,500.00").first).to_be_visible()
    buyer.goto(f"/e/{dates[3]}")
    expect(buyer.get_by_text("KES 2,000.00").first).to_be_visible()
    pick(buyer, "Regular", 1)
    buyer.get_by_role("button", name="Checkout").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay ")).click()
    buyer.get_by_role("button", name="Pay", exact=True).click()
    buyer.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(buyer.get_by_role("heading", name="You're going!")).to_be_visible()
    assert _paid(e2e_database_url, dates[3]) == [(200000, "completed")]
    assert _paid(e2e_database_url, dates[1]) == []


def test_a_new_rule_from_the_second_date_keeps_a_sold_date_and_says_why(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Remy Ruler")
    event = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "quantity": 20}])
    first = event["short_id"]
    _repeat_weekly(server, cookie, first, 5)
    dates = [short_id for short_id, _, _ in _dates(e2e_database_url, first)]
    buyer, _ = buyer_page(new_page, server, "Kim Keeper")
    buyer.goto(f"/e/{dates[2]}")
    pick(buyer, "Entry", 1)
    expect(buyer.locator("#total")).to_have_text("Free")
    buyer.get_by_role("button", name="Register").click()
    expect(toast(buyer, "You're registered!")).to_be_visible()

    owner = signed_in(new_page, server, cookie)
    owner.goto(f"/workspace/{event['workspace_id']}/events/{dates[1]}")
    owner.get_by_role("tab", name="Repeat").click()
    owner.get_by_role("radio", name="Change the rule from this date").click()
    owner.get_by_label("Every", exact=True).fill("2")
    owner.get_by_label("Number of dates", exact=True).fill("2")
    owner.get_by_label("Number of dates", exact=True).blur()
    owner.get_by_role("button", name="Preview changes").click()
    # From the 2nd date every two weeks, two dates: the 2nd and the 4th. The 3rd has a registration
    # and stays; the 5th goes.
    expect(owner.get_by_test_id("series-kept")).to_have_count(1)
    expect(owner.get_by_test_id("series-kept")).to_contain_text("tickets are sold or reserved for it")
    expect(owner.get_by_test_id("series-removed")).to_have_count(1)
    expect(owner.get_by_test_id("series-added")).to_have_count(0)
    owner.get_by_role("button", name="Confirm changes").click()
    expect(toast(owner, "Dates updated: Every 2 weeks · 4 dates.")).to_be_visible()
    assert [short_id for short_id, _, _ in _dates(e2e_database_url, first)] == dates[:4]
