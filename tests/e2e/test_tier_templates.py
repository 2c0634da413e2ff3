"""Tier templates in a real browser: kept in the workspace settings, a tier started from one in the
event creator, and that tier on the published event's page with the template's name and price."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_events import field_group, local
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_template_from_settings_becomes_a_tier_on_the_event_page(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    page = signed_in(new_page, server, verified_account(server, owner_email, "Tamu Templates"))
    # A workspace with its KYC approved, so a paid event can go live (its own draft stays unused).
    workspace_id = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Door"}], publish=False)[
        "workspace_id"
    ]

    page.goto(f"/workspace/{workspace_id}/settings")
    section = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Ticket templates"))
    expect(section.get_by_text("No ticket templates yet.")).to_be_visible()
    section.get_by_role("button", name="Add a template").click()
    dialog = page.get_by_role("dialog", name="New ticket template")
    dialog.get_by_label("Template name").fill("Gold Circle")
    dialog.get_by_label("Price").fill("2500")
    dialog.get_by_label("Quantity").fill("forty")
    dialog.get_by_role("button", name="Add template").click()
    expect(field_group(page, "Quantity").get_by_role("alert")).to_have_text(
        "Enter a whole number, or leave empty for unlimited."
    )
    dialog.get_by_label("Quantity").fill("40")
    dialog.get_by_label("Max per order").fill("4")
    dialog.get_by_label("Description (optional)").fill("Seats by the stage")
    dialog.get_by_role("button", name="Add template").click()
    expect(toast(page, "Template Gold Circle added.")).to_be_visible()
    expect(dialog).to_have_count(0)
    row = section.get_by_role("listitem", name="Gold Circle")
    expect(row).to_contain_text("KES 2,500.00 · 40 seats · Up to 4 per order")

    tag = uuid.uuid4().hex[:6]
    title = f"Taarab by the Sea {tag}"
    starts = (datetime.now() + timedelta(days=5)).replace(hour=19, minute=0, second=0, microsecond=0)
    page.goto(f"/workspace/{workspace_id}/events/new")
    expect(page.get_by_role("heading", name="Create an event")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Taarab classics under the stars by the ocean. Come early for tea.")
    page.get_by_label("Category").select_option("Music")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Starts").fill(local(starts))
    page.get_by_label("Ends").fill(local(starts + timedelta(hours=3)))
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Venue").fill("Fort Jesus Grounds")
    page.get_by_label("City").fill("Mombasa")
    page.get_by_label("Country").fill("Kenya")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("radio", name="Paid").click()
    page.get_by_role("button", name="Next").click()

    page.get_by_role("button", name="Remove ticket 1").click()
    page.get_by_role("button", name="Add from template").click()
    page.get_by_role("menuitem", name="Gold Circle · KES 2,500.00 · 40 seats").click()
    expect(toast(page, "Gold Circle added from its template.")).to_be_visible()
    expect(page.get_by_label("Ticket name")).to_have_value("Gold Circle")
    expect(page.get_by_label("Price (KES)")).to_have_value("2500.00")
    expect(page.get_by_label("Quantity (empty = unlimited)")).to_have_value("40")
    expect(page.get_by_label("Max per order")).to_have_value("4")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Save draft").click()
    manage_url = re.compile(rf"/workspace/{workspace_id}/events/(?!new/?$)(\w+)/?$")
    page.wait_for_url(manage_url)
    short_id = manage_url.search(page.url).group(1)

    page.get_by_role("button", name="Publish").click()
    expect(toast(page, "Published. Your event is live on EventPalour.")).to_be_visible()

    visitor = new_page()
    visitor.goto(f"/e/{short_id}")
    expect(visitor.get_by_role("heading", name=title, level=1)).to_be_visible()
    tiers = visitor.get_by_test_id("tier")
    expect(tiers).to_have_count(1)
    expect(tiers.first).to_contain_text("Gold Circle")
    expect(tiers.first).to_contain_text("KES 2,500.00")
