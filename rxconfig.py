"""Reflex configuration. Our own settings live in eventpalour/config.py (environment variables)."""

import os

import reflex as rx

from eventpalour.components.brand import THEME

config = rx.Config(
    app_name="eventpalour",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The app manages its own database (eventpalour/db.py) and migrations (plain Alembic).
    db_url=None,
    plugins=[rx.plugins.RadixThemesPlugin(theme=THEME), rx.plugins.SitemapPlugin()],
    frontend_port=int(os.environ.get("FRONTEND_PORT", "3000")),
    backend_port=int(os.environ.get("BACKEND_PORT", "8000")),
)
