"""Organizers in a real browser (#20 §6): choosing "I'm organizing events" at onboarding opens the
new-workspace form, and the public organizer page /o/{slug} lists an upcoming event and is reached
from that event's "By …" line and from its discovery card (an unknown slug: 404 and a message)."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import at_path, unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import signed_in, verified_account

pytestmark = pytest.mark.e2e


def test_onboarding_as_an_organizer_lands_on_the_new_workspace_form(new_page, server: str) -> None:
    page = signed_in(new_page, server, verified_account(server, unique_email("newbie"), "Neema Organizer"))
    page.goto("/onboarding?next=%2Fevents")
    expect(page.get_by_role("heading", name="Welcome, Neema Organizer")).to_be_visible()
    page.get_by_role("radio", name="I'm organizing events").click()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(re.compile(re.escape(server) + r"/workspaces/new\?next=%2Fevents$"))
    expect(page.get_by_role("heading", name="Create a workspace")).to_be_visible()
    expect(page.get_by_label("Workspace name")).to_be_visible()


def _organizer_page_shows(page: Page, server: str, seeded: dict, workspace: str) -> None:
    page.wait_for_url(at_path(server, f"/o/{seeded['workspace_slug']}"))
    expect(page.get_by_role("heading", level=1, name=workspace)).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(workspace)))
    expect(page.get_by_text("Concerts and meetups for everyone.")).to_be_visible()
    expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()
    card = page.get_by_role("link").filter(has=page.get_by_role("heading", name=seeded["title"]))
    expect(card).to_have_attribute("href", f"/e/{seeded['short_id']}")
    expect(page.get_by_text("No past events yet.")).to_be_visible()


def test_the_organizer_page_lists_the_event_and_is_reached_from_its_by_link_and_card(
    page: Page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Crew Owner")
    seeded = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry"}])
    tag = seeded["title"].rsplit(" ", 1)[-1]
    workspace = f"Checkout Crew {tag}"

    page.goto(f"/e/{seeded['short_id']}")
    expect(page.get_by_role("heading", level=1, name=seeded["title"])).to_be_visible()
    page.get_by_role("link", name=workspace).click()
    _organizer_page_shows(page, server, seeded, workspace)
    # The event's own link goes back to it.
    page.get_by_role("link").filter(has=page.get_by_role("heading", name=seeded["title"])).click()
    page.wait_for_url(at_path(server, f"/e/{seeded['short_id']}"))

    page.goto(f"/events?q={tag}")
    card = page.get_by_role("link").filter(has=page.get_by_role("heading", name=seeded["title"]))
    expect(card).to_be_visible()
    page.get_by_role("link", name=workspace, exact=True).click()
    _organizer_page_shows(page, server, seeded, workspace)


def test_an_unknown_organizer_answers_404_with_a_message(page: Page, server: str) -> None:
    assert httpx.get(f"{server}/o/no-such-organizer-here", timeout=10).status_code == 404
    page.goto("/o/no-such-organizer-here")
    expect(page.get_by_role("heading", name="Organizer not found")).to_be_visible()
    expect(page.get_by_role("link", name="Browse events")).to_be_visible()
