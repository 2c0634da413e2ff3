"""Refunds in a real browser (the sandbox settles refunds by itself after a few seconds here): a
partial refund from the event's Orders tab, cancelling an event that has paid orders, and an
underpaid payment refunded automatically and shown to the organizer and to finance."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import _server_env, enable_two_factor_api, newest_email, unique_email
from tests.e2e.test_checkout import buy_through_sandbox, buyer_page, pick, seed_event, tier_held
from tests.e2e.test_workspaces import signed_in, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e
QUICK_REFUND_SECONDS = 1  # each step of a sandbox refund (5 s by default in development)


@pytest.fixture(scope="module", autouse=True)
def quick_refunds(server: str, e2e_database_url: str) -> Iterator[None]:
    """Refunds settle in about 3 s instead of 15 here, through the sandbox's own switch; the default
    is put back for the tests after these."""

    def set_refund_seconds(seconds: float) -> None:
        answer = httpx.put(
            f"{server}/api/sandbox/paystack/_test/controls",
            json={"refund_auto_seconds": seconds},
            headers={"Authorization": f"Bearer {sandbox_secret_key(e2e_database_url)}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text

    set_refund_seconds(QUICK_REFUND_SECONDS)
    yield
    set_refund_seconds(5)


def open_orders(owner: Page, event: dict) -> None:
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Orders").click()


def test_partial_refund_from_the_orders_page(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Rose Refunder")
    enable_two_factor_api(server, cookie)  # refunds need it
    owner = signed_in(new_page, server, cookie)
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 10}]
    )
    buyer, _ = buyer_page(new_page, server, "Ben Buyer")
    buy_through_sandbox(buyer, server, event["short_id"], "Regular", 2)

    open_orders(owner, event)
    owner.get_by_role("button", name=re.compile(r"^Refund order EVT-")).click()
    dialog = owner.get_by_role("dialog")
    expect(dialog).to_contain_text("Up to KES 3,000.00 can still be refunded.")
    dialog.get_by_label("Amount (KES)").fill("5000")
    dialog.get_by_role("button", name="Refund", exact=True).click()
    expect(dialog.get_by_role("alert").first).to_contain_text("Say why you are refunding")

    dialog.get_by_role("checkbox").first.click()
    expect(dialog.get_by_label("Amount (KES)")).to_have_value("1500.00")
    dialog.get_by_label("Reason (the buyer sees it)").fill("One guest cannot come.")
    dialog.get_by_role("button", name="Refund", exact=True).click()
    expect(toast(owner, "Refund of KES 1,500.00 started.")).to_be_visible()
    expect(dialog).to_have_count(0)
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (2, 0)

    # Paystack (the sandbox) completes it moments later; the webhook updates the order.
    row = owner.get_by_test_id("order-row")
    for _ in range(40):
        open_orders(owner, event)
        if "Refunded" in row.inner_text():
            break
        owner.wait_for_timeout(1000)
    expect(row).to_contain_text("Partly refunded")
    expect(row).to_contain_text("Refunded")
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (1, 0)


def test_cancel_an_event_with_paid_orders(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Carl Canceller")
    owner = signed_in(new_page, server, cookie)
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "VIP", "price": 400000, "quantity": 10}]
    )
    buyer, _ = buyer_page(new_page, server, "Cleo Buyer")
    buy_through_sandbox(buyer, server, event["short_id"], "VIP", 1)

    # Cancelling refunds the paid order, so without two-factor the page says so before any click.
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    notice = owner.get_by_role("note", name="Cancelling needs two-factor sign-in")
    expect(notice).to_contain_text("before cancelling an event with paid orders")
    expect(owner.get_by_role("button", name="Cancel event")).to_be_disabled()
    expect(notice.get_by_role("link", name="Set up two-factor sign-in")).to_have_attribute(
        "href", "/account?two_factor=cancel_event#two-factor"
    )
    owner.get_by_role("tab", name="Orders").click()
    expect(owner.get_by_role("note", name="Refunds need two-factor sign-in")).to_be_visible()
    expect(owner.get_by_role("button", name=re.compile(r"^Refund order EVT-"))).to_have_count(0)

    enable_two_factor_api(server, cookie)  # this session passes it
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    expect(owner.get_by_role("button", name="Cancel event")).to_be_enabled()
    expect(owner.get_by_role("note", name="Cancelling needs two-factor sign-in")).to_have_count(0)
    owner.get_by_role("button", name="Cancel event").click()
    expect(owner.get_by_role("alertdialog")).to_contain_text("every paid order is refunded in full")
    owner.get_by_role("alertdialog").get_by_role("button", name="Cancel event").click()
    expect(toast(owner, "Event cancelled. Buyers are being refunded")).to_be_visible()

    progress = owner.get_by_label("Refund progress")
    for _ in range(40):
        open_orders(owner, event)
        expect(progress).to_be_visible()
        if "1 of 1 processed" in progress.inner_text():
            break
        owner.wait_for_timeout(1000)
    expect(progress).to_contain_text("1 of 1 processed")
    expect(owner.get_by_test_id("order-row")).to_contain_text("Refunded")

    buyer.goto(f"/e/{event['short_id']}")
    expect(buyer.get_by_text("This event was cancelled.")).to_be_visible()


def sandbox_secret_key(database_url: str) -> str:
    """The sandbox's secret key on the e2e server (derived from its SECRET_KEY, as the app derives it)."""
    secret = _server_env(0, database_url, Path("."))["SECRET_KEY"]
    return "sk_test_" + hmac.new(secret.encode(), b"paystack-sandbox-sk", hashlib.sha256).hexdigest()[:40]


