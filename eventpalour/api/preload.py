"""Module preloads for the event page's own JavaScript, written into its HTML shell.

Reflex prerenders one HTML shell for a dynamic route such as /e/{short_id} (its SPA fallback), and
that shell preloads only the root route's modules. The browser learns of the event page's chunk
only once React Router runs, and of that chunk's imports (icons, components) only once the chunk
arrives: two more waves of requests after the scripts have started, measured at about 450 ms of the
time until the tiers show. React Router's build manifest, which the shell itself preloads, lists
every route's module with its imports; adding those as `<link rel="modulepreload">` lets the browser
fetch them beside the first scripts.
"""

from __future__ import annotations

import functools
import json
import re
from html import escape
from pathlib import Path

MANIFEST_LINK = re.compile(rb'<link rel="modulepreload" href="(/assets/manifest-[A-Za-z0-9_-]+\.js)"')
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


def static_dir() -> Path:
    """Where the production build's files are served from (as Reflex's own static mount finds them)."""
    from reflex import constants
    from reflex.utils import prerequisites

    return prerequisites.get_web_dir() / constants.Dirs.STATIC


@functools.cache
def route_preloads(manifest_href: str, route_path: str) -> bytes:
    """`<link rel="modulepreload">` tags for the modules of the route at `route_path` (React
    Router's pattern, e.g. "e/:short_id") that the shell does not preload already.

    Cached per manifest file: a new build has a new file name. Empty when the manifest cannot be
    read or has no such route, so the page is served as it was built.
    """
    try:
        text = (static_dir() / manifest_href.lstrip("/")).read_text()
        manifest = json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))
        routes = manifest["routes"]
    except (OSError, ValueError, KeyError):
        return b""
    root = routes.get("root", {})
    preloaded = {manifest_href, root.get("module"), *root.get("imports", [])}
    entry = manifest.get("entry", {})
    preloaded |= {entry.get("module"), *entry.get("imports", [])}
    route = next((r for r in routes.values() if r.get("path") == route_path), None)
    if route is None:
        return b""
    modules = [m for m in dict.fromkeys([route["module"], *route.get("imports", [])]) if m not in preloaded]
    return "".join(f'<link rel="modulepreload" href="{escape(m)}"/>' for m in modules).encode()


def add_route_preloads(html: bytes, route_path: str) -> bytes:
    """`html` with the route's module preloads at the end of its <head> (unchanged without a
    manifest link or a </head>)."""
    manifest = MANIFEST_LINK.search(html)
    head_end = HEAD_END.search(html)
    if manifest is None or head_end is None:
        return html
    links = route_preloads(manifest.group(1).decode(), route_path)
    return html[: head_end.start()] + links + html[head_end.start() :]
