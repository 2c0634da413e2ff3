"""Accessibility in a real browser: axe-core (WCAG 2.0/2.1/2.2 A and AA rules) finds no serious or
critical violation on any main page, for a guest, a buyer, an organizer and an admin, in light and dark
mode, on a desktop and on a 390 px phone; the skip link moves focus to the content, focus is visible,
and a dialog keeps focus inside it.

Every page any browser test opens is checked by the run's axe sweep (tests/e2e/axe_sweep.py), once per
route template, colour scheme and width. This walk makes sure each main page is reached in both
schemes and widths whatever else the run holds; a view another test already checked is not checked
again. States within a page (a tab, an open dialog) are checked here every time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe_sweep import AxeSweep, describe
from tests.e2e.conftest import (
    DEFAULT_TIMEOUT_MS,
    E2E_PLATFORM_NAME,
    PROJECT_ROOT,
    BrowserPages,
    _server_env,
    unique_email,
)
from tests.e2e.test_checkout import buy_through_sandbox, seed_event
from tests.e2e.test_tickets import seed_tickets
from tests.e2e.test_workspaces import super_admin, verified_account

pytestmark = pytest.mark.e2e

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LEGAL_PATHS = (
    "/legal/terms",
    "/legal/privacy",
    "/legal/refund-policy",
    "/legal/events-policy",
    "/legal/acceptable-use",
)
ADMIN_PAGES = (
    ("/admin", "Dashboard"),
    ("/admin/users", "Users"),
    ("/admin/kyc", "KYC review"),
    ("/admin/blue-tickets", "Blue tickets"),
    ("/admin/categories", "Categories"),
    ("/admin/revenue", "Revenue"),
    ("/admin/audit", "Audit log"),
    ("/admin/admins", "Admins"),
)
MANAGE_TABS = ("Details", "Tickets", "Orders", "Codes", "Announcements", "Questions", "Check-in lists")


@dataclass(frozen=True)
class Visit:
    """A page to check: who opens it, where, and what shows once its data is loaded (`ready`)."""

    who: str
    path: str
    ready: Callable[[Page], object]
    then: Callable[[Page, Callable[[str], None]], None] | None = None  # more states to check on it


def h1(name: str | re.Pattern[str]) -> Callable[[Page], object]:
    return lambda page: page.get_by_role("heading", name=name, level=1)


def unsubscribe_token(database_url: str, short_id: str, email: str) -> str:
    """The token an announcement email's unsubscribe link carries, signed with the server's key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TEST_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY=_server_env(0, database_url, Path("."))["SECRET_KEY"])
    code = (
        "import sys\n"
        "from sqlmodel import select\n"
        "from eventpalour.db import read_only\n"
        "from eventpalour.models import Event\n"
        "from eventpalour.services.tickets.announcement_opt_outs import unsubscribe_token\n"
        "with read_only() as s:\n"
        "    event_id = s.exec(select(Event.id).where(Event.short_id == sys.argv[1])).one()\n"
        "print(unsubscribe_token(event_id, sys.argv[2]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, short_id, email],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _manage_tabs(page: Page, check: Callable[[str], None]) -> None:
    for tab in MANAGE_TABS[1:]:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        expect(page.get_by_role("tabpanel")).to_be_visible()
        page.wait_for_timeout(300)  # the tab's own data arrives over the websocket
        check(f"{tab} tab")


def _sign_out_everywhere_dialog(page: Page, check: Callable[[str], None]) -> None:
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    check("dialog open")
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def _open_pages(
    browser: Browser, server: str, cookies: dict[str, str], scheme: str, device: dict, sweep: AxeSweep
) -> dict[str, Page]:
    """One page per person (a guest has no cookie), in `scheme` ("light" or "dark") on `device`."""
    pages = {}
    for who in ("guest", *cookies):
        context = browser.new_context(base_url=server, color_scheme=scheme, **device)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        sweep.instrument(context)
        if who != "guest":
            context.add_cookies([{"name": "ep_session", "value": cookies[who], "url": server}])
        pages[who] = context.new_page()
    return pages


def _check_visits(
    pages: dict[str, Page], visits: list[Visit], scheme: str, mode: str, sweep: AxeSweep, failures: list[str]
) -> None:
    """Open every visit's page in its person's tab, wait for its content, and have the sweep check it
    (if no test has yet); the visit's further states are checked here, noting what axe finds."""
    for visit in visits:
        page = pages[visit.who]
        page.goto(visit.path)
        expect(visit.ready(page)).to_be_visible()
        expect(page.locator("html")).to_have_class(re.compile(rf"\b{scheme}\b"))
        expect(page).to_have_title(re.compile(rf"^\S.* · {re.escape(E2E_PLATFORM_NAME)}$"))  # WCAG 2.4.2
        page.wait_for_timeout(200)  # Radix's colour transitions settle
        sweep.check_view(page)

        def check(state: str, page: Page = page, path: str = visit.path) -> None:
            if found := sweep.violations_now(page):
                failures.append(f"{path} {state} ({mode}):\n{describe(found)}")

        if visit.then:
            visit.then(page, check)


@dataclass(frozen=True)
class Site:
    """Who visits (session cookies) and what they visit, seeded once for every mode."""

    cookies: dict[str, str]
    visits: list[Visit]


@pytest.fixture(scope="module")
def site(browser: Browser, server: str, e2e_database_url: str) -> Iterator[Site]:
    """An organizer's published paid event with door staff, a buyer who paid for a ticket through the
    sandbox, and the super admin."""
    owner_email, buyer_email, staff_email = unique_email("owner"), unique_email("buyer"), unique_email("door")
    cookies = {
        "buyer": verified_account(server, buyer_email, "Amina Buyer"),
        "owner": verified_account(server, owner_email, "Olga Owner"),
        "staff": verified_account(server, staff_email, "Dora Door"),
    }
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    seed_tickets(
        e2e_database_url, {"short_id": event["short_id"], "members": [{"email": staff_email, "role": "member"}]}
    )
    pages = BrowserPages(browser, server)
    try:
        # A real paid order: the checkout return page then shows the tickets, and /tickets lists them.
        buyer = pages()
        buyer.context.add_cookies([{"name": "ep_session", "value": cookies["buyer"], "url": server}])
        buy_through_sandbox(buyer, server, event["short_id"], "Regular", 1)
        return_path = buyer.url.removeprefix(server)
        admin = super_admin(pages, server)
        cookies["admin"] = next(c["value"] for c in admin.context.cookies() if c["name"] == "ep_session")
    finally:
        pages.close()
    token = unsubscribe_token(e2e_database_url, event["short_id"], buyer_email)
    manage = f"/workspace/{event['workspace_id']}/events/{event['short_id']}"
    content_h1 = lambda p: p.get_by_role("main").get_by_role("heading", level=1)  # noqa: E731
    yield Site(
        cookies,
        [
            Visit("guest", "/", content_h1),
            Visit("guest", "/events", h1("Discover events")),
            Visit("guest", f"/e/{event['short_id']}", h1(event["title"])),
            Visit("guest", "/auth/sign-in", lambda p: p.get_by_label("Password")),
            Visit("guest", "/auth/sign-up", lambda p: p.get_by_label("Password")),
            *(Visit("guest", path, content_h1) for path in LEGAL_PATHS),
            Visit("guest", f"/announcements/unsubscribe/{token}", h1(re.compile("^You're (unsubscribed|subscribed)"))),
            Visit("guest", "/no-such-page", h1("Page not found")),
            Visit("buyer", return_path, h1("You're going!")),
            Visit("buyer", "/tickets", lambda p: p.get_by_test_id("my-ticket").first),
            Visit("buyer", "/account", h1("Your account"), then=_sign_out_everywhere_dialog),
            Visit("owner", f"/workspace/{event['workspace_id']}", h1(re.compile("^Checkout Crew"))),
            Visit("owner", manage, lambda p: p.get_by_role("tab", name="Details"), then=_manage_tabs),
            Visit("staff", f"/scan/{event['short_id']}", h1(event["title"])),
            Visit("owner", f"{manage}/door", lambda p: p.get_by_role("heading", name="Live door")),
            *(Visit("admin", path, h1(title)) for path, title in ADMIN_PAGES),
        ],
    )


@pytest.mark.timeout(600)
# Each colour scheme and each width once (light on a desktop, dark on a 390 px phone): the four
# combinations cost the suite another two passes over every page for little the two do not catch.
@pytest.mark.parametrize(("scheme", "device_name"), [("light", "desktop"), ("dark", "phone")])
def test_every_main_page_passes_axe(
    browser: Browser, server: str, site: Site, scheme: str, device_name: str, axe_sweep: AxeSweep, request
) -> None:
    device = DESKTOP if device_name == "desktop" else PHONE
    failures: list[str] = []
    pages = _open_pages(browser, server, site.cookies, scheme, device, axe_sweep)
    try:
        _check_visits(pages, site.visits, scheme, f"{scheme}, {device_name}", axe_sweep, failures)
    finally:
        for page in pages.values():
            page.context.close()
    failures += axe_sweep.failures_of(request.node.nodeid)
    assert not failures, "axe found serious or critical violations:\n" + "\n".join(failures)


def test_a_page_with_a_path_parameter_has_its_title_before_its_scripts_run(server: str) -> None:
    """Reflex serves such pages one shared HTML shell without a <title>; api/page_titles.py adds the page's."""
    for path, title in (("/announcements/unsubscribe/not-a-token", "Announcements"), ("/scan/ab12cd", "Scan tickets")):
        html = httpx.get(server + path, timeout=10).text
        assert f"<title>{title} · {E2E_PLATFORM_NAME}</title>" in html, path


def test_the_skip_link_moves_focus_to_the_content(new_page) -> None:
    page = new_page()
    page.goto("/events")
    expect(page.get_by_role("heading", name="Discover events", level=1)).to_be_visible()
    # The count comes with the page's state: the app has hydrated, so the focused <main> stays the same
    # element (the prerendered one could still be swapped by hydration between Enter and the next Tab).
    expect(page.locator("#events-count")).to_have_text(re.compile(r"\d"))
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()  # out of sight until it has focus
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab goes to the first control inside the content, not back to the navbar.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    expect(page.get_by_role("heading", name="Discover events", level=1)).to_be_visible()  # still the same page


def _focus_ring(page: Page) -> tuple[str, float, str]:
    return tuple(
        page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
        )
    )


