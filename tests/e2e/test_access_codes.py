"""Hidden tiers and access codes in a real browser (#19 §2): the organizer's Tickets tab marks the
hidden tier, the Codes tab makes an access code that unlocks it, a buyer does not see the tier on the
event page, opens the link with ?code=VIP, sees it, buys it on the Paystack sandbox, and the
organizer sees the order and the code's use."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_a_hidden_tier_is_unlocked_by_link_and_bought(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Vera Vipkeeper"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[
            {"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4},
            {"name": "VIP Lounge", "price": 300000, "quantity": 5, "max_per_order": 2, "hidden": True},
        ],
    )

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Tickets").click()
    expect(owner.get_by_text("Hidden", exact=True)).to_have_count(1)  # the VIP Lounge card's badge
    owner.get_by_role("tab", name="Codes").click()
    owner.get_by_role("button", name="New code").click()
    owner.get_by_label("Code", exact=True).fill("vip")
    owner.get_by_role("combobox", name="Discount type").click()
    owner.get_by_role("option", name="No discount (access code only)").click()
    owner.get_by_role("button", name="Save code").click()
    expect(owner.locator("#code-unlock_tier_ids-error")).to_have_text(
        "Choose the hidden tickets this code unlocks, or give it a discount."
    )
    owner.get_by_role("checkbox", name="Unlock VIP Lounge").click()
    owner.get_by_role("button", name="Save code").click()
    expect(toast(owner, "Code VIP saved.")).to_be_visible()
    row = owner.get_by_test_id("code-row")
    expect(row).to_contain_text("No discount")
    expect(row).to_contain_text("VIP Lounge")

    page, email = buyer_page(new_page, server, "Vic Insider")
    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_test_id("tier")).to_have_count(1)
    expect(page.get_by_text("VIP Lounge")).to_have_count(0)

    page.goto(f"/e/{event['short_id']}?code=VIP")
    expect(page.get_by_test_id("applied-code")).to_contain_text("unlocks VIP Lounge")
    vip = page.get_by_test_id("tier").filter(has_text="VIP Lounge")
    expect(vip).to_contain_text("Unlocked by your code")
    pick(page, "VIP Lounge", 1)
    expect(page.locator("#total")).to_have_text("KES 3,000.00")
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Pay KES 3,000.00").click()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?.*reference=EVT-"))
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()

    owner.reload()
    owner.get_by_role("tab", name="Orders").click()
    expect(owner.get_by_test_id("order-row")).to_contain_text(email)
    owner.get_by_role("tab", name="Codes").click()
    expect(owner.get_by_test_id("code-row")).to_contain_text("1 of unlimited")
