"""A free ticket's waitlist in a real browser (#19 §3, §4): the organizer turns the waitlist on for
a free ticket that asks a question per ticket; it is taken, a fan joins the line, the organizer
adds a seat, the fan is offered it at once (emailed "register"), and on the event page registers
for it, answering the question first (a missing answer is a field error and nothing is saved);
the organizer then corrects the answer on the Orders tab ("Edit answers"), and the buyer changes it
again from their order list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import newest_email, unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_free_waitlist_offer_asks_the_questions_and_registers(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Faith Freelist"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="free",
        tiers=[{"name": "Pass", "price": 0, "quantity": 1, "max_per_order": 2}],
    )
    manage = f"/workspace/{event['workspace_id']}/events/{event['short_id']}"

    # A free ticket takes a waitlist; and a question is asked for each ticket.
    owner.goto(manage)
    owner.get_by_role("tab", name="Tickets").click()
    owner.get_by_role("checkbox", name="Waitlist when sold out").click()
    owner.get_by_role("button", name="Save tickets").click()
    expect(toast(owner, "Tickets saved.")).to_be_visible()
    expect(toast(owner, "Tickets saved.")).to_have_count(0)  # gone before the next save says it again
    owner.get_by_role("tab", name="Questions").click()
    owner.get_by_role("button", name="New question").click()
    owner.get_by_label("Question", exact=True).fill("Dietary needs")
    owner.get_by_text("Required", exact=True).click()
    owner.get_by_text("Ask for each ticket").click()
    owner.get_by_role("button", name="Save question").click()
    expect(toast(owner, "Question saved.")).to_be_visible()

    # The only seat is taken.
    first, _ = buyer_page(new_page, server, "Fred First")
    first.goto(f"/e/{event['short_id']}")
    pick(first, "Pass", 1)
    first.get_by_label("Ticket 1 · Pass: Attendee's name").fill("Fred First")
    first.get_by_label("Ticket 1 · Pass: Dietary needs").fill("None")
    first.get_by_role("button", name="Register").click()
    expect(toast(first, "You're registered!")).to_be_visible()

    fan, fan_email = buyer_page(new_page, server, "Wanjiku Waiting")
    fan.goto(f"/e/{event['short_id']}")
    pass_tier = fan.get_by_test_id("tier").filter(has_text="Pass")
    expect(pass_tier).to_contain_text("Sold out")
    pass_tier.get_by_label("Tickets wanted").fill("1")
    pass_tier.get_by_role("button", name="Join the waitlist").click()
    expect(toast(fan, "You're on the waitlist: number 1 in line.")).to_be_visible()

    # The organizer adds a seat: it goes to the line at once, held for the fan.
    owner.get_by_role("tab", name="Tickets").click()
    owner.get_by_label("Quantity (empty = unlimited)").fill("2")
    owner.get_by_role("button", name="Save tickets").click()
    expect(toast(owner, "Tickets saved.")).to_be_visible()
    expect(toast(owner, "Tickets saved.")).to_have_count(0)  # gone before the next save says it again
    offer = newest_email(server, fan_email, "waitlist_offer")
    assert "Register for them before then" in offer["text_body"]

    fan.goto(f"/e/{event['short_id']}")
    expect(fan.get_by_text("1 ticket held for you")).to_be_visible()
    expect(fan.get_by_role("timer", name="Time left to register")).to_have_text(re.compile(r"^(30:00|29:\d\d)$"))
    expect(fan.get_by_test_id("answer-section")).to_have_count(1)
    fan.get_by_role("button", name="Register").click()
    expect(toast(fan, "Please check the answers marked below.")).to_be_visible()
    expect(fan.get_by_text("Enter the attendee's name.")).to_be_visible()
    expect(fan.get_by_text("1 ticket held for you")).to_be_visible()  # nothing changed: still held
    fan.get_by_label("Ticket 1 · Pass: Attendee's name").fill("Wanjiku Mwangi")
    fan.get_by_label("Ticket 1 · Pass: Dietary needs").fill("Vegetarian")
    fan.get_by_label("Ticket 1 · Pass: Dietary needs").blur()
    # The name's error line goes once it is answered, moving Register up: press it after that.
    expect(fan.get_by_text("Enter the attendee's name.")).to_have_count(0)
    fan.get_by_role("button", name="Register").click()
    expect(toast(fan, "You're registered!")).to_be_visible()
    expect(fan.get_by_test_id("ticket").filter(has_text="Wanjiku Mwangi")).to_have_count(1)
    newest_email(server, fan_email, "order_confirmation")

    # The organizer corrects the answer on the Orders tab.
    owner.get_by_role("tab", name="Orders").click()
    row = owner.get_by_test_id("order-row").filter(has_text="Wanjiku Waiting")
    expect(row.get_by_test_id("order-answers")).to_contain_text("Dietary needs: Vegetarian")
    row.get_by_role("button", name=re.compile("^Edit answers")).click()
    dialog = owner.get_by_role("dialog")
    expect(dialog.get_by_label("Ticket 1 · Pass: Dietary needs")).to_have_value("Vegetarian")
    dialog.get_by_label("Ticket 1 · Pass: Attendee's name").fill("")
    dialog.get_by_role("button", name="Save answers").click()
    expect(dialog.get_by_text("Enter the attendee's name.")).to_be_visible()
    dialog.get_by_label("Ticket 1 · Pass: Attendee's name").fill("Wanjiku Mwangi")
    dialog.get_by_label("Ticket 1 · Pass: Dietary needs").fill("Vegan")
    dialog.get_by_role("button", name="Save answers").click()
    expect(toast(owner, "Answers of order")).to_be_visible()
    expect(row.get_by_test_id("order-answers")).to_contain_text("Dietary needs: Vegan")

    # The buyer may change them too until the event starts, from their order list.
    fan.goto("/account/orders")
    fan.get_by_role("button", name=re.compile("^Edit answers")).click()
    mine = fan.get_by_role("dialog")
    expect(mine.get_by_label("Ticket 1 · Pass: Dietary needs")).to_have_value("Vegan")
    mine.get_by_label("Ticket 1 · Pass: Dietary needs").fill("Vegan, no nuts")
    mine.get_by_role("button", name="Save answers").click()
    expect(toast(fan, "saved.")).to_be_visible()
    owner.reload()
    owner.get_by_role("tab", name="Orders").click()
    expect(row.get_by_test_id("order-answers")).to_contain_text("Dietary needs: Vegan, no nuts")
