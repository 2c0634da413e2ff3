"""Downloading my data and deleting my account in a real browser (#20 §3): the export holds a
purchased order; deletion is refused while owning a workspace or holding a ticket for an upcoming
event, then done with the emailed code; the same address signs up again."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, at_path, newest_email, unique_email
from tests.e2e.test_auth_flows import sign_in
from tests.e2e.test_checkout import buy_through_sandbox, seed_event
from tests.e2e.test_workspaces import organizer_with_workspace, signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def _give_ticket_away(page: Page, friend_email: str) -> None:
    page.goto("/tickets")
    card = page.get_by_test_id("my-ticket")
    card.get_by_role("button", name="Transfer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Recipient's email").fill(friend_email)
    dialog.get_by_role("button", name="Continue").click()
    dialog.get_by_role("button", name="Transfer ticket").click()
    expect(toast(page, "Ticket sent to")).to_be_visible()


def test_export_then_delete_account_then_sign_up_again(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Grace Organizer"))
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "VIP", "price": 150000, "quantity": 5}]
    )
    # The owner of a workspace is told why they cannot delete the account, and gets no form.
    owner.goto("/account")
    delete_section = owner.get_by_role("heading", name="Delete account").locator("xpath=..")
    expect(delete_section).to_contain_text("You own the workspace")
    expect(owner.get_by_role("button", name="Delete my account")).to_have_count(0)

    buyer_email, friend_email = unique_email("amina"), unique_email("friend")
    verified_account(server, friend_email, "Brian Friend")
    page = signed_in(new_page, server, verified_account(server, buyer_email, "Amina Buyer"))
    buy_through_sandbox(page, server, event["short_id"], "VIP", 1)

    page.goto("/account")
    expect(
        page.get_by_text(re.compile(r"You agreed to the Terms and the Privacy policy of \d{4}-\d\d-\d\d on "))
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    assert download.value.suggested_filename == "my-data.json"
    data = json.loads(Path(download.value.path()).read_text())
    assert data["profile"]["email"] == buyer_email and data["profile"]["full_name"] == "Amina Buyer"
    [order] = data["orders"]
    assert (order["event"], order["status"], order["amount"], order["currency"]) == (
        event["title"],
        "completed",
        150000,
        "KES",
    )
    assert [(line["tier"], line["quantity"]) for line in order["lines"]] == [("VIP", 1)]
    assert [t["status"] for t in data["tickets"]] == ["valid"]
    with page.expect_download() as sheet:
        page.get_by_role("link", name="Download orders and tickets (CSV)").click()
    assert event["title"] in Path(sheet.value.path()).read_text()

    # A ticket for an upcoming event stands in the way until it is given away.
    expect(page.get_by_text("You hold valid tickets for upcoming events")).to_be_visible()
    _give_ticket_away(page, friend_email)

    page.goto("/account")
    page.get_by_role("button", name="Email me a code").click()
    expect(toast(page, "We emailed you a 6-digit code")).to_be_visible()
    code = newest_email(server, buyer_email, "account_deletion_code")["subject"].rsplit(" ", 1)[-1]
    page.get_by_label("Your email address").fill("someone-else@example.com")
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Delete my account").click()
    email_field = page.get_by_label("Your email address")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(f"Type your account's address, {buyer_email}, to confirm.").first).to_be_visible()

    email_field.fill(buyer_email)
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(at_path(server, "/"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()

    # The address is free again.
    page.goto("/auth/sign-up")
    page.get_by_label("Full name").fill("Amina Again")
    page.get_by_label("Email").fill(buyer_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I agree to the Terms and the Privacy policy").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(at_path(server, "/auth/verify"))
    expect(page.get_by_text(f"We sent a 6-digit code to {buyer_email}")).to_be_visible()


def _delete_account_with_the_emailed_code(page: Page, server: str, email: str) -> None:
    page.goto("/account")
    page.get_by_role("button", name="Email me a code").click()
    expect(toast(page, "We emailed you a 6-digit code")).to_be_visible()
    code = newest_email(server, email, "account_deletion_code")["subject"].rsplit(" ", 1)[-1]
    page.get_by_label("Your email address").fill(email)
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(at_path(server, "/"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_an_owner_is_refused_until_the_workspace_is_deleted_then_deletes_the_account(new_page, server: str) -> None:
    page, email, workspace_id = organizer_with_workspace(new_page, server, "Otieno Owner", "Otieno Sounds")
    page.goto("/account")
    delete_section = page.get_by_role("heading", name="Delete account").locator("xpath=..")
    expect(delete_section).to_contain_text("You own the workspace")
    expect(page.get_by_role("button", name="Delete my account")).to_have_count(0)

    page.goto(f"/workspace/{workspace_id}/settings")
    page.get_by_label("Type the workspace name to delete it").fill("Otieno Sounds")
    page.get_by_role("button", name="Delete workspace").click()
    expect(toast(page, "Workspace deleted.")).to_be_visible()

    _delete_account_with_the_emailed_code(page, server, email)
    sign_in(page, email, PASSWORD)  # the account is gone: its password opens nothing
    expect(page.get_by_text("Email or password is incorrect.").first).to_be_visible()
