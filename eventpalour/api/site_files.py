"""robots.txt: crawlers keep out of private areas and learn where the sitemaps are.

Served by the API (matched before Reflex's pages) because it names the sitemaps by their full public
URL, which only the running app knows (APP_URL). Reflex builds sitemap.xml itself from the pages
marked `in_sitemap` (components/layout.py), once, at build time; the organizer pages (/o/{slug}) of
workspaces with public events change as events are published, so the API answers their sitemap,
sitemap-organizers.xml, from the database on each request.
"""

from __future__ import annotations

from html import escape

from anyio import to_thread
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import events

router = APIRouter(include_in_schema=False)


@router.get(routes.ROBOTS)
def read_robots_txt() -> PlainTextResponse:
    lines = [
        "User-agent: *",
        *(f"Allow: {prefix}" for prefix in routes.CRAWLERS_MAY_FETCH),
        *(f"Disallow: {prefix}" for prefix in routes.CRAWLERS_KEEP_OUT),
        "",
        f"Sitemap: {settings.app_url}{routes.SITEMAP}",
        f"Sitemap: {settings.app_url}{routes.SITEMAP_ORGANIZERS}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n", headers={"Cache-Control": "public, max-age=3600"})


@router.get(routes.SITEMAP_ORGANIZERS)
async def read_organizers_sitemap() -> Response:
    """The organizer page of every workspace with a public event, with the day its workspace last changed."""
    organizers = await to_thread.run_sync(events.list_sitemap_organizers)
    urls = "".join(
        f"<url><loc>{escape(settings.app_url + routes.organizer_url(o.slug))}</loc>"
        f"<lastmod>{o.updated_at.date().isoformat()}</lastmod></url>"
        for o in organizers
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    return Response(body, media_type="application/xml", headers={"Cache-Control": "public, max-age=3600"})
