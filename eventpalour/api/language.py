"""A first visit's language: the browser's Accept-Language picks it (#23 §1).

Pure ASGI around the pages: a page load (GET of an HTML page) from a browser without the language
cookie gets one, set to the first language of its Accept-Language header that we speak. From then
on the cookie decides (the footer's switcher and signing in change it), so each visitor is read
once and the pages themselves stay the same static files for everyone: the event page costs no
database read and no per-visitor rendering for this.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventpalour.config import settings
from eventpalour.cookies import LANGUAGE_COOKIE, LANGUAGE_DAYS, cookies_in
from eventpalour.services import platform

# Paths that are never pages: the API, Reflex's websocket and uploads, the build's files.
NOT_PAGES = ("/api/", "/_event", "/_upload", "/_health", "/ping", "/assets/", "/favicon")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def cookie_language(cookie_header: str) -> str | None:
    """The language the `ep_lang` cookie names, when it names one we speak."""
    return platform.normalize_language(cookies_in(cookie_header).get(LANGUAGE_COOKIE))


def has_language_cookie(cookie_header: str) -> bool:
    return cookie_language(cookie_header) is not None


def reader_language(scope: Scope) -> str:
    """The language a page request is read in: its cookie's, else (a first visit, whose cookie this
    middleware is about to set) its Accept-Language's first that we speak."""
    return cookie_language(_header(scope, b"cookie")) or platform.negotiate_language(_header(scope, b"accept-language"))


def language_cookie_header(language: str) -> bytes:
    secure = "; Secure" if settings.secure_cookies else ""
    return f"{LANGUAGE_COOKIE}={language}; Max-Age={LANGUAGE_DAYS * 24 * 3600}; Path=/; SameSite=Lax{secure}".encode()


def wants_first_language(scope: Scope) -> bool:
    """A browser's page load that has no language yet."""
    if scope["type"] != "http" or scope.get("method") != "GET":
        return False
    path = scope.get("path", "")
    if path.startswith(NOT_PAGES) or "text/html" not in _header(scope, b"accept"):
        return False
    return not has_language_cookie(_header(scope, b"cookie"))


class LanguageCookieMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not wants_first_language(scope):
            await self.app(scope, receive, send)
            return
        language = platform.negotiate_language(_header(scope, b"accept-language"))

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"set-cookie", language_cookie_header(language))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
