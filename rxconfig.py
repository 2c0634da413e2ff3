"""Reflex configuration. Our own settings live in eventpalour/config.py (environment variables)."""

import os

import reflex as rx

from eventpalour.components.brand import THEME
from eventpalour.config import settings
from eventpalour.vite_chunks import ChunkGroupsPlugin

# Reflex's opportunistic lock (#18): the worker that ran a visitor's event keeps their state and its
# Redis lock for a while afterwards, so the burst of events of one page load (hydrate, on_load, the
# hydrated flag) reads the state from Redis once and writes it once, instead of once per event.
# Another worker that needs the state asks over Redis and gets it written back at once. The hold is
# counted from when it was taken, not from the last event: a door phone scanning all the time took the
# lock, read its state and wrote it back every second with 1 s; with 5 s, door scans through the page
# ran 18 % faster (docs/performance.md, session 21). It stays well under Reflex's lock expiration
# (10 s), past which another worker could take the lock. Set either variable to override.
os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
os.environ.setdefault("REFLEX_OPLOCK_HOLD_TIME", "5s")

config = rx.Config(
    app_name="eventpalour",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The app manages its own database (eventpalour/db.py) and migrations (plain Alembic).
    db_url=None,
    # ChunkGroupsPlugin: icons and Radix components in one script file each, not ~60 (eventpalour/vite_chunks.py).
    plugins=[rx.plugins.RadixThemesPlugin(theme=THEME), rx.plugins.SitemapPlugin(), ChunkGroupsPlugin()],
    # Brotli beside gzip: browsers ask for it over HTTPS, and it is ~15 % smaller on our scripts and
    # the stylesheet (Reflex's server picks the sidecar file the request accepts).
    frontend_compression_formats=["brotli", "gzip"],
    frontend_port=int(os.environ.get("FRONTEND_PORT", "3000")),
    backend_port=int(os.environ.get("BACKEND_PORT", "8000")),
    # With Redis, Reflex keeps page state there, so any backend worker can serve any websocket event
    # (and then runs several workers); without it, one worker keeps state on disk.
    redis_url=os.environ.get("REFLEX_REDIS_URL") or os.environ.get("REDIS_URL") or None,
    # Reflex's default ("*") lets any site call /api/* with the visitor's cookies and read the answer,
    # and open the /_event websocket as the visitor. Reflex hands this list to its CORS middleware and
    # to the socket.io server, which refuses a handshake whose Origin is not in it (requests without
    # an Origin, such as curl or Paystack's webhook, are not browsers and pass).
    cors_allowed_origins=settings.browser_origins,
)
