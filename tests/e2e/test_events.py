"""Events in a real browser: the six-step creator, KYC before a paid event goes live, discovery, hiding."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import at_path, unique_email
from tests.e2e.test_admin import approve_kyc, file_kyc
from tests.e2e.test_checkout import buyer_page, pick, seed_event, tier_held
from tests.e2e.test_workspaces import organizer_with_workspace, signed_in, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e

KYC_REFUSAL = "Paid events can be published once the workspace's KYC is approved."


def field_group(page: Page, label: str) -> Locator:
    """The block of one form field: its label, its input and whatever shows under it."""
    return page.locator("label").filter(has_text=re.compile(rf"^{re.escape(label)}$")).locator("xpath=..")


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def manage_url_of(workspace_id: str, short_id: str) -> str:
    return f"/workspace/{workspace_id}/events/{short_id}"


def search_events(page: Page, query: str = "", city: str = "") -> None:
    """Type into /events' search form and submit it, as a visitor would."""
    form = page.get_by_role("search")
    form.get_by_label("Search events").fill(query)
    form.get_by_label("City").fill(city)
    form.get_by_role("button", name="Search").click()


def assert_query(page: Page, query: str) -> None:
    """The filters are in the address, so the search can be shared."""
    expect(page).to_have_url(re.compile(rf"/events/?\?{re.escape(query)}$"))