def newest_reference(database_url: str, buyer_email: str) -> str:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT o.reference FROM orders o JOIN users u ON u.id = o.buyer_id "
                    "WHERE u.email = :email ORDER BY o.created_at DESC"
                ),
                {"email": buyer_email},
            ).scalar_one()
    finally:
        engine.dispose()


def test_an_underpaid_payment_is_refunded_and_shown_as_a_mismatch(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Mia Mismatch"))
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 10}]
    )
    buyer, buyer_email = buyer_page(new_page, server, "Uma Underpaid")
    buyer.goto(f"/e/{event['short_id']}")
    pick(buyer, "Regular", 2)
    buyer.get_by_role("button", name="Checkout").click()
    buyer.get_by_role("button", name="Pay KES 3,000.00").click()
    expect(buyer.get_by_role("heading", name="Pay EventPalour")).to_be_visible()

    # The buyer's bank transfer brings KES 1,000.00 only: the sandbox charges that instead.
    reference = newest_reference(e2e_database_url, buyer_email)
    paid = httpx.post(
        f"{server}/api/sandbox/paystack/_test/transactions/{reference}/pay",
        json={"amount": 100000, "wait_for_webhook": True},
        headers={"Authorization": f"Bearer {sandbox_secret_key(e2e_database_url)}"},
        timeout=30,
    )
    assert paid.status_code == 200 and paid.json()["webhook"]["status_code"] == 200, paid.text
    buyer.goto(f"/checkout/return?trxref={reference}&reference={reference}")
    expect(buyer.get_by_role("heading", name="Payment refunded")).to_be_visible()
    expect(buyer.get_by_text("Paystack charged KES 1,000.00, the order's total is KES 3,000.00.")).to_be_visible()
    assert "KES 1,000.00" in newest_email(server, buyer_email, "payment_mismatch_refund")["text_body"]
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (0, 0)

    row = owner.get_by_test_id("order-row")
    for _ in range(40):  # the refund worker sends it, the sandbox processes it moments later
        open_orders(owner, event)
        if "Payment mismatch, refunded" in row.inner_text():
            break
        owner.wait_for_timeout(1000)
    expect(row).to_contain_text("Payment mismatch, refunded")
    expect(row).to_contain_text("Refunded")

    admin = super_admin(new_page, server)
    admin.goto("/admin/revenue")
    expect(admin.get_by_role("heading", name="Payments returned")).to_be_visible()
    returned = admin.get_by_test_id("returned-payment").filter(has_text=reference)
    expect(returned).to_contain_text("Payment mismatch, refunded")
    expect(returned).to_contain_text("KES 1,000.00")
    expect(returned).to_contain_text("KES 3,000.00")
