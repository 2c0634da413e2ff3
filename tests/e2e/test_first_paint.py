"""The event page before and after its scripts (#24 §2): the server's static copy of the event
(api/first_paint.py) reads without JavaScript, and once the app shows the page the copy is gone
(never both on screen) and the app's stylesheet applies again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import verified_account

pytestmark = pytest.mark.e2e

TIERS = [
    {"name": "Early bird", "price": 150000, "quantity": 20},
    {"name": "VIP", "price": 500000, "quantity": 2},
    {"name": "Door", "price": 250000, "quantity": 50},
]
# Notes, from before the page's own scripts run, whether the static copy and the app's tiers were
# ever in the document together (checked after every DOM change, i.e. before any paint).
WATCH_BOTH = """
window.__bothShown = false;
new MutationObserver(() => {
  if (document.getElementById("ep-first-paint") && document.querySelector("[data-testid=tier]")) {
    window.__bothShown = true;
  }
}).observe(document, { childList: true, subtree: true });
"""


@pytest.fixture(scope="module")
def event(server, e2e_database_url) -> dict:
    owner = unique_email("firstpaint")
    verified_account(server, owner, "First Paint Owner")
    seeded = seed_event(e2e_database_url, owner, pricing="paid", tiers=TIERS)
    engine = create_engine(e2e_database_url)
    try:
        with engine.begin() as connection:  # the VIP seats all sold
            connection.execute(text("UPDATE ticket_tiers SET sold = 2 WHERE id = :id"), {"id": seeded["tiers"]["VIP"]})
    finally:
        engine.dispose()
    return seeded


def _reads_the_event(page: Page, event: dict) -> None:
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\w{3} \d{1,2} \w{3} \d{4} · \d\d:\d\d – \d\d:\d\d EAT$"))).to_be_visible()
    expect(page.get_by_text("Arboretum", exact=True)).to_be_visible()
    expect(page.get_by_text("KES 1,500.00", exact=True).first).to_be_visible()
    expect(page.get_by_text("KES 5,000.00", exact=True)).to_be_visible()
    expect(page.get_by_text("Sold out", exact=True)).to_be_visible()


def test_event_page_reads_without_javascript(new_page, server, event):
    page = new_page(java_script_enabled=False, viewport={"width": 390, "height": 844})

    response = page.goto(f"/e/{event['short_id']}")

    assert response.status == 200
    _reads_the_event(page, event)
    expect(page.get_by_text("From KES 1,500.00")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Checkout Crew"))).to_have_attribute("href", re.compile(r"^/o/"))
    banner = page.locator("#ep-first-paint .epf-banner")
    assert banner.bounding_box()["height"] == 180  # the real page's banner height on a phone


def test_static_copy_follows_a_dark_system_theme(new_page, server, event):
    page = new_page(java_script_enabled=False, color_scheme="dark")

    page.goto(f"/e/{event['short_id']}")

    background = page.locator("#ep-first-paint").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(24, 25, 27)"  # Radix slate 2, dark, as the app's page background


def test_app_replaces_the_static_copy_without_showing_both(new_page, server, event):
    page = new_page(viewport={"width": 390, "height": 844})
    page.add_init_script(WATCH_BOTH)

    page.goto(f"/e/{event['short_id']}")

    expect(page.get_by_test_id("tier").first).to_be_visible()
    expect(page.locator("#ep-first-paint")).to_have_count(0)
    assert page.evaluate("window.__bothShown") is False
    _reads_the_event(page, event)
    expect(page.get_by_role("heading", name=event["title"])).to_have_count(1)
    # The app's stylesheet, kept off screen for the first paint, applies again.
    stylesheet = page.locator("link[rel=stylesheet][href*='__reflex_global_styles']")
    assert stylesheet.evaluate("link => link.media") == "all"
    # The page works: a quantity can be picked.
    page.get_by_role("button", name="One more Early bird").click()
    expect(page.get_by_role("button", name="One fewer Early bird")).to_be_enabled()


def test_app_takes_over_the_websocket_the_html_opened(new_page, server, event):
    """The page's HTML opens its websocket before the scripts arrive (api/early_socket.py); the app
    uses that one (no second socket) and the page works through it."""
    page = new_page(viewport={"width": 390, "height": 844})
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url) if "/_event/" in socket.url else None)

    page.goto(f"/e/{event['short_id']}")

    page.get_by_role("button", name="One more Early bird").click()
    expect(page.get_by_role("button", name="One fewer Early bird")).to_be_enabled()
    token = page.evaluate("sessionStorage.getItem('token')")
    assert len(sockets) == 1, sockets
    assert f"token={token}" in sockets[0]
    # Handed over: the browser's own WebSocket is back for anything else the page opens.
    assert page.evaluate("WebSocket.toString().includes('[native code]')") is True


def test_description_code_block_is_plain_text(new_page, server, e2e_database_url):
    """Description code blocks render as plain <pre> (no syntax highlighter shipped with the page)."""
    owner = unique_email("firstpaint")
    verified_account(server, owner, "First Paint Owner")
    seeded = seed_event(e2e_database_url, owner, pricing="free", tiers=[{"name": "Entry", "price": 0, "quantity": 5}])
    engine = create_engine(e2e_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE events SET description = :d WHERE short_id = :s"),
                {"d": "Bring this:\n\n```python\nprint('<b>hi</b>')\n```\n", "s": seeded["short_id"]},
            )
    finally:
        engine.dispose()
    page = new_page()

    page.goto(f"/e/{seeded['short_id']}")

    expect(page.locator("pre code")).to_have_text("print('<b>hi</b>')")