def test_event_step_errors_shown_per_field(new_page, server: str) -> None:
    page, _, workspace_id = organizer_with_workspace(
        new_page, server, "Esther Steps", f"Step Check {uuid.uuid4().hex[:6]}"
    )
    page.goto(f"/workspace/{workspace_id}/events/new")
    expect(page.get_by_role("heading", name="Create an event")).to_be_visible()
    expect(page.get_by_role("button", name="1. Details")).to_have_attribute("aria-current", "step")

    page.get_by_role("button", name="Next").click()

    for label, message in (
        ("Title", "Give the event a title of up to 255 characters."),
        ("Description", "Describe the event in at least 10 characters."),
        ("Category", "Choose a category from the list."),
    ):
        error = field_group(page, label).get_by_role("alert")
        expect(error).to_have_text(message)
        assert error.bounding_box()["y"] > page.get_by_label(label).bounding_box()["y"], f"{label}'s error is above it"
    expect(page.get_by_role("alert")).to_have_count(3)  # nothing about later steps yet
    expect(page.get_by_role("button", name="1. Details")).to_have_attribute("aria-current", "step")
    expect(page.get_by_label("Starts")).to_have_count(0)

    page.get_by_label("Title").fill("Jazz on the Lawn")  # typing clears that field's error only
    expect(field_group(page, "Title").get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(2)


def test_paid_event_two_tiers_publish_discover_hide(new_page, server: str, tmp_path) -> None:
    tag = uuid.uuid4().hex[:8]
    workspace_name, title, city = f"Kwela Live {tag}", f"Marimba Nights {tag}", "Kisumu"
    page, _, workspace_id = organizer_with_workspace(new_page, server, "Moses Organizer", workspace_name)
    starts = (datetime.now() + timedelta(days=3)).replace(hour=18, minute=30, second=0, microsecond=0)

    page.goto(f"/workspace/{workspace_id}/events")
    expect(page.get_by_role("heading", name="No events here yet")).to_be_visible()
    expect(page.get_by_role("combobox", name="Filter by status")).to_have_text("all")
    page.get_by_role("link", name="New event").click()
    expect(page.get_by_role("heading", name="Create an event")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("An evening of marimba, kwela and benga by the lake. Bring friends.")
    page.get_by_label("Category").select_option("Music")
    page.get_by_role("button", name="Next").click()

    page.get_by_label("Starts").fill(local(starts))
    page.get_by_label("Ends").fill(local(starts + timedelta(hours=4)))
    page.get_by_label("Time zone").select_option("Africa/Nairobi")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("radio", name="In person")).to_be_checked()
    page.get_by_label("Venue").fill("Kisumu Impala Park")
    page.get_by_label("City").fill(city)
    page.get_by_label("Country").fill("Kenya")
    page.get_by_role("button", name="Next").click()

    page.get_by_role("radio", name="Paid").click()
    expect(page.get_by_label("Currency")).to_have_value("KES")
    page.get_by_role("button", name="Next").click()

    page.get_by_label("Ticket name").fill("Regular")
    page.get_by_label("Price (KES)").fill("1500")
    page.get_by_label("Quantity (empty = unlimited)").fill("")
    page.get_by_role("button", name="Add a ticket tier").click()
    expect(page.get_by_role("heading", name="Ticket 2")).to_be_visible()
    page.get_by_label("Ticket name").nth(1).fill("VIP")
    page.get_by_label("Price (KES)").nth(1).fill("5000")
    page.get_by_label("Quantity (empty = unlimited)").nth(1).fill("20")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("button", name="Add a partner")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    manage_url = re.compile(rf"/workspace/{workspace_id}/events/(?!new/?$)(\w+)/?$")  # not the creator's own URL
    page.wait_for_url(manage_url)
    short_id = manage_url.search(page.url).group(1)
    expect(page.get_by_role("heading", name=title, level=2)).to_be_visible()
    expect(page.get_by_text("draft", exact=True)).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(toast(page, KYC_REFUSAL)).to_be_visible()
    expect(page.get_by_text("draft", exact=True)).to_be_visible()

    document = tmp_path / "id.png"
    Image.new("RGB", (120, 80), (40, 120, 200)).save(document)
    file_kyc(page, workspace_id, document)
    approve_kyc(super_admin(new_page, server), workspace_name)
    page.goto(manage_url_of(workspace_id, short_id))

    page.get_by_role("button", name="Publish").click()
    expect(toast(page, "Published. Your event is live on EventPalour.")).to_be_visible()
    expect(page.get_by_text("active", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Hide")).to_be_visible()

    visitor = new_page()
    card = visitor.get_by_role("link").filter(has=visitor.get_by_role("heading", name=title))
    visitor.goto("/events")
    expect(card).to_be_visible()
    # The card opens the event; its organizer's name, a link of its own, opens their page (#20 §6).
    whole_card = visitor.locator(".rt-Card").filter(has=visitor.get_by_role("heading", name=title))
    expect(whole_card).to_contain_text("From KES 1,500.00")
    expect(whole_card.get_by_role("link", name=workspace_name)).to_have_attribute(
        "href", re.compile(r"^/o/[a-z0-9-]+$")
    )

    # Each search below changes what the list shows, so every wait proves the new results arrived
    # (and the search boxes, re-rendered with the URL's values, are settled before the next one is typed).
    no_match = visitor.get_by_role("heading", name="No events match")
    search_events(visitor, query=f"zzz{tag}")
    expect(no_match).to_be_visible()
    search_events(visitor, query=tag)
    expect(card).to_be_visible()
    expect(visitor.get_by_role("heading", level=3)).to_have_count(1)
    assert_query(visitor, f"q={tag}")

    search_events(visitor, query=tag, city="Eldoret")  # the right words in another city
    expect(no_match).to_be_visible()
    search_events(visitor, city=city)
    expect(card).to_be_visible()
    assert_query(visitor, f"city={city}")

    card.click()
    visitor.wait_for_url(at_path(server, f"/e/{short_id}"))
    expect(visitor.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(visitor.get_by_text(workspace_name)).to_be_visible()
    tiers = visitor.get_by_test_id("tier")
    expect(tiers).to_have_count(2)
    expect(tiers.filter(has_text="Regular")).to_contain_text("KES 1,500.00")
    expect(tiers.filter(has_text="VIP")).to_contain_text("KES 5,000.00")

    page.get_by_role("button", name="Hide").click()
    expect(toast(page, "Hidden from discovery.")).to_be_visible()
    expect(page.get_by_text("inactive", exact=True)).to_be_visible()

    visitor.goto(f"/events?q={tag}")
    expect(visitor.get_by_role("heading", name="No events match")).to_be_visible()
    visitor.goto("/events")
    expect(visitor.get_by_role("heading", level=1, name="Discover events")).to_be_visible()
    expect(visitor.get_by_role("status", name="Loading events")).to_have_count(0)
    expect(card).to_have_count(0)


def test_manage_page_offers_only_what_the_service_allows(new_page, server: str, e2e_database_url: str) -> None:
    """An open hold is not a sale, yet it keeps the event and its tier from being deleted: the page
    offers no Delete for either, while a tier nobody holds can still be removed."""
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Hana Holder"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 10}, {"name": "Spare", "price": 150000}],
    )
    owner.goto(manage_url_of(event["workspace_id"], event["short_id"]))
    expect(owner.get_by_role("button", name="Delete", exact=True)).to_be_visible()
    expect(owner.get_by_role("button", name="Publish")).to_have_count(0)
    expect(owner.get_by_role("button", name="Hide")).to_be_visible()

    buyer, _ = buyer_page(new_page, server, "Hamisi Holder")
    buyer.goto(f"/e/{event['short_id']}")
    pick(buyer, "Regular", 1)
    buyer.get_by_role("button", name="Checkout").click()
    expect(buyer.get_by_text("1 ticket held for you")).to_be_visible()
    assert tier_held(e2e_database_url, event["tiers"]["Regular"]) == (0, 1)

    owner.reload()
    expect(owner.get_by_role("button", name="Hide")).to_be_visible()
    expect(owner.get_by_role("button", name="Delete", exact=True)).to_have_count(0)
    owner.get_by_role("tab", name="Tickets").click()
    expect(owner.get_by_role("button", name="Remove ticket 2")).to_be_visible()
    expect(owner.get_by_role("button", name="Remove ticket 1")).to_have_count(0)
