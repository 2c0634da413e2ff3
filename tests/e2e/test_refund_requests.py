"""A buyer's refund request in a real browser (#19 §5): the organizer sets the refund policy on the
event's edit page, the buyer reads it on the event page and in the confirmation, asks for a refund
on /account/orders, an admin approves it on the Orders tab, the buyer is emailed and the order ends
refunded once the sandbox processes the refund."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import enable_two_factor_api, newest_email, unique_email
from tests.e2e.test_checkout import buy_through_sandbox, buyer_page, seed_event
from tests.e2e.test_refunds import open_orders, quick_refunds  # noqa: F401 (refunds settle in ~3 s)
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e
POLICY_TEXT = "Refunds exclude nothing; ask any time before doors open."


def test_buyer_requests_a_refund_and_the_organizer_approves_it(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Rita Refunds")
    enable_two_factor_api(server, cookie)  # approving a refund needs it (#20 §1)
    owner = signed_in(new_page, server, cookie)
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 10}]
    )

    # The organizer allows refunds until the start, with a note.
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_label("Refund policy", exact=True).select_option("until_start")
    owner.get_by_label("Refund policy details (optional)").fill(POLICY_TEXT)
    owner.get_by_role("button", name="Save changes").click()
    expect(toast(owner, "Event saved.")).to_be_visible()

    buyer, buyer_email = buyer_page(new_page, server, "Rafa Requester")
    buyer.goto(f"/e/{event['short_id']}")
    policy = buyer.get_by_role("note", name="Refund policy")
    expect(policy).to_contain_text("Refunds can be requested until the event starts")
    expect(policy).to_contain_text(POLICY_TEXT)
    buy_through_sandbox(buyer, server, event["short_id"], "Regular", 2)
    confirmation = newest_email(server, buyer_email, "order_confirmation")
    assert "Refund policy: Refunds can be requested until the event starts" in confirmation["text_body"]

    # The buyer asks, forgetting the reason first.
    buyer.goto("/account/orders")
    buyer.get_by_role("button", name=re.compile(r"^Request a refund of order EVT-")).click()
    dialog = buyer.get_by_role("dialog")
    expect(dialog).to_contain_text("Refunds can be requested until the event starts")
    expect(dialog.get_by_role("checkbox")).to_have_count(2)
    dialog.get_by_role("button", name="Send request").click()
    expect(dialog.get_by_role("alert").first).to_contain_text("Say why you want a refund")
    dialog.get_by_label("Why do you want a refund?").fill("My flight was cancelled.")
    dialog.get_by_role("button", name="Send request").click()
    expect(toast(buyer, "Refund of KES 3,000.00 requested.")).to_be_visible()
    expect(dialog).to_have_count(0)
    expect(buyer.get_by_test_id("refund-request-status")).to_have_text("Refund requested, waiting for the organizers")
    expect(buyer.get_by_role("button", name=re.compile(r"^Request a refund"))).to_have_count(0)
    told = newest_email(server, owner_email, "refund_request_received")
    assert "Rafa Requester" in told["text_body"] and "My flight was cancelled." in told["text_body"]

    # The organizer approves it on the Orders tab.
    open_orders(owner, event)
    requests = owner.get_by_role("region", name="Refund requests")
    expect(requests.get_by_role("heading")).to_have_text("Refund requests (1)")
    request = owner.get_by_test_id("refund-request")
    expect(request).to_contain_text("Rafa Requester")
    expect(request).to_contain_text("KES 3,000.00")
    expect(request).to_contain_text("My flight was cancelled.")
    request.get_by_role("button", name="Approve").click()
    owner.get_by_role("alertdialog").get_by_role("button", name="Approve and refund").click()
    expect(toast(owner, "Refund request approved: KES 3,000.00 is being refunded")).to_be_visible()
    expect(owner.get_by_test_id("refund-request")).to_have_count(0)

    approved = newest_email(server, buyer_email, "refund_request_approved")
    assert "KES 3,000.00" in approved["text_body"]

    # The sandbox processes the refund moments later; the buyer's order shows it refunded.
    for _ in range(40):
        buyer.goto("/account/orders")
        expect(buyer.get_by_test_id("refund-request-status")).to_be_visible()
        if "Refunded" in buyer.locator("body").inner_text():
            break
        buyer.wait_for_timeout(1000)
    expect(buyer.get_by_text("Refunded", exact=True)).to_be_visible()
    expect(buyer.get_by_test_id("refund-request-status")).to_have_text("Refund request approved")
    expect(buyer.get_by_test_id("refund-note")).to_have_count(0)
