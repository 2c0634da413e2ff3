"""A mm:ss countdown that runs in the browser (no round trip per second), for held orders."""

from __future__ import annotations

import reflex as rx


class Countdown(rx.Component):
    """Wraps countdown.jsx (next to this file): counts `seconds_left` down, then fires `on_expire`."""

    library = rx.asset("countdown.jsx", shared=True).importable_path
    tag = "Countdown"

    seconds_left: rx.Var[int]
    on_expire: rx.EventHandler[rx.event.no_args_event_spec]


countdown = Countdown.create
