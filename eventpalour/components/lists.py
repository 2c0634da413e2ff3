"""Pieces shared by the organizer's and the admin's lists: the empty-state card, and the pager of a
list that knows its total and whether a next page exists."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.state.language import t


def count_words(count: rx.Var, singular: str, plural: str) -> rx.Var:
    """A count held in a state var and its noun, as `platform.plural` writes counts the server words:
    "1 ticket", "2 tickets"."""
    return rx.cond(count == 1, f"1 {singular}", count.to_string() + f" {plural}")


def not_found_card(icon: str, title: str | rx.Var, text: str | rx.Var) -> rx.Component:
    """A page's own "not found": what is missing, why it may be, and a way on to the events."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.icon(icon, size=40, color=rx.color("gray", 9)),
                rx.heading(title, size="6", as_="h1"),
                rx.text(text, color_scheme="gray"),
                rx.link(rx.button(t("Browse events")), href=routes.EVENTS),
                align="center",
                text_align="center",
                spacing="3",
            ),
            size="4",
            max_width="460px",
        ),
        padding_y="48px",
    )


def empty_card(message: str | rx.Var, icon: str = "inbox") -> rx.Component:
    """What a list shows when it has no rows: an icon and why (no data yet, or no match)."""
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=28, color=rx.color("gray", 9)),
            rx.text(message, color_scheme="gray", text_align="center"),
            align="center",
        ),
        width="100%",
        padding="24px",
    )


def next_page_pager(
    *, total: rx.Var, singular: str, plural: str, page: rx.Var, has_next: rx.Var, turn: rx.EventHandler
) -> rx.Component:
    """ "N attendees · Previous · Page 2 · Next"; `turn` takes the step (-1 or 1)."""
    return rx.hstack(
        rx.text(count_words(total, singular, plural), size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(t("Previous"), variant="soft", disabled=page <= 1, on_click=turn(-1)),
        rx.text(t("Page "), page, size="2"),
        rx.button(t("Next"), variant="soft", disabled=~has_next, on_click=turn(1)),
        align="center",
        width="100%",
    )
