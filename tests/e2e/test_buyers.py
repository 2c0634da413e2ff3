"""What buyers see (#24 §3): upcoming events on the home page, the /events count and Clear filters,
the phone's sticky "Get tickets" bar, the success page's event details and calendar invite, and
toasts that stay clear of the Pay button and close when the buyer moves on."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from eventpalour.models.types import utcnow
from tests.e2e import seeding
from tests.e2e.conftest import at_path, unique_email
from tests.e2e.test_checkout import buy_through_sandbox, buyer_page, pick
from tests.e2e.test_layout import PHONE
from tests.e2e.test_workspaces import signed_in, toast, verified_account
from tests.factories import local

pytestmark = pytest.mark.e2e

# Long enough that, scrolled to the end on a phone, the tickets panel is out of sight.
STORY = "\n\n".join(f"Part {i}: an evening of benga, rhumba and good company by the lake." for i in range(40))


def seed(database_url: str, owner_email: str, *, days: float, tiers: list[dict], **event) -> dict:
    """A published event starting in `days` days, of a new KYC-approved workspace (see seed_event.py)."""
    tag = uuid.uuid4().hex[:6]
    start = utcnow() + timedelta(days=days)
    spec = {
        "owner_email": owner_email,
        "workspace": f"Lakeside Sounds {tag}",
        "event": {
            "title": f"Lake Benga {tag}",
            "start_local": local(start),
            "end_local": local(start + timedelta(hours=3)),
            **event,
        },
        "tiers": tiers,
    }
    made = seeding.seed("seed_event", spec, database_url)
    return {**made, "title": spec["event"]["title"], "workspace": spec["workspace"], "tag": tag}


def organizer(new_page, server: str) -> str:
    email = unique_email("owner")
    verified_account(server, email, "Olive Organizer")
    return email


def card_of(page: Page, title: str):
    return page.get_by_role("link").filter(has=page.get_by_role("heading", name=title))


def test_home_lists_upcoming_events_and_events_counts_and_clears(new_page, server: str, e2e_database_url: str) -> None:
    event = seed(e2e_database_url, organizer(new_page, server), days=0.2, tiers=[{"name": "Free", "price": 0}])

    guest = new_page()
    guest.goto("/")
    upcoming = guest.get_by_role("region", name="Upcoming events")
    expect(upcoming.get_by_role("heading", name="Upcoming events", level=2)).to_be_visible()
    expect(card_of(guest, event["title"])).to_be_visible()  # the soonest event, for a signed-out visitor
    # The organizer's name is a link of its own beside the card's event link (#20 §6).
    whole_card = guest.locator(".rt-Card").filter(has=guest.get_by_role("heading", name=event["title"]))
    expect(whole_card).to_contain_text(event["workspace"])
    upcoming.get_by_role("link", name="See all events").click()
    guest.wait_for_url(at_path(server, "/events"))

    count = guest.locator("#events-count")
    expect(count).to_have_text(re.compile(r"^[\d,]+\+? events?$"))
    clear = guest.get_by_role("button", name="Clear filters")
    expect(clear).to_have_count(0)  # nothing to clear

    guest.goto(f"/events?q={event['tag']}")
    expect(count).to_have_text("1 event")
    expect(card_of(guest, event["title"])).to_be_visible()
    guest.goto("/events?q=zzznothingmatches")
    expect(count).to_have_text("0 events")
    expect(guest.get_by_role("heading", name="No events match")).to_be_visible()
    clear.click()
    guest.wait_for_url(at_path(server, "/events"))
    expect(clear).to_have_count(0)
    expect(card_of(guest, event["title"])).to_be_visible()
    expect(guest.get_by_role("searchbox", name="Search events")).to_have_value("")

    signed = signed_in(new_page, server, verified_account(server, unique_email("fan"), "Fiona Fan"))
    signed.goto("/")  # signed in, the home page lists them too
    expect(card_of(signed, event["title"])).to_be_visible()


def test_phone_event_page_has_a_sticky_bar_that_scrolls_to_the_tickets(
    new_page, server: str, e2e_database_url: str
) -> None:
    event = seed(
        e2e_database_url,
        organizer(new_page, server),
        days=5,
        pricing="paid",
        description=STORY,
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30}, {"name": "VIP", "price": 500000}],
    )
    phone = new_page(**PHONE)
    phone.goto(f"/e/{event['short_id']}")
    expect(phone.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    bar = phone.get_by_role("region", name="Get tickets")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("From KES 1,500.00")
    tickets = phone.get_by_role("heading", name="Tickets", level=2)

    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(tickets).not_to_be_in_viewport()
    box = bar.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - 844) <= 1, box  # stuck to the bottom
    bar.get_by_role("button", name="Get tickets").click()
    expect(tickets).to_be_in_viewport()
    expect(phone.get_by_role("button", name="One more Regular")).to_be_in_viewport()

    wide = new_page()
    wide.goto(f"/e/{event['short_id']}")
    expect(wide.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    expect(wide.get_by_role("button", name="One more Regular")).to_be_visible()
    expect(wide.get_by_role("region", name="Get tickets")).to_be_hidden()


def test_phone_toasts_clear_the_pay_button_and_close_on_the_next_page(
    new_page, server: str, e2e_database_url: str
) -> None:
    event = seed(
        e2e_database_url,
        organizer(new_page, server),
        days=5,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30}],
    )
    cookie = verified_account(server, unique_email("buyer"), "Brian Buyer")
    phone = new_page(**PHONE)
    phone.context.add_cookies([{"name": "ep_session", "value": cookie, "url": server}])
    phone.goto(f"/e/{event['short_id']}")
    pick(phone, "Regular", 1)
    phone.get_by_role("button", name="Checkout").click()
    held = toast(phone, "Your tickets are held")
    expect(held).to_be_visible()
    pay = phone.get_by_role("button", name="Pay KES 1,500.00")
    pay.scroll_into_view_if_needed()
    expect(pay).to_be_in_viewport()
    toast_box, pay_box = held.bounding_box(), pay.bounding_box()
    assert toast_box["y"] + toast_box["height"] <= pay_box["y"] or pay_box["y"] + pay_box["height"] <= toast_box["y"]

    phone.wait_for_timeout(2000)  # the toast belongs to this page now
    expect(held).to_be_visible()  # and would show for 3 more seconds
    phone.get_by_role("banner").get_by_role("link").first.click()
    phone.wait_for_url(re.compile(rf"^{re.escape(server)}/(events)?/?$"))
    expect(held).to_have_count(0, timeout=1000)  # closed by the move, well before it would time out


def test_success_page_shows_when_where_who_and_the_calendar_invite(
    new_page, server: str, e2e_database_url: str
) -> None:
    event = seed(
        e2e_database_url,
        organizer(new_page, server),
        days=5,
        pricing="paid",
        venue="Kisumu Yacht Club",
        city="Kisumu",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30}],
    )
    page, _ = buyer_page(new_page, server, "Brian Buyer")
    buy_through_sandbox(page, server, event["short_id"], "Regular", 1)

    bought = page.get_by_test_id("bought-event")
    expect(bought.get_by_role("heading", name=event["title"])).to_be_visible()
    start = (utcnow() + timedelta(days=5)).astimezone(ZoneInfo("Africa/Nairobi"))
    expect(bought).to_contain_text(re.compile(rf"{start.day} {start:%b %Y}.*EAT"))  # in the event's zone
    expect(bought).to_contain_text("Kisumu Yacht Club, Kisumu, Kenya")
    expect(bought).to_contain_text(event["workspace"])
    invite = bought.get_by_role("link", name="Add to calendar")
    expect(invite).to_have_attribute("href", re.compile(r"/api/tickets/[^/]+/calendar\.ics$"))
    answer = page.request.get(invite.get_attribute("href"))
    assert answer.status == 200 and "BEGIN:VCALENDAR" in answer.text() and event["title"] in answer.text()
