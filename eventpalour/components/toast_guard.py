"""Toasts: where they show, and closing them when the visitor moves to another page."""

from __future__ import annotations

import reflex as rx

# Top centre: on a phone the Pay, Checkout and "Get tickets" buttons sit at the bottom of the screen,
# so a toast never covers them. Five seconds, and a close button for whoever wants it gone sooner.
TOAST_OPTIONS = {"position": "top-center", "close_button": True, "toast_options": rx.toast.options(duration=5000)}


class ToastGuard(rx.Component):
    """Wraps toast_guard.jsx (next to this file): on a route change, closes the toasts already showing."""

    library = rx.asset("toast_guard.jsx", shared=True).importable_path
    tag = "ToastGuard"


def toaster() -> rx.Component:
    """The app's toast provider (`rx.App(toaster=...)`)."""
    return rx.toast.provider(**TOAST_OPTIONS)


toast_guard = ToastGuard.create
