"""The platform admin area in a real browser: a blue ticket approved shows the badge on the public
event page; a suspended user is signed out; KYC filed by the organizer and approved lets a paid
event be published; people who are not admins see a not-found page."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, unique_email
from tests.e2e.test_checkout import buyer_page, pick, seed_event
from tests.e2e.test_workspaces import signed_in, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e

KYC_REFUSAL = "Paid events can be published once the workspace's KYC is approved."


def organizer(new_page, server: str, name: str) -> tuple[Page, str]:
    email = unique_email("organizer")
    return signed_in(new_page, server, verified_account(server, email, name)), email


def file_kyc(page: Page, workspace_id: str, document: Path) -> None:
    """The organizer fills in the KYC form of the Verification tab and submits it."""
    page.goto(f"/workspace/{workspace_id}/verification")
    expect(page.get_by_role("heading", name="KYC")).to_be_visible()
    page.get_by_role("button", name="Submit KYC").click()  # empty: every field says what is missing
    expect(page.get_by_text("Enter your full legal name.")).to_be_visible()
    expect(page.get_by_text("Upload a photo or PDF of your ID.")).to_be_visible()
    page.get_by_label("Full legal name").fill("Amina Wanjiru Otieno")
    page.get_by_label("ID or passport number").fill("12345678")
    page.get_by_label("Phone").fill("+254 712 345678")
    page.get_by_label("Business name (optional)").fill("Jazz Nights Ltd")
    page.locator("#kyc-document input[type=file]").set_input_files(document)
    expect(toast(page, "ID document uploaded.")).to_be_visible()
    page.get_by_label("Name on the account").fill("Amina Otieno")
    page.get_by_label("M-Pesa number").fill("+254 712 345678")
    # Filing for a company: its registration number is asked; the tax id takes Kenya's KRA PIN form.
    page.get_by_label("Filing as").click()
    page.get_by_role("option", name="A company").click()
    expect(page.get_by_label("Country of tax residence")).to_have_text("Kenya")
    page.get_by_label("KRA PIN").fill("P05123456")
    page.get_by_role("button", name="Submit KYC").click()
    expect(page.get_by_text("A Kenya KRA PIN is a letter, 9 digits and a letter, like A123456789B.")).to_be_visible()
    expect(page.get_by_text("Enter the company's business registration number.")).to_be_visible()
    page.get_by_label("KRA PIN").fill("P051234567Z")
    page.get_by_label("Business registration number").fill("PVT-AB1234XY")
    page.get_by_role("button", name="Submit KYC").click()
    expect(toast(page, "KYC submitted.")).to_be_visible()
    expect(page.get_by_text("In review. We'll email you when it is decided.")).to_be_visible()


def approve_kyc(admin: Page, workspace_name: str) -> None:
    """A KYC reviewer opens the submission, sees the ID document and approves it."""
    admin.goto("/admin/kyc")
    expect(admin.get_by_role("heading", name="KYC review")).to_be_visible()
    admin.get_by_role("button", name=f"Review KYC of {workspace_name}").click()
    expect(admin.get_by_role("img", name="ID document of Amina Wanjiru Otieno")).to_be_visible()
    expect(admin.get_by_text("P051234567Z (KE)")).to_be_visible()
    expect(admin.get_by_text("PVT-AB1234XY")).to_be_visible()
    admin.get_by_role("radio", name="Approve").click()
    admin.get_by_role("button", name="Save decision").click()
    expect(toast(admin, f"KYC of {workspace_name} approved.")).to_be_visible()


def test_kyc_filed_and_approved_lets_a_paid_event_publish(new_page, server: str, e2e_database_url: str, tmp_path):
    page, email = organizer(new_page, server, "Amina Otieno")
    event = seed_event(
        e2e_database_url, email, pricing="paid", tiers=[{"name": "VIP", "price": 150_000}], kyc=False, publish=False
    )
    workspace_name = event["title"].replace("Benga Night", "Checkout Crew")
    page.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    page.get_by_role("button", name="Publish").click()
    expect(toast(page, KYC_REFUSAL)).to_be_visible()

    document = tmp_path / "id.png"
    Image.new("RGB", (120, 80), (40, 120, 200)).save(document)
    file_kyc(page, event["workspace_id"], document)
    approve_kyc(super_admin(new_page, server), workspace_name)

    page.reload()
    expect(page.get_by_text("Approved. You can publish paid events.")).to_be_visible()
    page.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    page.get_by_role("button", name="Publish").click()
    expect(toast(page, "Published. Your event is live on EventPalour.")).to_be_visible()


def test_blue_ticket_approved_shows_badge_on_public_event_page(new_page, server: str, e2e_database_url: str):
    page, email = organizer(new_page, server, "Baraka Mwangi")
    event = seed_event(e2e_database_url, email, pricing="free", tiers=[{"name": "Entry", "price": 0}])
    workspace_name = event["title"].replace("Benga Night", "Checkout Crew")
    visitor = new_page()
    visitor.goto(f"/e/{event['short_id']}")
    expect(visitor.get_by_role("heading", name=event["title"])).to_be_visible()
    expect(visitor.get_by_text("Verified", exact=True)).to_have_count(0)

    page.goto(f"/workspace/{event['workspace_id']}/verification")
    page.get_by_role("button", name="Request verification").click()
    expect(page.get_by_text("Add at least one link (website, social profile, press).")).to_be_visible()
    page.get_by_label("Why should attendees trust you?").fill("We have run benga nights in Nairobi since 2018.")
    page.get_by_label("Links (one per line)").fill("https://benga.example.com\ninstagram.com/benganights")
    page.get_by_role("button", name="Request verification").click()
    expect(toast(page, "Verification requested.")).to_be_visible()
    expect(page.get_by_text("Your request is in review.")).to_be_visible()

    admin = super_admin(new_page, server)
    admin.goto("/admin/blue-tickets")
    expect(admin.get_by_role("heading", name="Blue tickets")).to_be_visible()
    expect(admin.get_by_text("We have run benga nights in Nairobi since 2018.")).to_be_visible()
    admin.get_by_role("button", name=f"Approve {workspace_name}").click()
    admin.get_by_role("button", name="Approve", exact=True).click()
    expect(toast(admin, f"{workspace_name} approved: the badge is live.")).to_be_visible()

    visitor.reload()
    expect(visitor.get_by_role("heading", name=event["title"])).to_be_visible()
    expect(visitor.get_by_text("Verified", exact=True)).to_be_visible()

    # The badge travels with the ticket: on "My tickets" the card names the verified organizer.
    guest, _ = buyer_page(new_page, server, "Gina Guest")
    guest.goto(f"/e/{event['short_id']}")
    pick(guest, "Entry", 1)
    guest.get_by_role("button", name="Register").click()
    expect(toast(guest, "You're registered!")).to_be_visible()
    guest.goto("/tickets")
    card = guest.get_by_test_id("my-ticket")
    expect(card).to_contain_text(f"By {workspace_name}")
    expect(card.get_by_text("Verified", exact=True)).to_be_visible()

    admin.goto("/admin/audit")
    expect(admin.get_by_text("blue_ticket.approve").first).to_be_visible()


def test_suspended_user_is_signed_out_and_cannot_sign_in(new_page, server: str):
    email, name = unique_email("suspect"), f"Sam Suspect {uuid.uuid4().hex[:4]}"
    user = signed_in(new_page, server, verified_account(server, email, name))
    user.goto("/account/orders")
    expect(user.get_by_role("heading", name="Your orders")).to_be_visible()

    admin = super_admin(new_page, server)
    admin.goto("/admin/users")
    admin.get_by_label("Search users").fill(email)
    admin.get_by_role("button", name="Search").click()
    admin.get_by_role("button", name=f"Details of {email}").click()
    dialog = admin.get_by_role("dialog")
    expect(dialog.get_by_text(name)).to_be_visible()
    dialog.get_by_role("button", name="Suspend").click()
    dialog.get_by_role("button", name="Suspend").click()  # no reason yet
    expect(dialog.get_by_text("Give a reason; it is kept in the audit log.")).to_be_visible()
    dialog.get_by_label("Suspend — reason (kept in the audit log)").fill("Chargeback fraud")
    dialog.get_by_role("button", name="Suspend").click()
    expect(toast(admin, f"{email} suspended and signed out.")).to_be_visible()

    user.reload()
    expect(user.get_by_role("link", name="Sign in").first).to_be_visible()
    response = httpx.post(f"{server}/api/auth/sign-in", json={"email": email, "password": PASSWORD}, timeout=10)
    assert response.status_code == 403 and "suspended" in response.json()["error"]


def test_admin_pages_are_not_found_for_everybody_else(new_page, server: str):
    user = signed_in(new_page, server, verified_account(server, unique_email("curious"), "Curious Cat"))
    for path in ("/admin", "/admin/users", "/admin/kyc"):
        user.goto(path)
        expect(user.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(user.get_by_role("navigation", name="Admin sections")).to_have_count(0)
    anonymous = new_page()
    anonymous.goto("/admin/audit")
    expect(anonymous.get_by_role("heading", name="Page not found")).to_be_visible()
