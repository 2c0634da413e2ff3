"""Open Graph tags for shared event and organizer links.

Reflex serves one static HTML shell for every /e/{short_id} URL and fills it in the browser, but
link previews (WhatsApp, Slack, X, Facebook) never run scripts. This pure-ASGI middleware reads
the HTML the app returns for GET /e/{short_id} and writes the event's title, summary, banner and
canonical URL into its <head>, with the page's module preloads (api/preload.py), and an event's
page gets a static copy of its content in the <body> for the first paint (api/first_paint.py) and a
script that opens its websocket while the app's scripts download (api/early_socket.py). An unknown or
private event's page (drafts, hidden) is the same shell answered with 404: the page says "Event not
found" in the browser, and crawlers and link checkers learn it from the status. Anything else (other
paths, non-HTML, compressed or non-200 responses) passes through untouched. An organizer's page
/o/{slug} is treated the same way: its name, description and logo, or 404 for an unknown slug.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from eventpalour import routes
from eventpalour.api.early_socket import add_early_socket
from eventpalour.api.first_paint import add_first_paint
from eventpalour.api.html_pages import serve_edited
from eventpalour.api.language import reader_language
from eventpalour.api.preload import add_route_preloads
from eventpalour.config import settings
from eventpalour.services.events import (
    OrganizerProfile,
    PublicEvent,
    count_page_view,
    event_words,
    get_organizer_profile,
    get_public_event,
    recent_public_event,
)
from eventpalour.services.platform import NotFound

logger = logging.getLogger("eventpalour.og")
EVENT_PATH = re.compile(r"^/e/([A-Za-z0-9]{1,16})/?$")
EVENT_ROUTE = "e/:short_id"  # the same page in React Router's build manifest
ORGANIZER_PATH = re.compile(r"^/o/([^/]{1,200})/?$")
ORGANIZER_ROUTE = "o/:slug"
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)


async def find_public_event(short_id: str) -> PublicEvent | None:
    """The public event, or None when there is none to describe (drafts and hidden events stay unnamed)."""
    try:
        recent = recent_public_event(short_id)  # in this process's memory: no trip to a thread
        return recent if recent is not None else await to_thread.run_sync(get_public_event, short_id)
    except NotFound:
        return None


async def find_organizer(slug: str) -> OrganizerProfile | None:
    """The organizer's public profile, or None when no workspace has `slug`."""
    try:
        return await to_thread.run_sync(get_organizer_profile, slug)
    except NotFound:
        return None


@dataclass(frozen=True)
class Preview:
    """What a link preview shows of a page."""

    title: str
    description: str
    path: str
    image_url: str


def preview_of(page: PublicEvent | OrganizerProfile) -> Preview:
    if isinstance(page, OrganizerProfile):
        return Preview(page.name, page.summary, routes.organizer_url(page.slug), page.logo_url)
    return Preview(page.title, page.summary, routes.event_url(page.short_id), page.banner_url)


@dataclass(frozen=True)
class _Described:
    """A path whose page is described: its route in the build manifest, and how to find what it shows."""

    pattern: re.Pattern[str]
    route: str
    find: Callable[[str], Awaitable[PublicEvent | OrganizerProfile | None]]


DESCRIBED = (
    _Described(EVENT_PATH, EVENT_ROUTE, find_public_event),
    _Described(ORGANIZER_PATH, ORGANIZER_ROUTE, find_organizer),
)


def absolute_url(path_or_url: str) -> str:
    return path_or_url if path_or_url.startswith(("https://", "http://")) else settings.app_url + path_or_url


def meta_tags(page: PublicEvent | OrganizerProfile) -> str:
    """The Open Graph and Twitter card tags for an event or organizer page, every value escaped."""
    preview = preview_of(page)
    properties = [
        ("og:type", "website"),
        ("og:site_name", "EventPalour"),
        ("og:title", preview.title),
        ("og:description", preview.description),
        ("og:url", absolute_url(preview.path)),
    ]
    if preview.image_url:
        properties.append(("og:image", absolute_url(preview.image_url)))
    names = [
        ("twitter:card", "summary_large_image" if preview.image_url else "summary"),
        ("twitter:title", preview.title),
        ("twitter:description", preview.description),
    ]
    tags = [f'<meta property="{key}" content="{escape(value)}">' for key, value in properties]
    tags += [f'<meta name="{key}" content="{escape(value)}">' for key, value in names]
    return "".join(tags)


def inject(html: bytes, page: PublicEvent | OrganizerProfile) -> bytes:
    """`html` with the page's title and tags in its <head>; unchanged when it has no </head>."""
    match = HEAD_END.search(html)
    if match is None:
        return html
    head = html[: match.start()]
    title = f"<title>{escape(preview_of(page).title)} · EventPalour</title>".encode()
    head, replaced = TITLE.subn(lambda _: title, head, count=1)
    tags = meta_tags(page).encode() + (b"" if replaced else title)
    return head + tags + html[match.start() :]


class OpenGraphMiddleware:
    """Rewrites the HTML of GET /e/{short_id} and /o/{slug} with that page's tags; nothing public there: 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        found = next(((d, m) for d in DESCRIBED if (m := d.pattern.match(path))), None)
        if found is None or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        described, match = found
        shown: PublicEvent | OrganizerProfile | None = None

        async def edit(html: bytes) -> tuple[bytes, int | None]:
            nonlocal shown
            html = add_route_preloads(html, described.route)
            shown = await described.find(match.group(1))
            if shown is None:
                return html, 404
            body = inject(html, shown)
            if isinstance(shown, PublicEvent):  # readable before any script arrives (api/first_paint.py)
                body = add_early_socket(add_first_paint(body, event_words(shown, reader_language(scope))))
            return body, None

        sent = await serve_edited(self.app, scope, receive, send, edit)
        if sent and shown is not None and described.route == EVENT_ROUTE:
            await count_view(match.group(1), scope)


async def count_view(short_id: str, scope: Scope) -> None:
    """Count a person's view of a public event page (events/page_views.py: no robots, nothing
    personal), after the page has gone out. A counter that fails never fails the page."""
    try:
        await to_thread.run_sync(
            functools.partial(
                count_page_view,
                short_id=short_id,
                user_agent=_request_header(scope, b"user-agent"),
                referrer=_request_header(scope, b"referer"),
                query_string=scope.get("query_string", b"").decode("latin-1"),
            )
        )
    except Exception:
        logger.exception("Counting a view of /e/%s failed", short_id)


def _request_header(scope: Scope, name: bytes) -> str:
    return next((v for k, v in scope.get("headers", []) if k.lower() == name), b"").decode("latin-1")
