"""Tab titles for the pages with a parameter in their path, in the HTML the server sends.

Reflex prerenders one HTML file per fixed path, each with its <title>; a path with a parameter
(/announcements/unsubscribe/{token}, /scan/{short_id}, /workspace/{id}/...) gets one shared shell
with none, titled only once the scripts run. Until then the tab, the history entry and a screen
reader's first announcement say nothing (WCAG 2.4.2). This pure-ASGI middleware writes the page's own
title (the `page` decorator's, when it is plain text) into that shell. The event and organizer pages,
whose titles are the event's and the organizer's, get theirs from api/og.py.
"""

from __future__ import annotations

import functools
import re
from html import escape

from starlette.types import ASGIApp, Receive, Scope, Send

from eventpalour.api.html_pages import serve_edited
from eventpalour.api.og import HEAD_END, TITLE


def _pattern(route: str) -> re.Pattern[str]:
    """The paths of `route`: a "[name]" segment is any one segment; a trailing slash is allowed."""
    segments = ("[^/]+" if s.startswith("[") else re.escape(s) for s in route.strip("/").split("/"))
    return re.compile("^/" + "/".join(segments) + "/?$")


@functools.cache
def titled_routes() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(path pattern, title) of every page with a parameter in its path and a fixed title, those with
    fewer parameters first (/workspace/{id}/events/new before /workspace/{id}/events/{short_id})."""
    from eventpalour import pages  # noqa: F401  (each page registers itself in PAGES on import)
    from eventpalour.components.layout import PAGES

    titled = sorted((p for p in PAGES if "[" in p.route and p.fixed_title), key=lambda p: p.route.count("["))
    return tuple((_pattern(p.route), p.title) for p in titled)


def title_for(path: str) -> str | None:
    return next((title for pattern, title in titled_routes() if pattern.match(path)), None)


def add_title(html: bytes, title: str) -> bytes:
    """`html` with `<title>` in its <head>, unless it has one already (or no </head>)."""
    match = HEAD_END.search(html)
    if match is None or TITLE.search(html, 0, match.start()):
        return html
    return html[: match.start()] + f"<title>{escape(title)}</title>".encode() + html[match.start() :]


class PageTitleMiddleware:
    """Writes the page's title into the HTML shell of GET requests for pages with a path parameter."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        title = title_for(path) if scope.get("method") == "GET" and not path.startswith("/api/") else None
        if title is None:
            await self.app(scope, receive, send)
            return

        async def edit(html: bytes) -> tuple[bytes, int | None]:
            return add_title(html, title), None

        await serve_edited(self.app, scope, receive, send, edit)
