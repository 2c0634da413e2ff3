"""robots.txt: crawlers keep out of private areas and learn where the sitemap is.

Served by the API (matched before Reflex's pages) because it names the sitemap by its full public
URL, which only the running app knows (APP_URL). Reflex builds sitemap.xml itself from the pages
marked `in_sitemap` (components/layout.py).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from eventpalour import routes
from eventpalour.config import settings

router = APIRouter(include_in_schema=False)


@router.get(routes.ROBOTS)
def read_robots_txt() -> PlainTextResponse:
    lines = [
        "User-agent: *",
        *(f"Allow: {prefix}" for prefix in routes.CRAWLERS_MAY_FETCH),
        *(f"Disallow: {prefix}" for prefix in routes.CRAWLERS_KEEP_OUT),
        "",
        f"Sitemap: {settings.app_url}{routes.SITEMAP}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n", headers={"Cache-Control": "public, max-age=3600"})
