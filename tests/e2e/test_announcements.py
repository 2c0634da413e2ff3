"""Announcements in a real browser (#22 §2): the organizer's Announcements tab (field errors, live
Markdown preview, send now, schedule), a holder unsubscribing from the link in the email, the worker
sending the scheduled announcement once per holder and not to the unsubscribed, and a holder reading
it on /tickets and on the event page."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from eventpalour.models.types import utcnow
from tests.e2e.conftest import emails_to, unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_tickets import seed_tickets
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e
UNSUBSCRIBE_LINK = re.compile(r"(http://\S+/announcements/unsubscribe/\S+)")


def _announcements(server: str, address: str, subject: str) -> list[dict]:
    return [e for e in emails_to(server, address) if e["kind"] == "announcement" and e["subject"].startswith(subject)]


def _time_passes(database_url: str, short_id: str) -> None:
    """The scheduled announcements of the event fall due now (rather than waiting for the clock)."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE announcements SET send_at = :now WHERE status = 'scheduled' AND event_id = "
                    "(SELECT id FROM events WHERE short_id = :short_id)"
                ),
                {"now": utcnow() - timedelta(seconds=1), "short_id": short_id},
            )
    finally:
        engine.dispose()


def test_a_scheduled_announcement_reaches_each_holder_once_but_not_the_unsubscribed(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("owner")
    owner = signed_in(new_page, server, verified_account(server, owner_email, "Amina Announcer"))
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="free",
        tiers=[{"name": "General", "price": 0, "quantity": 50, "max_per_order": 5}],
    )
    holders = {name: unique_email(name) for name in ("twice", "once", "quits")}
    cookies = {name: verified_account(server, email, name.title()) for name, email in holders.items()}
    counts = {"twice": 2, "once": 1, "quits": 1}
    seed_tickets(
        e2e_database_url,
        {"short_id": event["short_id"], "holders": [{"email": holders[n], "count": counts[n]} for n in holders]},
    )

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Announcements").click()
    expect(owner.get_by_text("No announcements yet.")).to_be_visible()
    owner.get_by_role("button", name="Send announcement").click()
    expect(owner.locator("#announcement-subject-error")).to_have_text("Enter a subject.")
    expect(owner.locator("#announcement-body-error")).to_have_text("Write the message.")

    owner.get_by_label("Subject").fill("Welcome")
    owner.get_by_label("Message").fill("Doors open at **six**. <b>raw</b>")
    preview = owner.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("six")
    expect(preview).to_contain_text("<b>raw</b>")  # the author's HTML stays text
    owner.get_by_role("button", name="Send announcement").click()
    # The request only records it; the worker's announcement loop fans it out moments later.
    expect(toast(owner, "Announcement queued: it goes out to ticket holders within moments.")).to_be_visible()
    expect(owner.get_by_test_id("announcement-row")).to_have_count(1)
    deadline = time.monotonic() + 20
    while len(_announcements(server, holders["quits"], "Welcome")) != 1:
        assert time.monotonic() < deadline, "the worker did not send the announcement"
        time.sleep(0.3)
    owner.reload()
    owner.get_by_role("tab", name="Announcements").click()
    expect(owner.get_by_test_id("announcement-row")).to_contain_text("3 recipients")

    # The holder who quits opens the link in the email: unsubscribed, with a way back.
    welcome = _announcements(server, holders["quits"], "Welcome")
    assert len(welcome) == 1
    link = UNSUBSCRIBE_LINK.search(welcome[0]["text_body"]).group(1)
    quitter = signed_in(new_page, server, cookies["quits"])
    quitter.goto(link)
    expect(quitter.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    quitter.get_by_role("button", name="Resubscribe").click()
    expect(quitter.get_by_role("heading", name="You're subscribed again")).to_be_visible()
    quitter.get_by_role("button", name="Unsubscribe").click()
    expect(quitter.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    quitter.goto(link.rsplit(".", 1)[0] + ".forged")
    expect(quitter.get_by_role("heading", name="This link does not work")).to_be_visible()

    # A time in the past is refused; one in the future is scheduled.
    owner.get_by_label("Subject").fill("Parking")
    owner.get_by_label("Message").fill("Use gate B.")
    owner.get_by_role("radio", name="Schedule").click()
    zone = ZoneInfo("Africa/Nairobi")
    owner.get_by_label("Send at").fill((utcnow() - timedelta(hours=1)).astimezone(zone).strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_role("button", name="Schedule announcement").click()
    expect(owner.locator("#announcement-send_at-error")).to_have_text("Choose a time in the future, or send it now.")
    owner.get_by_label("Send at").fill((utcnow() + timedelta(hours=2)).astimezone(zone).strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_role("button", name="Schedule announcement").click()
    expect(toast(owner, "Announcement scheduled")).to_be_visible()
    scheduled = owner.get_by_test_id("announcement-row").filter(has_text="Parking")
    expect(scheduled).to_contain_text("Scheduled")
    expect(scheduled.get_by_role("button", name="Cancel Parking")).to_be_visible()

    _time_passes(e2e_database_url, event["short_id"])
    deadline = time.monotonic() + 20
    while not (
        _announcements(server, holders["twice"], "Parking") and _announcements(server, holders["once"], "Parking")
    ):
        assert time.monotonic() < deadline, "the worker did not send the scheduled announcement"
        time.sleep(0.3)
    time.sleep(1.5)  # a second worker pass must not send it again
    assert len(_announcements(server, holders["twice"], "Parking")) == 1  # two tickets, one email
    assert len(_announcements(server, holders["once"], "Parking")) == 1
    assert _announcements(server, holders["quits"], "Parking") == []
    owner.reload()
    owner.get_by_role("tab", name="Announcements").click()
    sent = owner.get_by_test_id("announcement-row").filter(has_text="Parking")
    expect(sent).to_contain_text("2 recipients")
    expect(sent).to_contain_text("Sent")
    expect(sent.get_by_role("button", name="Cancel Parking")).to_have_count(0)

    holder = signed_in(new_page, server, cookies["twice"])
    holder.goto("/tickets")
    parking = holder.get_by_role("article", name="Parking")
    expect(parking).to_contain_text("Use gate B.")
    expect(parking.get_by_role("link", name=event["title"])).to_be_visible()
    expect(holder.get_by_role("article", name="Welcome").locator("strong")).to_have_text("six")
    holder.goto(f"/e/{event['short_id']}")
    expect(holder.get_by_role("article", name="Parking")).to_be_visible()
