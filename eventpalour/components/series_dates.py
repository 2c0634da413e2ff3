"""The date picker of a recurring event's public page (#22 §3): every upcoming date of the series
with what is left; the date shown is marked, the others link to their own pages."""

from __future__ import annotations

import reflex as rx

from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.language import t


def _choice(choice: rx.Var) -> rx.Component:
    body = rx.vstack(
        rx.text(choice.label, weight="bold", size="2"),
        rx.text(choice.availability, size="1", color_scheme=rx.cond(choice.can_buy, "green", "gray")),
        spacing="0",
        padding="8px 12px",
        border_radius="10px",
        border=rx.cond(choice.is_current, f"2px solid {rx.color('accent', 9)}", f"1px solid {rx.color('gray', 6)}"),
        background=rx.cond(choice.is_current, rx.color("accent", 3), "transparent"),
        min_width="150px",
    )
    return rx.cond(
        choice.is_current,
        rx.box(body, aria_current="date"),
        rx.link(body, href=choice.path, underline="none", color="inherit"),
    )


def date_picker() -> rx.Component:
    """Nothing for a one-off event; otherwise a scrolling row of the series' dates."""
    return rx.cond(
        EventDetailState.date_choices.length() > 1,
        rx.el.nav(
            rx.heading(t("Pick a date"), size="4", as_="h2", margin_bottom="8px"),
            rx.flex(
                rx.foreach(EventDetailState.date_choices, _choice),
                gap="8px",
                overflow_x="auto",
                padding_bottom="4px",
            ),
            aria_label=t("Pick a date"),
            width="100%",
        ),
    )
