"""The pages fit a 390px-wide phone: no sideways scrolling, the navbar's buttons on one line, long emails wrapped."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import create_account

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def assert_fits(page: Page) -> None:
    scroll_width, viewport_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= viewport_width, f"{page.url} scrolls sideways: {scroll_width}px > {viewport_width}px"


def assert_inside(locator: Locator, width: int = 390) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_phone_layout_for_a_guest(new_page) -> None:
    page = new_page(**PHONE)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for path in ("/", "/auth/sign-in", "/auth/sign-up"):
        page.goto(path)
        navbar = page.get_by_role("banner")
        expect(navbar.get_by_role("button", name="Sign in")).to_be_visible()
        for control in navbar.get_by_role("button").all():
            if control.is_visible():
                assert control.bounding_box()["height"] <= 40, f"{control.inner_text()!r} wrapped onto two lines"
                assert_inside(control)
        expect(page.get_by_role("main")).to_be_visible()
        expect(page.get_by_role("contentinfo")).to_be_visible()
        assert_fits(page)

    page.get_by_role("button", name="Toggle dark mode").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    assert_fits(page)
    assert errors == [], errors  # e.g. a missing favicon or script


def test_phone_layout_with_a_long_email(new_page, server: str) -> None:
    email = f"firstname.middlename.lastname-{uuid.uuid4().hex[:12]}@long-company-name.co.ke"
    page = new_page(**PHONE)
    page.context.add_cookies(
        [{"name": "ep_session", "value": create_account(server, email, "Long Email"), "url": server}]
    )
    for path in ("/auth/verify", "/account"):
        page.goto(path)
        shown = page.get_by_role("main").get_by_text(email)
        expect(shown).to_be_visible()
        assert_inside(shown)
        assert_fits(page)
