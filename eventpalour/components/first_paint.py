"""Removes the server-rendered first paint of an event page (api/first_paint.py) once the app shows it."""

from __future__ import annotations

import reflex as rx


class FirstPaintSwap(rx.Component):
    """Wraps first_paint.jsx (next to this file): renders nothing, removes the static copy on mount."""

    library = rx.asset("first_paint.jsx", shared=True).importable_path
    tag = "FirstPaintSwap"


first_paint_swap = FirstPaintSwap.create
