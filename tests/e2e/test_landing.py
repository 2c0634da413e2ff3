"""Issue #24 items 5 and 10 in a real browser: an organizer signs in and lands on the workspace
dashboard (upcoming events with sales and check-ins, recent orders, New event), and the door on a
phone with no camera puts the code field first and shows each result's headline in view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, at_path, unique_email
from tests.e2e.test_auth_flows import sign_in
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_tickets import door_setup, seed_tickets
from tests.e2e.test_workspaces import verified_account

pytestmark = pytest.mark.e2e

HEADLINE_IN_VIEW = """() => {
  const header = document.getElementById("site-header").getBoundingClientRect();
  const headline = document.querySelector("[data-testid=scan-result] h2");
  if (!headline) return false;
  const box = headline.getBoundingClientRect();
  return box.top >= header.bottom && box.bottom <= window.innerHeight;
}"""


def test_organizer_signs_in_and_lands_on_the_workspace_dashboard(new_page, server: str, e2e_database_url: str) -> None:
    owner_email, guest_email = unique_email("olga"), unique_email("guest")
    verified_account(server, owner_email, "Olga Owner")
    verified_account(server, guest_email, "Wanjiku Guest")
    event = seed_event(
        e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "price": 0, "quantity": 50}]
    )
    seed_tickets(e2e_database_url, {"short_id": event["short_id"], "holders": [{"email": guest_email, "count": 1}]})

    page = new_page()
    sign_in(page, owner_email, PASSWORD)
    page.wait_for_url(at_path(server, f"/workspace/{event['workspace_id']}"))

    upcoming = page.get_by_role("region", name="Upcoming events")
    expect(upcoming).to_contain_text(event["title"])
    expect(upcoming).to_contain_text("1 / 50 sold")
    expect(upcoming).to_contain_text("0 checked in")
    expect(upcoming).to_contain_text(re.compile(r"\d\d:\d\d EAT"))  # the event's own zone
    orders = page.get_by_role("region", name="Recent orders")
    expect(orders).to_contain_text("Wanjiku Guest")
    expect(orders).to_contain_text("KES 0.00")
    expect(orders).to_contain_text("Paid")
    expect(page.get_by_role("button", name="New event")).to_be_visible()

    upcoming.get_by_role("link", name=f"Manage {event['title']}").click()
    page.wait_for_url(at_path(server, f"/workspace/{event['workspace_id']}/events/{event['short_id']}"))


def test_a_next_still_wins_over_the_dashboard(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("olga")
    verified_account(server, owner_email, "Olga Owner")
    seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "price": 0, "quantity": 5}])

    page = new_page()
    page.goto("/auth/sign-in?next=%2Ftickets")
    page.get_by_label("Email").fill(owner_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(at_path(server, "/tickets"))


def test_the_door_without_a_camera_puts_the_code_first_and_the_result_in_view(
    new_page, server: str, e2e_database_url: str
) -> None:
    # This browser has no camera and was given no permission for one.
    staff, event, [ticket] = door_setup(new_page, server, e2e_database_url, holders=1)
    staff.set_viewport_size({"width": 390, "height": 640})
    # The buzz each answer gives (headless Chromium has no vibration motor to ask): recorded here.
    staff.add_init_script("window.__buzzes = []; navigator.vibrate = (p) => { window.__buzzes.push(p); return true; };")
    staff.goto(f"/scan/{event['short_id']}")

    expect(staff.get_by_role("alert").filter(has_text=re.compile("camera", re.IGNORECASE))).to_be_visible()
    expect(staff.get_by_label("Camera view")).to_have_count(0)
    expect(staff.get_by_role("button", name="Stop camera")).to_have_count(0)
    code_box = staff.get_by_label("Ticket code")
    result = staff.get_by_test_id("scan-result")
    counters = staff.get_by_label("Door counters")
    code_top = code_box.bounding_box()["y"]
    assert code_top < result.bounding_box()["y"] < counters.bounding_box()["y"]

    staff.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    code_box.fill(ticket["code"])
    staff.get_by_role("button", name="Check in").click()
    expect(result).to_have_attribute("data-result", "ok")
    expect(result.get_by_role("heading", name="Checked in")).to_be_in_viewport()
    staff.wait_for_function(HEADLINE_IN_VIEW)
    staff.wait_for_function("window.__buzzes.length === 1")
    assert staff.evaluate("window.__buzzes") == [[120]]  # one short buzz: come in
    expect(code_box).to_have_value("")  # cleared by a queued event after the result: type once it is

    code_box.fill(ticket["code"])
    staff.get_by_role("button", name="Check in").click()
    expect(result).to_have_attribute("data-result", "already_used")
    staff.wait_for_function(HEADLINE_IN_VIEW)
    staff.wait_for_function("window.__buzzes.length === 2")
    assert staff.evaluate("window.__buzzes")[1] == [90, 60, 90, 60, 90]  # already in: stop them

    # Opened again (the tab keeps its page state): no answer to signal, so no buzz.
    staff.reload()
    expect(staff.get_by_label("Door counters")).to_be_visible()
    staff.wait_for_timeout(1500)
    assert staff.evaluate("window.__buzzes") == []
