"""The Reflex app: the theme, every page, the API under /api/, and the in-process outbox worker."""

from __future__ import annotations

import reflex as rx

from eventpalour import pages  # noqa: F401  (makes every page)
from eventpalour.api import create_api
from eventpalour.api.socket_shortcut import straight_to_socket
from eventpalour.collector import settle_collector
from eventpalour.components.held_submits import held_submits, hold_early_submits
from eventpalour.components.layout import add_pages
from eventpalour.components.toast_guard import toaster
from eventpalour.config import settings
from eventpalour.worker import (
    run_announcement_loop,
    run_housekeeping_loop,
    run_outbox_loop,
    run_refund_loop,
    run_rollup_loop,
    run_webhook_loop,
)

app = rx.App(
    # The API wraps Reflex's pages; Reflex's websocket skips the API's middlewares (api/socket_shortcut.py).
    api_transformer=[create_api(), straight_to_socket],
    toaster=toaster(),
    # Accessibility corrections to the Radix theme (contrast, focus ring, underlined links, skip link),
    # and the type of Markdown rendered on the server (descriptions, announcements).
    stylesheets=["/a11y.css", "/rich_text.css"],
    head_components=[
        rx.el.meta(name="description", content="EventPalour: tickets for events you love."),
        hold_early_submits(),
    ],
    # A form submitted before the page hydrated is sent once it has (components/held_submits.py).
    extra_app_wraps={(1, "HeldSubmits"): held_submits},
)
add_pages(app)
# Each worker, once started: the garbage collector set for a server (collector.py, #18).
app.register_lifespan_task(settle_collector)
if settings.outbox_worker_inline:
    app.register_lifespan_task(run_outbox_loop)
    app.register_lifespan_task(run_housekeeping_loop)
    app.register_lifespan_task(run_refund_loop)
    app.register_lifespan_task(run_announcement_loop)
    app.register_lifespan_task(run_webhook_loop)
    app.register_lifespan_task(run_rollup_loop)
