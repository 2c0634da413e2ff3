"""A waitlist in a real browser (#19 §4): the organizer turns it on for a ticket; it sells out (one
buyer holds the last seat), a fan joins the waitlist on the event page, the hold is cancelled, the
fan is emailed an offer, opens the claim link, finds the seat held for them and buys it; the Orders
tab shows the line and how the offer ended."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import newest_email, unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_refunds import open_orders
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_join_the_waitlist_get_the_released_seat_and_buy_it(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Wanda Waitlister"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Front Row", "price": 250000, "quantity": 1, "max_per_order": 2}],
    )

    # The organizer turns the waitlist on in the tier editor.
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Tickets").click()
    owner.get_by_role("checkbox", name="Waitlist when sold out").click()
    owner.get_by_role("button", name="Save tickets").click()
    expect(toast(owner, "Tickets saved.")).to_be_visible()

    # Someone holds the only seat: the ticket is sold out.
    holder, _ = buyer_page(new_page, server, "Hana Holder")
    holder.goto(f"/e/{event['short_id']}")
    pick(holder, "Front Row", 1)
    holder.get_by_role("button", name="Checkout").click()
    expect(holder.get_by_text("1 ticket held for you")).to_be_visible()

    # A fan joins the waitlist, asking too many first.
    fan, fan_email = buyer_page(new_page, server, "Femi Fan")
    fan.goto(f"/e/{event['short_id']}")
    front = fan.get_by_test_id("tier").filter(has_text="Front Row")
    expect(front).to_contain_text("Sold out")
    front.get_by_label("Tickets wanted").fill("3")
    front.get_by_role("button", name="Join the waitlist").click()
    expect(front.get_by_text("Choose from 1 to 2 tickets.")).to_be_visible()
    front.get_by_label("Tickets wanted").fill("1")
    front.get_by_role("button", name="Join the waitlist").click()
    expect(toast(fan, "You're on the waitlist: number 1 in line.")).to_be_visible()
    expect(front.get_by_role("status")).to_have_text("You're number 1 on the waitlist, for 1 ticket.")

    open_orders(owner, event)
    waitlists = owner.get_by_role("region", name="Waitlists")
    expect(waitlists).to_contain_text("1 waiting · 0 offered · 0 claimed · 0 expired")
    expect(owner.get_by_test_id("waitlist-entry")).to_contain_text("Femi Fan")

    # The holder gives the seat up: it goes to the fan, held for them, with an email.
    holder.get_by_role("button", name="Cancel order").click()
    expect(toast(holder, "Order cancelled. The tickets are released.")).to_be_visible()
    offer = newest_email(server, fan_email, "waitlist_offer")
    assert "1 ticket of Front Row" in offer["text_body"] and "KES 2,500.00" in offer["text_body"]
    claim_link = re.search(r"https?://\S+/e/\S+", offer["text_body"]).group(0)

    # Nobody else can buy it meanwhile.
    holder.goto(f"/e/{event['short_id']}")
    expect(holder.get_by_test_id("tier").filter(has_text="Front Row")).to_contain_text("Sold out")
    expect(holder.get_by_role("button", name="One more Front Row")).to_have_count(0)

    # The claim link opens the event page with the seat ready to pay.
    fan.goto(urlparse(claim_link).path)
    expect(fan.get_by_text("1 ticket held for you")).to_be_visible()
    expect(fan.get_by_role("timer", name="Time left to pay")).to_have_text(re.compile(r"^(30:00|29:\d\d)$"))
    fan.get_by_role("button", name="Pay KES 2,500.00").click()
    fan.get_by_role("button", name="Pay", exact=True).click()
    fan.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(fan.get_by_role("heading", name="You're going!")).to_be_visible()
    newest_email(server, fan_email, "order_confirmation")

    open_orders(owner, event)
    expect(owner.get_by_role("region", name="Waitlists")).to_contain_text("0 waiting · 0 offered · 1 claimed")
    expect(owner.get_by_test_id("waitlist-entry")).to_contain_text("Claimed")
