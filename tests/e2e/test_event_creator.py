"""The event creator in a real browser (#24 §6, §7): a past start refused on its own step, the draft
kept as you go and brought back by "Continue editing", the preview, duplicating an event, and a
suggested category approved by an admin joining the creator's list."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_events import field_group, local
from tests.e2e.test_workspaces import organizer_with_workspace, signed_in, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e


def fill_details(page: Page, title: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Sunset sets on the roof, with friends and good food.")
    page.get_by_label("Category").select_option("Music")
    page.get_by_role("button", name="Next").click()


def test_a_past_start_is_refused_on_its_step_then_the_draft_comes_back(new_page, server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Rooftop Sessions {tag}"
    page, _, workspace_id = organizer_with_workspace(new_page, server, "Dora Drafts", f"Draft Crew {tag}")
    page.goto(f"/workspace/{workspace_id}/events/new")
    fill_details(page, title)
    expect(page.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()

    yesterday = (datetime.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    page.get_by_label("Starts").fill(local(yesterday))
    page.get_by_label("Ends").fill(local(yesterday + timedelta(hours=3)))
    page.get_by_role("button", name="Next").click()
    expect(field_group(page, "Starts").get_by_role("alert")).to_have_text("Choose a start time in the future.")
    expect(page.get_by_role("button", name="2. When")).to_have_attribute("aria-current", "step")

    starts = (datetime.now() + timedelta(days=5)).replace(hour=18, minute=0, second=0, microsecond=0)
    page.get_by_label("Starts").fill(local(starts))
    page.get_by_label("Ends").fill(local(starts - timedelta(hours=1)))
    page.get_by_role("button", name="Next").click()
    expect(field_group(page, "Ends").get_by_role("alert")).to_have_text("The event must end after it starts.")
    page.get_by_label("Ends").fill(local(starts + timedelta(hours=4)))
    # Leave the field first and let its error go: the error line's removal moves the Next button,
    # and a press whose mouse-up lands after that move would miss it.
    page.get_by_label("Ends").blur()
    expect(field_group(page, "Ends").get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("button", name="3. Where")).to_have_attribute("aria-current", "step")

    # Another visit: the dashboard and the events list offer the unfinished event, and the creator
    # picks up where it was.
    page.goto(f"/workspace/{workspace_id}")
    expect(page.get_by_text(f"Unfinished event: {title}")).to_be_visible()
    page.goto(f"/workspace/{workspace_id}/events")
    expect(page.get_by_text(f"Unfinished event: {title}")).to_be_visible()
    page.get_by_role("button", name="Continue editing").click()
    expect(page.get_by_role("button", name="3. Where")).to_have_attribute("aria-current", "step")
    page.get_by_label("Venue").fill("The Alchemist")
    page.get_by_label("City").fill("Nairobi")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()  # free
    page.get_by_role("button", name="Next").click()  # the default tier
    expect(page.get_by_role("button", name="Add a partner")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Starts")).to_have_value(local(starts))
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Title")).to_have_value(title)
    expect(page.get_by_label("Category")).to_have_value("Music")
    for _ in range(5):
        page.get_by_role("button", name="Next").click()

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview of the event page")
    expect(preview.get_by_role("heading", name=title)).to_be_visible()
    expect(preview.get_by_text("The Alchemist")).to_be_visible()
    expect(preview.get_by_test_id("tier")).to_contain_text("General admission")

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(rf"/workspace/{workspace_id}/events/(?!new/?$)\w+/?$"))
    page.goto(f"/workspace/{workspace_id}/events")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_text("Unfinished event")).to_have_count(0)  # creating it used the draft up


def test_duplicate_event_opens_a_draft_copy_with_its_tickets(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Dan Duplicate"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 40}, {"name": "VIP", "price": 500000}],
    )
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    expect(owner.get_by_role("heading", name=event["title"], level=2)).to_be_visible()
    owner.get_by_role("button", name="Duplicate event").click()
    expect(toast(owner, "Copied as a new draft")).to_be_visible()
    owner.wait_for_url(re.compile(rf"/workspace/{event['workspace_id']}/events/(?!{event['short_id']})\w+/?$"))
    expect(owner.get_by_role("heading", name=f"{event['title']} (copy)", level=2)).to_be_visible()
    expect(owner.get_by_text("draft", exact=True)).to_be_visible()
    owner.get_by_role("tab", name="Tickets").click()
    expect(owner.get_by_label("Ticket name").first).to_have_value("Regular")
    expect(owner.get_by_label("Ticket name").nth(1)).to_have_value("VIP")


def test_a_suggested_category_approved_by_an_admin_joins_the_list(new_page, server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"Comedy {tag}"
    page, _, workspace_id = organizer_with_workspace(new_page, server, "Sara Suggests", f"Laugh Club {tag}")
    page.goto(f"/workspace/{workspace_id}/events/new")
    expect(page.get_by_label("Category")).to_be_visible()
    page.get_by_role("button", name="Suggest a category").click()
    page.get_by_label("Category name").fill("music")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_role("dialog").get_by_role("alert")).to_have_text("Music is already in the list; pick it there.")
    page.get_by_label("Category name").fill(name)
    page.get_by_role("button", name="Send suggestion").click()
    expect(toast(page, f"Thanks: {name} was sent")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_label("Category").locator("option", has_text=name)).to_have_count(0)

    admin = super_admin(new_page, server)
    admin.goto("/admin/categories")
    expect(admin.get_by_role("heading", name="Categories")).to_be_visible()
    admin.get_by_role("button", name=f"Approve {name}").click()
    expect(toast(admin, f"{name} approved")).to_be_visible()
    expect(admin.get_by_role("button", name=f"Approve {name}")).to_have_count(0)

    page.reload()
    page.get_by_label("Category").select_option(name)
    expect(page.get_by_label("Category")).to_have_value(name)
