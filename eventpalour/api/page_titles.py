"""Tab titles in the HTML the server sends, in the reader's language (#24 §13, #23 §1).

Reflex prerenders one HTML file per fixed path, with its <title> in English (the language var's value
at build time); a path with a parameter (/announcements/unsubscribe/{token}, /scan/{short_id},
/workspace/{id}/...) gets one shared shell with none, titled only once the scripts run. Until then the
tab, the history entry and a screen reader's first announcement would say nothing (WCAG 2.4.2), or
say it in English to a French reader. This pure-ASGI middleware writes the page's own title (the
`page` decorator's, when it is plain text) into the page, in the language of the `ep_lang` cookie or,
on a first visit, of Accept-Language (api/language.py); after the scripts run, the page's `t()` title
follows the same language var. The event and organizer pages, whose titles are the event's and the
organizer's, get theirs from api/og.py.
"""

from __future__ import annotations

import functools
import re
from html import escape
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from eventpalour import routes
from eventpalour.api.html_pages import serve_edited
from eventpalour.api.language import NOT_PAGES, reader_language
from eventpalour.api.og import HEAD_END, TITLE
from eventpalour.services import platform

if TYPE_CHECKING:  # the layout imports the pages' Reflex parts, loaded when the first page is asked for
    from eventpalour.components.layout import PageEntry


def _pattern(route: str) -> re.Pattern[str]:
    """The paths of `route`: a "[name]" segment is any one segment; a trailing slash is allowed."""
    segments = ("[^/]+" if s.startswith("[") else re.escape(s) for s in route.strip("/").split("/"))
    return re.compile("^/" + "/".join(segments) + "/?$")


@functools.cache
def page_routes() -> tuple[tuple[re.Pattern[str], PageEntry], ...]:
    """(path pattern, page) of every page, those with fewer parameters first (a fixed path, then
    /workspace/{id}/events/new before /workspace/{id}/events/{short_id})."""
    from eventpalour import pages  # noqa: F401  (each page registers itself in PAGES on import)
    from eventpalour.components.layout import PAGES

    return tuple((_pattern(p.route), p) for p in sorted(PAGES, key=lambda p: p.route.count("[")))


def page_for(path: str) -> PageEntry | None:
    """The page at `path`, whatever its title."""
    return next((entry for pattern, entry in page_routes() if pattern.match(path)), None)


def title_for(path: str, language: str | None = None) -> str | None:
    """The tab title of the page at `path` in `language` (English when None), or None when its title is
    not a fixed one (event and organizer pages) or no page is there."""
    entry = page_for(path)
    return entry.title_in(language) if entry is not None and entry.fixed_title else None


def not_found_title(language: str | None) -> str | None:
    entry = page_for(routes.NOT_FOUND)
    return entry.title_in(language) if entry is not None else None


def set_title(html: bytes, title: str) -> bytes:
    """`html` with its <head>'s title replaced by `title`, or given it when it has none."""
    match = HEAD_END.search(html)
    if match is None:
        return html
    tag = f"<title>{escape(title)}</title>".encode()
    head, replaced = TITLE.subn(lambda _: tag, html[: match.start()], count=1)
    return (head if replaced else head + tag) + html[match.start() :]


def needs_title(path: str, language: str) -> bool:
    """Whether the served page's title must be written: a shell with none (a path parameter), a
    prerendered English title a reader of another language has a translation of, or the 404 page a path no page and
    no file has gets in another language. Not a page titled by its state (api/og.py), nor a file."""
    entry = page_for(path)
    if entry is None:
        return language != platform.DEFAULT_LANGUAGE and "." not in path.rsplit("/", 1)[-1]
    # A title the catalogs lack stays English: the prerendered page is sent as it is (compressed).
    return entry.fixed_title and ("[" in entry.route or entry.title_in(language) != entry.title)


class PageTitleMiddleware:
    """Writes the page's title, in the reader's language, into the HTML of GET requests for pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") != "GET" or not path or path.startswith(NOT_PAGES):
            await self.app(scope, receive, send)
            return
        language = reader_language(scope)
        if not needs_title(path, language):
            await self.app(scope, receive, send)
            return
        entry = page_for(path)

        async def edit(html: bytes) -> tuple[bytes, int | None]:
            if entry is not None:
                return set_title(html, entry.title_in(language)), None
            # No page here: Reflex answers with its 404 page, whose title is the not-found page's.
            title = not_found_title(language)
            return (set_title(html, title) if title else html), None

        await serve_edited(self.app, scope, receive, send, edit, statuses=(200, 404))
