"""Attendee questions in a real browser (#19 §3): the organizer adds a per-ticket question on the
Questions tab, a buyer answers it (and names each attendee) for 2 tickets at checkout, the door
greets each attendee by name, the attendee list, its CSV and the Orders tab carry the answers, and
a transfer of a named ticket asks the new attendee's name."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_per_ticket_answers_reach_the_door_and_the_csv(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Quinn Questioner")
    owner = signed_in(new_page, server, cookie)
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="free",
        tiers=[{"name": "Pass", "price": 0, "quantity": 30, "max_per_order": 4}],
    )

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Questions").click()
    expect(owner.get_by_text("No questions yet.")).to_be_visible()
    owner.get_by_role("button", name="New question").click()
    owner.get_by_label("Answer type").click()
    owner.get_by_role("option", name="Single choice").click()
    owner.get_by_role("button", name="Save question").click()
    expect(owner.locator("#question-label-error")).to_have_text("Enter the question.")
    expect(owner.locator("#question-options-error")).to_have_text("Give at least two options, one per line.")
    owner.get_by_label("Question", exact=True).fill("T-shirt size")
    owner.get_by_label("Options").fill("S\nM\nL")
    owner.get_by_text("Required", exact=True).click()
    owner.get_by_text("Ask for each ticket").click()
    owner.get_by_role("button", name="Save question").click()
    expect(toast(owner, "Question saved.")).to_be_visible()
    owner.get_by_role("button", name="New question").click()
    owner.get_by_label("Question", exact=True).fill("Country of residence")
    owner.get_by_label("Answer type").click()
    owner.get_by_role("option", name="Country").click()
    owner.get_by_role("button", name="Save question").click()
    expect(owner.get_by_test_id("question-row")).to_have_count(2)
    row = owner.get_by_test_id("question-row").first
    expect(row).to_contain_text("T-shirt size")
    expect(row).to_contain_text("Each ticket")
    expect(row).to_contain_text("Required")

    page, _email = buyer_page(new_page, server, "Bea Buyer")
    page.goto(f"/e/{event['short_id']}")
    pick(page, "Pass", 2)
    sections = page.get_by_test_id("answer-section")
    expect(sections).to_have_count(3)  # the order's question, then each ticket's
    page.get_by_role("button", name="Register").click()
    expect(sections.nth(1).get_by_text("Enter the attendee's name.")).to_be_visible()
    expect(toast(page, "Please check the answers marked below.")).to_be_visible()
    page.get_by_label("Country of residence").click()
    page.get_by_role("option", name="Kenya", exact=True).click()
    page.get_by_label("Ticket 1 · Pass: Attendee's name").fill("Amina Njeri")
    page.get_by_label("Ticket 2 · Pass: Attendee's name").fill("Brian Otieno")
    for number, size in ((1, "M"), (2, "L")):
        page.get_by_label(f"Ticket {number} · Pass: T-shirt size").click()
        page.get_by_role("option", name=size, exact=True).click()
    page.get_by_role("button", name="Register").click()
    expect(toast(page, "You're registered!")).to_be_visible()
    tickets = page.get_by_test_id("ticket")
    expect(tickets).to_have_count(2)
    expect(tickets.filter(has_text="Amina Njeri")).to_have_count(1)
    amina_code = tickets.filter(has_text="Amina Njeri").locator("code").inner_text()

    owner.goto(f"/scan/{event['short_id']}")
    owner.get_by_label("Ticket code").fill(amina_code)
    owner.get_by_role("button", name="Check in").click()
    result = owner.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-result", "ok")
    expect(result).to_contain_text("Amina Njeri")

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}/attendees")
    expect(owner.get_by_test_id("attendee-row")).to_have_count(2)
    expect(owner.get_by_test_id("attendee-row").filter(has_text="Brian Otieno")).to_contain_text("T-shirt size: L")
    owner.get_by_label("Answer", exact=True).click()
    owner.get_by_role("option", name="T-shirt size: M").click()
    expect(owner.get_by_test_id("attendee-row")).to_have_count(1)
    csv_href = owner.get_by_role("link", name="Export CSV").get_attribute("href")
    exported = httpx.get(csv_href, cookies={"ep_session": cookie}, timeout=10)
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["Attendee"], r["T-shirt size"], r["Status"]) for r in rows] == [("Amina Njeri", "M", "Checked in")]
    assert rows[0]["Country of residence"] == "Kenya"
    everyone = httpx.get(csv_href.split("?")[0], cookies={"ep_session": cookie}, timeout=10)
    sizes = {r["Attendee"]: r["T-shirt size"] for r in csv.DictReader(io.StringIO(everyone.text))}
    assert sizes == {"Amina Njeri": "M", "Brian Otieno": "L"}

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Orders").click()
    answers = owner.get_by_test_id("order-row").get_by_test_id("order-answers")
    expect(answers).to_contain_text("Country of residence: Kenya")
    expect(answers).to_contain_text("Pass 1 · Amina Njeri — T-shirt size: M")
    expect(answers).to_contain_text("Pass 2 · Brian Otieno — T-shirt size: L")

    # A named ticket passed on: the transfer asks the new attendee's name, and the door list shows it.
    friend_email = unique_email("friend")
    verified_account(server, friend_email, "Chao Friend")
    page.goto("/tickets")
    card = page.get_by_test_id("my-ticket").filter(has_text="Brian Otieno")
    expect(card).to_contain_text("Attendee: Brian Otieno")
    card.get_by_role("button", name="Transfer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Recipient's email").fill(friend_email)
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog.get_by_role("alert")).to_have_text("Enter the attendee's name.")
    dialog.get_by_label("New attendee's name").fill("Chao Li")
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_contain_text("for Chao Li")
    dialog.get_by_role("button", name="Transfer ticket").click()
    expect(toast(page, "Ticket sent to Chao Friend")).to_be_visible()
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}/attendees")
    expect(owner.get_by_test_id("attendee-row").filter(has_text="Chao Li")).to_contain_text("T-shirt size: L")
    expect(owner.get_by_test_id("attendee-row").filter(has_text="Brian Otieno")).to_have_count(0)
