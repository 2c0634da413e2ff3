"""Discount codes in a real browser (#19): the organizer creates a code on the Codes tab, a buyer
opens the event's shared link with ?code=, sees the discount line and the new total, pays the
discounted total on the Paystack sandbox, and the organizer sees the code on the Orders tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_a_shared_code_discounts_a_purchase_end_to_end(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Dora Discounter"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Codes").click()
    expect(owner.get_by_text("No codes yet.", exact=False)).to_be_visible()
    owner.get_by_role("button", name="New code").click()
    owner.get_by_label("Code", exact=True).fill("x")
    owner.get_by_label("Percent off").fill("50")
    owner.get_by_role("button", name="Save code").click()
    expect(owner.locator("#code-code-error")).to_have_text("A code is 3 to 32 characters long.")
    owner.get_by_label("Code", exact=True).fill("half")
    owner.get_by_label("Total uses").fill("10")
    owner.get_by_role("button", name="Save code").click()
    expect(toast(owner, "Code HALF saved.")).to_be_visible()
    row = owner.get_by_test_id("code-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("HALF")
    expect(row).to_contain_text("50% off")
    expect(row).to_contain_text("0 of 10")

    page, email = buyer_page(new_page, server, "Cody Buyer")
    page.goto(f"/e/{event['short_id']}?code=half")
    expect(page.get_by_test_id("applied-code")).to_contain_text("HALF")
    pick(page, "Regular", 1)
    expect(page.get_by_test_id("price-line").filter(has_text="Discount (HALF)")).to_contain_text("− KES 750.00")
    expect(page.locator("#total")).to_have_text("KES 750.00")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator("#total")).to_have_text("KES 1,500.00")
    page.get_by_label("Have a code?").fill("nope")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#discount-code-error")).to_have_text("This code is not valid for this event.")
    page.get_by_label("Have a code?").fill("Half")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#total")).to_have_text("KES 750.00")
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Pay KES 750.00").click()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?.*reference=EVT-"))
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()

    owner.reload()
    owner.get_by_role("tab", name="Orders").click()
    order = owner.get_by_test_id("order-row")
    expect(order).to_contain_text(email)
    expect(order.get_by_test_id("order-discount")).to_have_text("HALF − KES 750.00")
    owner.get_by_role("tab", name="Codes").click()
    expect(owner.get_by_test_id("code-row")).to_contain_text("1 of 10")
