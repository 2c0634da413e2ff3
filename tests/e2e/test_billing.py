"""Billing in a real browser: an organizer with paid orders sees the right totals and the chart,
exports the transactions, requests a withdrawal (after a refused one); a super admin marks it
paid from /admin/revenue; the organizer sees it paid and is emailed."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e import seeding
from tests.e2e.conftest import enable_two_factor_api, newest_email, unique_email
from tests.e2e.test_layout import assert_fits
from tests.e2e.test_workspaces import signed_in, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e


def seed_sales(database_url: str, owner_email: str, workspace: str) -> dict:
    """A KYC-approved workspace with a KES 1,500 tier and two paid orders (see seed_billing.py)."""
    spec = {
        "owner_email": owner_email,
        "workspace": workspace,
        "event": {"title": f"Rhumba Night {uuid.uuid4().hex[:6]}", "pricing": "paid"},
        "tiers": [{"name": "Regular", "price": 150000, "quantity": 50}],
        # 2 tickets (Paystack fee KES 45) and 1 ticket (KES 23): absorbed 5% platform fee.
        "orders": [{"tickets": 2, "fees": 4500}, {"tickets": 1, "fees": 2300}],
    }
    return seeding.seed("seed_billing", spec, database_url)


def _open_billing(page: Page, workspace_id: str) -> None:
    page.goto(f"/workspace/{workspace_id}/billing")
    expect(page.get_by_role("heading", name="Billing", level=2)).to_be_visible()


def test_organizer_sees_totals_requests_a_withdrawal_and_finance_pays_it(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    cookie = verified_account(server, owner_email, "Bella Billing")
    workspace = f"Rhumba Crew {uuid.uuid4().hex[:6]}"
    seeded = seed_sales(e2e_database_url, owner_email, workspace)
    owner = signed_in(new_page, server, cookie)

    # Withdrawals need two-factor: without it the page says so, with the link, before any form opens.
    owner.goto(f"/workspace/{seeded['workspace_id']}/billing")
    notice = owner.get_by_role("note", name="Withdrawals need two-factor sign-in")
    expect(notice).to_contain_text("before requesting a withdrawal")
    expect(notice.get_by_role("link", name="Set up two-factor sign-in")).to_have_attribute(
        "href", "/account?two_factor=withdrawal#two-factor"
    )
    expect(owner.get_by_role("button", name="Request withdrawal")).to_be_disabled()
    enable_two_factor_api(server, cookie)  # this session passes it

    owner.goto(f"/workspace/{seeded['workspace_id']}")
    owner.get_by_role("link", name="Billing").click()
    expect(owner.get_by_role("heading", name="Billing", level=2)).to_be_visible()
    card = owner.get_by_label("KES balance")
    # Gross 4,500; platform fees 5% = 225; Paystack 45 + 23 = 68; net 4,500 − 225 − 68 = 4,207.
    for label, value in [
        ("Gross sales", "KES 4,500.00"),
        ("Platform fees", "KES 225.00"),
        ("Paystack fees", "KES 68.00"),
        ("Refunds", "KES 0.00"),
        ("Net earnings", "KES 4,207.00"),
        ("Pending payouts", "KES 0.00"),
    ]:
        expect(card.get_by_text(label, exact=True).locator("..")).to_contain_text(value)
    expect(card.get_by_test_id("available")).to_have_text("KES 4,207.00")
    chart = owner.locator("#billing-chart")
    expect(chart.locator(".recharts-surface").first).to_be_visible()
    expect(chart.locator(".recharts-bar-rectangle").first).to_be_attached()
    expect(owner.get_by_test_id("transaction-row")).to_have_count(2)

    csv_href = owner.get_by_role("link", name="Export CSV").get_attribute("href")
    exported = httpx.get(csv_href, cookies={"ep_session": cookie}, timeout=10)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.text.count(",sale,") == 2 and ",2805.00," in exported.text  # 3,000 − 150 − 45
    assert httpx.get(csv_href, timeout=10).status_code == 401

    owner.get_by_role("button", name="Request withdrawal").click()
    dialog = owner.get_by_role("dialog")
    dialog.get_by_label("Amount").fill("500")
    dialog.get_by_role("radio", name="M-Pesa").click()
    dialog.get_by_label("M-Pesa phone number").fill("0712 345 678")
    dialog.get_by_role("button", name="Request withdrawal").click()
    expect(dialog.get_by_text("The minimum withdrawal is KES 1,000.00.")).to_be_visible()
    dialog.get_by_label("Amount").fill("2,000")
    dialog.get_by_role("button", name="Request withdrawal").click()
    expect(toast(owner, "Withdrawal of KES 2,000.00 requested.")).to_be_visible()
    expect(owner.get_by_role("dialog")).to_have_count(0)
    expect(card.get_by_test_id("available")).to_have_text("KES 2,207.00")
    expect(card.get_by_text("Pending payouts", exact=True).locator("..")).to_contain_text("KES 2,000.00")
    history = owner.get_by_test_id("withdrawal-row")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Requested")

    admin = super_admin(new_page, server)
    admin.goto("/admin/revenue")
    expect(admin.get_by_role("heading", name="Revenue", level=1)).to_be_visible()
    expect(admin.get_by_role("img", name="Gross, refunds and platform fees per day, in KES")).to_be_visible()
    queued = admin.get_by_test_id("queued-withdrawal").filter(has_text=workspace)
    expect(queued).to_contain_text("KES 2,000.00")
    expect(queued).to_contain_text("M-Pesa +254712345678")
    queued.get_by_role("button", name="Mark paid").click()
    decision = admin.get_by_role("dialog")
    decision.get_by_label("Transfer reference").fill("QX7MPESA42")
    decision.get_by_role("button", name="Mark paid").click()
    expect(toast(admin, "Marked paid. The organizer has been emailed.")).to_be_visible()
    expect(admin.get_by_test_id("queued-withdrawal").filter(has_text=workspace)).to_have_count(0)

    _open_billing(owner, seeded["workspace_id"])
    expect(owner.get_by_test_id("withdrawal-row")).to_contain_text("Paid")
    expect(owner.get_by_test_id("withdrawal-row")).to_contain_text("Ref QX7MPESA42")
    expect(card.get_by_text("Withdrawn", exact=True).locator("..")).to_contain_text("KES 2,000.00")
    paid = newest_email(server, owner_email, "withdrawal_paid")
    assert paid["subject"] == "Withdrawal of KES 2,000.00 paid" and "QX7MPESA42" in paid["text_body"]

    # On a phone the page fits the screen: the wide tables scroll inside their own boxes.
    owner.set_viewport_size({"width": 390, "height": 844})
    _open_billing(owner, seeded["workspace_id"])
    expect(owner.get_by_test_id("transaction-row")).to_have_count(3)
    assert_fits(owner)


def test_billing_and_revenue_are_closed_to_others(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Olga Owner")
    seeded = seed_sales(e2e_database_url, owner_email, f"Closed Crew {uuid.uuid4().hex[:6]}")
    stranger = signed_in(new_page, server, verified_account(server, unique_email("stranger"), "Sam Stranger"))
    stranger.goto(f"/workspace/{seeded['workspace_id']}/billing")
    expect(stranger.get_by_role("heading", name="You can't open this workspace")).to_be_visible()
    stranger.goto("/admin/revenue")
    expect(stranger.get_by_text("This page does not exist.")).to_be_visible()
    expect(stranger.get_by_test_id("queued-withdrawal")).to_have_count(0)
