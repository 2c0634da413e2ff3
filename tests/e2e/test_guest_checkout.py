"""Guest checkout in a real browser (#24 §1): a signed-out buyer pays as a guest through the Paystack
sandbox, opens the link in the confirmation email from /dev/outbox and sees the QR ticket, then an
account with that email takes the ticket in; a guest registers for a free event until its organizer
requires accounts, after which the page offers no guest checkout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import at_path, unique_email
from tests.e2e.test_checkout import pick, seed_event, tier_held
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e

GUEST_LINK = re.compile(r"(/tickets/guest/\S+)")


def _guest_link_from_outbox(page: Page, email: str, subject: str) -> str:
    """The tickets link in the confirmation to `email`, read on /dev/outbox as a developer would."""
    page.goto("/dev/outbox")
    expect(page.get_by_role("heading", name="Development outbox")).to_be_visible()
    page.get_by_label("Filter by recipient").fill(email)
    page.get_by_label("Filter by recipient").press("Tab")
    card = page.locator(".outbox-email").filter(has_text=subject)
    expect(card).to_have_count(1)
    found = GUEST_LINK.search(card.inner_text())
    assert found, card.inner_text()
    return found.group(1)


def test_a_signed_out_buyer_pays_as_a_guest_and_opens_the_tickets_from_the_email(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Olive Organizer")
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    page = new_page()
    email = unique_email("guest")

    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    pick(page, "Regular", 1)
    expect(page.get_by_role("button", name="Sign in and check out")).to_be_visible()
    page.get_by_role("button", name="Continue as guest").click()
    form = page.get_by_role("form", name="Guest checkout")
    form.get_by_role("button", name="Pay as guest").click()  # nothing typed: each field says what it needs
    expect(form.get_by_text("Enter your name.")).to_be_visible()
    expect(form.get_by_text("Enter your email address.")).to_be_visible()
    form.get_by_label("Your name").fill("Grace Guest")
    form.get_by_label("Email").fill(email)
    form.get_by_role("button", name="Pay as guest").click()

    expect(page.get_by_role("heading", name="Pay EventPalour")).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?.*reference=EVT-"))
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()
    expect(page.get_by_text("We emailed your tickets, with a link to see them any time.")).to_be_visible()
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (1, 0)

    link = _guest_link_from_outbox(page, email, f"Your tickets for {event['title']}")
    page.goto(link)
    expect(page.get_by_role("heading", name="Your tickets", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=event["title"])).to_be_visible()
    ticket = page.get_by_test_id("ticket")
    expect(ticket).to_have_count(1)
    expect(ticket.get_by_role("img", name=re.compile(r"^QR code for ticket [A-Z2-9]{8}$"))).to_be_visible()
    code = ticket.locator("code").inner_text()
    expect(page.get_by_text("Create an account to keep your tickets")).to_be_visible()

    # An account with the same email, once verified, holds the ticket; the link shows it still.
    cookie = verified_account(server, email, "Grace Guest")
    mine = signed_in(new_page, server, cookie)
    mine.goto("/tickets")
    expect(mine.get_by_test_id("my-ticket").filter(has_text=code)).to_have_count(1)
    page.reload()
    expect(page.get_by_test_id("ticket")).to_have_count(1)
    expect(page.get_by_text("Create an account to keep your tickets")).to_have_count(0)

    # A link altered by one character opens nothing. Not its last character: the last of a base64
    # signature carries unused bits, so some changes there decode to the same bytes (a valid link).
    altered = "A" if link[-5] != "A" else "B"
    page.goto(link[:-5] + altered + link[-4:])
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()


def test_a_guest_registers_until_the_event_requires_accounts(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Olive Organizer"))
    event = seed_event(
        e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "price": 0, "quantity": 50}]
    )
    visitor = new_page()
    visitor.goto(f"/e/{event['short_id']}")
    pick(visitor, "Entry", 1)
    # Until the organizer says otherwise, a guest registers with a name and an email.
    visitor.get_by_role("button", name="Continue as guest").click()
    form = visitor.get_by_role("form", name="Guest checkout")
    form.get_by_label("Your name").fill("Gita Guest")
    form.get_by_label("Email").fill(unique_email("guest"))
    form.get_by_role("button", name="Register as guest").click()
    expect(toast(visitor, "You're registered! We emailed your tickets.")).to_be_visible()
    expect(visitor.get_by_role("status").filter(has_text="We emailed your tickets to")).to_be_visible()

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    switch = owner.get_by_role("switch", name="Buyers must have an account")
    expect(switch).not_to_be_checked()
    switch.click()
    expect(toast(owner, "Buyers must sign in to get tickets.")).to_be_visible()
    expect(switch).to_be_checked()

    visitor.reload()
    expect(visitor.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    pick(visitor, "Entry", 1)
    expect(visitor.get_by_role("button", name="Register")).to_be_visible()
    expect(visitor.get_by_role("button", name="Continue as guest")).to_have_count(0)
    visitor.get_by_role("button", name="Register").click()
    visitor.wait_for_url(re.compile(rf"^{re.escape(server)}/auth/sign-in/?\?next="))
    assert at_path(server, "/auth/sign-in").match(visitor.url)
