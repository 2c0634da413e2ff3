"""What the production server itself says (issue #16, items 6 and 19): sitemap.xml and robots.txt list
only public pages, and starting it prints no "Page … is being redefined" warning."""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import at_path

pytestmark = pytest.mark.e2e

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PUBLIC_PAGES = (
    "/",
    "/events",
    "/auth/sign-in",
    "/auth/sign-up",
    "/legal/terms",
    "/legal/privacy",
    "/legal/refund-policy",
    "/legal/events-policy",
    "/legal/acceptable-use",
)


def test_sitemap_lists_only_public_pages(server: str) -> None:
    response = httpx.get(f"{server}/sitemap.xml", timeout=10)

    assert response.status_code == 200
    locations = [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP_NS}loc")]
    assert sorted(locations) == sorted(server + path for path in PUBLIC_PAGES)


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out(server: str) -> None:
    response = httpx.get(f"{server}/robots.txt", timeout=10)

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {server}/sitemap.xml" in response.text.splitlines()
    for private in ("/admin", "/account", "/workspace", "/dev/", "/scan/", "/checkout/", "/auth/reset/"):
        assert f"Disallow: {private}" in response.text


def test_unknown_api_path_is_json_and_unknown_page_is_html(server: str) -> None:
    """The real mount: Reflex's pages behind the API (issue #16, item 5)."""
    api = httpx.get(f"{server}/api/no-such-route", timeout=10)
    webhook = httpx.get(f"{server}/api/payments/webhook/paystack", timeout=10)
    page = httpx.get(f"{server}/no-such-page", timeout=10)

    assert api.status_code == 404 and api.json() == {"error": "There is no API route at /api/no-such-route."}
    assert webhook.status_code == 405 and webhook.headers["allow"] == "POST" and "error" in webhook.json()
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_server_starts_without_page_redefinition_warnings(server: str, e2e_dir: Path) -> None:
    if os.environ.get("E2E_BASE_URL"):
        pytest.skip("the server was started elsewhere; its log is not here")
    log = (e2e_dir / "server.log").read_text(errors="replace")

    assert "App running at" in log
    assert "being redefined" not in log, [line for line in log.splitlines() if "redefined" in line][:3]


def test_unknown_page_and_unknown_event_answer_404_with_a_way_home(server: str, page) -> None:
    """Issue #24, item 11: the styled 404 page (status 404), and an unknown event's link answers 404 too."""
    missing_event = httpx.get(f"{server}/e/zz9zz9", timeout=10)
    assert missing_event.status_code == 404 and missing_event.headers["content-type"].startswith("text/html")

    response = page.goto("/no-such-page/at-all")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(at_path(server, "/"))
    expect(page.get_by_role("heading", name="Sell out your event. Never oversell it.")).to_be_visible()

    response = page.goto("/e/zz9zz9")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Event not found")).to_be_visible()
