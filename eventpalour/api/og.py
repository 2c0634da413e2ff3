"""Open Graph tags for shared event links.

Reflex serves one static HTML shell for every /e/{short_id} URL and fills it in the browser, but
link previews (WhatsApp, Slack, X, Facebook) never run scripts. This pure-ASGI middleware reads
the HTML the app returns for GET /e/{short_id} and writes the event's title, summary, banner and
canonical URL into its <head>, with the page's module preloads (api/preload.py). An unknown or
private event's page (drafts, hidden) is the same shell answered with 404: the page says "Event not
found" in the browser, and crawlers and link checkers learn it from the status. Anything else (other
paths, non-HTML, compressed or non-200 responses) passes through untouched.
"""

from __future__ import annotations

import re
from html import escape

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventpalour import routes
from eventpalour.api.preload import add_route_preloads
from eventpalour.config import settings
from eventpalour.services.events import PublicEvent, get_public_event
from eventpalour.services.platform import NotFound

EVENT_PATH = re.compile(r"^/e/([A-Za-z0-9]{1,16})/?$")
EVENT_ROUTE = "e/:short_id"  # the same page in React Router's build manifest
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
REQUEST_HEADERS_DROPPED = (b"accept-encoding", b"if-none-match", b"if-modified-since", b"range")
RESPONSE_HEADERS_DROPPED = (b"content-length", b"etag", b"last-modified")
FILE_EXTENSIONS = ("http.response.pathsend", "http.response.zerocopysend")


async def find_public_event(short_id: str) -> PublicEvent | None:
    """The public event, or None when there is none to describe (drafts and hidden events stay unnamed)."""
    try:
        return await to_thread.run_sync(get_public_event, short_id)
    except NotFound:
        return None


def absolute_url(path_or_url: str) -> str:
    return path_or_url if path_or_url.startswith(("https://", "http://")) else settings.app_url + path_or_url


def meta_tags(event: PublicEvent) -> str:
    """The Open Graph and Twitter card tags for `event`, every value escaped."""
    properties = [
        ("og:type", "website"),
        ("og:site_name", "EventPalour"),
        ("og:title", event.title),
        ("og:description", event.summary),
        ("og:url", absolute_url(routes.event_url(event.short_id))),
    ]
    if event.banner_url:
        properties.append(("og:image", absolute_url(event.banner_url)))
    names = [
        ("twitter:card", "summary_large_image" if event.banner_url else "summary"),
        ("twitter:title", event.title),
        ("twitter:description", event.summary),
    ]
    tags = [f'<meta property="{key}" content="{escape(value)}">' for key, value in properties]
    tags += [f'<meta name="{key}" content="{escape(value)}">' for key, value in names]
    return "".join(tags)


def inject(html: bytes, event: PublicEvent) -> bytes:
    """`html` with the event's title and tags in its <head>; unchanged when it has no </head>."""
    match = HEAD_END.search(html)
    if match is None:
        return html
    head = html[: match.start()]
    title = f"<title>{escape(event.title)} · EventPalour</title>".encode()
    head, replaced = TITLE.subn(lambda _: title, head, count=1)
    tags = meta_tags(event).encode() + (b"" if replaced else title)
    return head + tags + html[match.start() :]


def _header(message: Message, name: bytes) -> bytes:
    return next((value for key, value in message.get("headers", []) if key.lower() == name), b"")


class OpenGraphMiddleware:
    """Rewrites the HTML of GET /e/{short_id} with that event's tags; no public event there: status 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = EVENT_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        # Ask for the whole page, uncompressed and as body messages (not granian's send-by-path):
        # the tags are written into its bytes. The shell's ETag and Last-Modified say nothing about
        # the event, so conditional requests are not passed on.
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in REQUEST_HEADERS_DROPPED]
        extensions = {k: v for k, v in scope.get("extensions", {}).items() if k not in FILE_EXTENSIONS}
        scope = {**scope, "headers": headers, "extensions": extensions}
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _rewritable(message):
                start = message
                return
            if start is None:
                await send(message)
                return
            if message["type"] != "http.response.body":  # nothing to rewrite in: send the page as it is
                await send(start)
                start = None
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = add_route_preloads(b"".join(chunks), EVENT_ROUTE)
            event = await find_public_event(match.group(1))
            body = inject(html, event) if event is not None else html
            status = start["status"] if event is not None else 404
            kept = [(k, v) for k, v in start["headers"] if k.lower() not in RESPONSE_HEADERS_DROPPED]
            await send({**start, "status": status, "headers": [*kept, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


def _rewritable(start: Message) -> bool:
    """A complete, uncompressed HTML page."""
    return (
        start["status"] == 200
        and _header(start, b"content-type").startswith(b"text/html")
        and not _header(start, b"content-encoding")
    )
