"""The page every unknown path shows: served with status 404 by the production app, with ways back."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import page
from eventpalour.state.language import t


@page(routes.NOT_FOUND, "Page not found")
def not_found() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.icon("map-pin-off", size=40, color=rx.color("gray", 9)),
                rx.text("404", size="2", weight="bold", color_scheme="gray"),
                rx.heading(t("Page not found"), size="6", as_="h1"),
                rx.text(
                    t("There is no page at this address. The link may be mistyped, or the page has moved."),
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.link(rx.button(t("Go to the home page")), href=routes.HOME),
                    rx.link(rx.button(t("Browse events"), variant="soft"), href=routes.EVENTS),
                    spacing="3",
                    wrap="wrap",
                    justify="center",
                ),
                align="center",
                text_align="center",
                spacing="3",
            ),
            size="4",
            max_width="480px",
        ),
        padding_y="48px",
    )
