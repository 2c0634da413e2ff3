"""SMS tickets in a real browser (#23 §3): the organizer turns them on, the buyer gives a phone at
checkout (a bad one is refused under the field), pays in the Paystack sandbox, and /dev/outbox shows
the text message the SMS sandbox received, with the ticket's short code."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e
PHONE_LABEL = "Phone for SMS tickets (optional)"


def _texts_shown(page: Page, code: str, timeout: float = 30.0) -> None:
    """/dev/outbox lists the SMS once the outbox worker (a loop of the web process) has sent it."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto("/dev/outbox")
        texts = page.get_by_role("region", name="Text messages")
        try:
            expect(texts.locator(".outbox-sms").filter(has_text=code)).to_be_visible(timeout=3000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_organizer_turns_on_sms_and_the_buyer_gets_the_code_by_sms(new_page, server: str, e2e_database_url: str):
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Sam Sender"))
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 10}]
    )
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("checkbox", name="Ask buyers for a phone number for SMS tickets").click()
    owner.get_by_role("button", name="Save changes").click()
    expect(toast(owner, "Event saved.")).to_be_visible()

    buyer, _email = buyer_page(new_page, server, "Wanjiru Buyer")
    buyer.goto(f"/e/{event['short_id']}")
    pick(buyer, "Regular", 1)
    phone = buyer.get_by_label(PHONE_LABEL)
    phone.fill("0712")
    buyer.get_by_role("button", name="Checkout").click()
    expect(buyer.locator("#sms-phone-error")).to_contain_text("0712 345 678")
    expect(phone).to_have_attribute("aria-invalid", "true")

    phone.fill("0712 345 678")
    buyer.get_by_role("button", name="Checkout").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay ")).click()
    buyer.get_by_role("button", name="Pay", exact=True).click()
    buyer.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(buyer.get_by_role("heading", name="You're going!")).to_be_visible()
    code = buyer.get_by_test_id("ticket").first.locator("code").inner_text()

    _texts_shown(buyer, code)
    text = buyer.get_by_role("region", name="Text messages").locator(".outbox-sms").filter(has_text=code)
    expect(text).to_contain_text("+254712345678")
    expect(text).to_contain_text(f"{event['title']}: your ticket {code}.")
    expect(text).to_contain_text("Success")
