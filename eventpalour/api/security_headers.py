"""Security headers on every answer the backend gives: pages, API, errors and static files.

Pure ASGI, added to the API app, which Reflex mounts its own app inside: in `make run`'s single-port
production mode the compiled pages and their assets pass through it too. (In `make dev` the pages
come from Vite on :3000 and carry none of this; the backend's answers on :8000 still do.)

Pages get a Content-Security-Policy that lets only our own files, the build's own inline scripts and
the event page's early websocket script run; anything else (JSON, images, uploads, downloads) gets
one that lets nothing run at all. A response that already names one of these headers keeps its own
value.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from reflex import constants
from reflex.utils.prerequisites import get_web_dir
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventpalour.api.early_socket import script_tag
from eventpalour.config import settings

INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# One year, this host only: a deployer's other subdomains may not be on https yet.
HSTS = b"max-age=31536000"
NOT_A_PAGE_POLICY = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Profile pictures of Google accounts (members lists) are the only images that are not ours.
GOOGLE_PICTURES = "https://*.googleusercontent.com"


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions (`'sha256-…'`) allowing exactly the inline scripts of `html`."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(html)
    ]


def compiled_pages_dir() -> Path:
    """Where Reflex's production build puts the pages it serves (as reflex.utils.exec mounts them)."""
    return get_web_dir() / constants.Dirs.STATIC


def build_script_hashes(pages_dir: Path) -> tuple[str, ...]:
    """Every inline script of the compiled pages (React Router's hydration data, the theme switch),
    read once from the build; none when there is no build (`make dev`, where the backend serves no page)."""
    found = {digest for page in sorted(pages_dir.rglob("*.html")) for digest in inline_script_hashes(page.read_bytes())}
    return tuple(sorted(found))


def page_policy(script_hashes: tuple[str, ...]) -> str:
    """The Content-Security-Policy of an HTML page.

    - script-src: our files and the build's inline scripts by hash, never 'unsafe-inline'.
      'unsafe-eval' because Reflex runs what the backend sends as `rx.call_script` and toasts
      (`_call_script` events) through `eval` in reflex's state.js; that code comes only from our own
      backend over the websocket, which connect-src limits to our origins.
    - style-src 'unsafe-inline': Radix Themes and emotion write <style> elements and style attributes
      at run time (and the sandbox pages inline theirs); CSS cannot run script.
    - connect-src: the websocket and fetches to APP_URL/API_URL (http and ws schemes).
    - form-action: forms post to us (the sandboxes' pages); a redirect after a post must stay on our
      origins too, which is why APP_URL and API_URL are both named. Paystack's real checkout is
      reached by navigation (window.location), which CSP does not govern.
    - img-src data:/blob:: images made in the browser (Radix and the upload previews). The door's camera
      view needs no media-src: its video is a MediaStream (srcObject), not a URL.
    - font-src data:: a stylesheet in the build (seen on the event pages) carries a font inline.
    """
    origins = settings.browser_origins
    sockets = [origin.replace("http", "ws", 1) for origin in origins]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", GOOGLE_PICTURES],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *origins, *sockets],
        "form-action": ["'self'", *origins],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def _header(message: Message, name: bytes) -> bytes:
    return next((value for key, value in message.get("headers", []) if key.lower() == name), b"")


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response start (websockets pass untouched)."""

    def __init__(self, app: ASGIApp, *, pages_dir: Path | None = None) -> None:
        self.app = app
        self.pages_dir = pages_dir
        self.common = [
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]
        if settings.app_url.startswith("https://"):
            self.common.append((b"strict-transport-security", HSTS))
        self._page_policy: bytes | None = None

    @property
    def page_policy(self) -> bytes:
        """Read from the build when a page is first served, not at import (`reflex run` imports the app
        before it builds the pages); kept once the build is there."""
        if self._page_policy is not None:
            return self._page_policy
        hashes = build_script_hashes(self.pages_dir or compiled_pages_dir())
        if hashes:  # the event page's early websocket (api/early_socket.py), the same text on every build
            hashes = (*hashes, *inline_script_hashes(script_tag("")))
        policy = page_policy(hashes).encode()
        if hashes:
            self._page_policy = policy
        return policy

    def secured(self, start: Message) -> Message:
        """`start` with each missing header added."""
        headers = list(start.get("headers", []))
        present = {key.lower() for key, _ in headers}
        headers += [(key, value) for key, value in self.common if key not in present]
        if b"content-security-policy" not in present:
            # A 304 refreshes the headers of the page the browser kept, so it must carry the page's policy.
            is_page = start["status"] == 304 or _header(start, b"content-type").startswith(b"text/html")
            headers.append((b"content-security-policy", self.page_policy if is_page else NOT_A_PAGE_POLICY))
        return {**start, "headers": headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            await send(self.secured(message) if message["type"] == "http.response.start" else message)

        await self.app(scope, receive, send_secured)
