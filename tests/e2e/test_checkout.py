"""Checkout in a real browser against the Paystack sandbox: buy two paid tickets and see them, a
failed payment that releases the seats, a free registration, and the organizer's Orders tab."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e import seeding
from tests.e2e.conftest import at_path, newest_email, unique_email
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def seed_event(
    database_url: str,
    owner_email: str,
    *,
    pricing: str,
    tiers: list[dict],
    kyc: bool = True,
    publish: bool = True,
    fee_mode: str = "absorb",
) -> dict:
    """An event of a new workspace owned by `owner_email` (see seed_event.py): by default the
    workspace's KYC is approved and the event published."""
    tag = uuid.uuid4().hex[:6]
    spec = {
        "kyc": kyc,
        "publish": publish,
        "owner_email": owner_email,
        "workspace": f"Checkout Crew {tag}",
        "event": {"title": f"Benga Night {tag}", "pricing": pricing, "fee_mode": fee_mode},
        "tiers": tiers,
    }
    return {**seeding.seed("seed_event", spec, database_url), "title": spec["event"]["title"]}


def tier_held(database_url: str, tier_id: str) -> tuple[int, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT sold, held FROM ticket_tiers WHERE id = :id"), {"id": tier_id}).one()
    finally:
        engine.dispose()
    return row.sold, row.held


# Two Regular tickets of a pass_on event at PLATFORM_FEE_PERCENT 5: (label, figure) per line.
PRICES = [("Tickets × 2", "KES 3,000.00"), ("Platform fee (5%)", "KES 150.00"), ("Total", "KES 3,150.00")]
PRICE_LINES = [label + value for label, value in PRICES]  # a line's text: its label, then its figure


def buyer_page(new_page, server: str, name: str) -> tuple[Page, str]:
    email = unique_email("buyer")
    return signed_in(new_page, server, verified_account(server, email, name)), email


def pick(page: Page, tier: str, count: int) -> None:
    for _ in range(count):
        page.get_by_role("button", name=f"One more {tier}").click()


def buy_through_sandbox(page: Page, server: str, short_id: str, tier: str, count: int) -> None:
    """Hold `count` tickets of `tier` on the event page and pay for them on the sandbox checkout."""
    page.goto(f"/e/{short_id}")
    pick(page, tier, count)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()


def test_buy_two_paid_tickets_through_the_sandbox_and_see_them(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Olive Organizer"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        fee_mode="pass_on",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    page, email = buyer_page(new_page, server, "Brian Buyer")

    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    pick(page, "Regular", 2)
    # The breakdown before paying: the tickets, the platform fee the buyer pays on top (5%), the total.
    expect(page.get_by_test_id("price-line")).to_have_text(PRICE_LINES)
    expect(page.locator("#total")).to_have_text("KES 3,150.00")
    page.get_by_role("button", name="Checkout").click()

    expect(page.get_by_text("2 tickets held for you")).to_be_visible()
    expect(page.get_by_role("timer", name="Time left to pay")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (0, 2)
    page.get_by_role("button", name="Pay KES 3,150.00").click()

    expect(page.get_by_role("heading", name="Pay EventPalour")).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()

    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?.*reference=EVT-"))
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()
    tickets = page.get_by_test_id("ticket")
    expect(tickets).to_have_count(2)
    expect(tickets.first.get_by_role("img", name=re.compile(r"^QR code for ticket [A-Z2-9]{8}$"))).to_be_visible()
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (2, 0)

    confirmation = newest_email(server, email, "order_confirmation")
    assert confirmation["subject"] == f"Your tickets for {event['title']}"
    for code in tickets.locator("code").all_inner_texts():
        assert code in confirmation["text_body"]
    for label, value in PRICES:  # the same lines, from the figures stored on the order
        assert f"{label}: {value}" in confirmation["text_body"]

    page.get_by_role("link", name="Your orders").click()
    page.wait_for_url(at_path(server, "/account/orders"))
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    expect(page.get_by_test_id("order-price-line")).to_have_text(PRICE_LINES)
    page.goto(f"/e/{event['short_id']}")  # the event page shows them too, and still sells more
    expect(page.get_by_text("Your tickets:")).to_be_visible()
    expect(page.get_by_test_id("ticket")).to_have_count(2)
    expect(page.get_by_role("button", name="One more Regular")).to_be_visible()

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Orders").click()
    row = owner.get_by_test_id("order-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(email)
    expect(row).to_contain_text("Paid")
    expect(owner.get_by_label("Sales totals")).to_contain_text("KES 3,150.00")


def test_a_failed_payment_releases_the_seats_and_offers_a_retry(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Faith Organizer")
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "VIP", "price": 500000, "quantity": 3}]
    )
    page, _ = buyer_page(new_page, server, "Fred Buyer")

    page.goto(f"/e/{event['short_id']}")
    pick(page, "VIP", 1)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Pay KES 5,000.00").click()
    page.get_by_role("button", name="Fail").click()

    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(page.get_by_role("heading", name="Payment not completed")).to_be_visible()
    assert tier_held(e2e_database_url, event["tiers"]["VIP"]) == (0, 0)
    page.get_by_role("link", name="Try again").click()
    page.wait_for_url(at_path(server, f"/e/{event['short_id']}"))
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()

    # Holding again and letting go gives the seat back at once.
    pick(page, "VIP", 1)
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_text("1 ticket held for you")).to_be_visible()
    page.get_by_role("button", name="Cancel order").click()
    expect(toast(page, "Order cancelled. The tickets are released.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    assert tier_held(e2e_database_url, event["tiers"]["VIP"]) == (0, 0)


def test_free_registration_shows_the_ticket_and_refuses_a_second_one(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Grace Organizer")
    event = seed_event(
        e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "price": 0, "quantity": 50}]
    )
    page, email = buyer_page(new_page, server, "Gina Guest")

    # The page's HTML preloads its own chunk from the build (api/preload.py), which the server has.
    shell = httpx.get(f"{server}/e/{event['short_id']}").text
    chunk = re.search(r'<link rel="modulepreload" href="(/assets/_e_\.__short_id_[^"]+\.js)"', shell)
    assert chunk is not None and httpx.get(server + chunk.group(1)).status_code == 200

    page.goto(f"/e/{event['short_id']}")
    pick(page, "Entry", 1)
    expect(page.locator("#total")).to_have_text("Free")
    page.get_by_role("button", name="Register").click()
    expect(toast(page, "You're registered!")).to_be_visible()
    ticket = page.get_by_test_id("ticket")
    expect(ticket).to_have_count(1)
    code = ticket.locator("code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    confirmation = newest_email(server, email, "order_confirmation")
    assert confirmation["subject"] == f"You're registered: {event['title']}"
    assert code in confirmation["text_body"]

    # Coming back shows the registration instead of offering a second one.
    page.reload()
    expect(page.get_by_text("You're registered! Your tickets:")).to_be_visible()
    expect(page.get_by_test_id("ticket").locator("code")).to_have_text(code)
    expect(page.get_by_role("button", name="One more Entry")).to_have_count(0)
    expect(page.get_by_role("button", name="Register")).to_have_count(0)
    assert tier_held(e2e_database_url, event["tiers"]["Entry"]) == (1, 0)