def test_focus_is_visible_and_a_dialog_keeps_focus_inside(new_page, server: str) -> None:
    page = new_page()
    cookie = verified_account(server, unique_email("keys"), "Kofi Keys")
    page.context.add_cookies([{"name": "ep_session", "value": cookie, "url": server}])
    page.goto("/account")
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()

    # Every control the keyboard reaches shows an outline of 2px or more; Radix's ring is in the
    # control's accent, step 11 (assets/a11y.css; step 8 read at 2.4:1).
    page.keyboard.press("Tab")  # the skip link
    for _ in range(4):
        page.keyboard.press("Tab")
        style, width, _ = _focus_ring(page)
        assert style != "none" and width >= 2, (page.evaluate("() => document.activeElement.outerHTML"), style)
    trigger = page.get_by_role("button", name="Sign out everywhere")
    trigger.focus()
    style, width, color = _focus_ring(page)
    assert style == "solid" and width >= 2, (style, width)
    accent_11 = trigger.evaluate(  # the button's own accent (red), step 11
        "(button) => { const probe = document.createElement('span'); probe.style.color = 'var(--accent-11)';"
        " button.append(probe); const c = getComputedStyle(probe).color; probe.remove(); return c; }"
    )
    assert color == accent_11, (color, accent_11)

    # The confirmation dialog: focus moves in, Tab never leaves it, Escape closes it and focus returns.
    page.keyboard.press("Enter")
    dialog = page.get_by_role("alertdialog", name="Sign out of every device?")
    expect(dialog).to_be_visible()
    for _ in range(6):
        page.keyboard.press("Tab")
        assert dialog.evaluate("(d) => d.contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert dialog.evaluate("(d) => d.contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(trigger).to_be_focused()
