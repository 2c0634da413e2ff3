"""robots.txt (issue #16, item 6): crawlers keep out of private areas and find the sitemap."""

from __future__ import annotations

import httpx

from eventpalour.config import settings

PRIVATE = ["/admin", "/account", "/workspace", "/scan/", "/checkout/", "/tickets", "/onboarding", "/dev/"]
TOKEN_PAGES = ["/auth/reset/", "/auth/verify", "/invite/", "/join/"]


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_points_at_the_sitemap(http: httpx.Client) -> None:
    response = http.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    assert set(PRIVATE + TOKEN_PAGES + ["/api/"]) <= disallowed
    assert "Allow: /api/files/" in lines  # event banners and logos, for link previews
    assert not disallowed & {"/", "/e/", "/events"}
    assert f"Sitemap: {settings.app_url}/sitemap.xml" in lines
