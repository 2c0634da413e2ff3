"""The EventPalour mark and the one theme every page uses."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.state.language import t

THEME = rx.theme(appearance="inherit", accent_color="violet", gray_color="slate", radius="large", scaling="100%")


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("ticket", size=18, color="white"),
                width="32px",
                height="32px",
                border_radius="10px",
                background="linear-gradient(135deg, var(--violet-9), var(--plum-9))",
            ),
            # A step smaller on phones, so the navbar's buttons fit a 390px screen.
            rx.text("EventPalour", weight="bold", size=rx.breakpoints(initial="3", sm="5"), color=rx.color("gray", 12)),
            align="center",
            spacing="2",
        ),
        href=routes.HOME,
        underline="none",
        aria_label=t("EventPalour home"),
    )
