"""Pieces shared by the organizer's and the admin's lists: the empty-state card, and the pager of a
list that knows its total and whether a next page exists."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.state.language import LanguageState, fill, t


def count_words(count: rx.Var, one: str | rx.Var, many: str | rx.Var) -> rx.Var:
    """A count held in a state var in words, as `platform.count_words` writes the server's: `one` and
    `many` are whole messages holding "{count}" (`t("{count} ticket")`, `t("{count} tickets")`), so
    each language orders number and noun its own way ("tiketi 2"); French puts 0 with the singular."""
    singular = (count == 1) | ((count == 0) & (LanguageState.lang == "fr"))
    return rx.cond(singular, one, many).to(str).replace("{count}", count.to_string())


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
    *, total: rx.Var, one: str | rx.Var, many: str | rx.Var, page: rx.Var, has_next: rx.Var, turn: rx.EventHandler
) -> rx.Component:
    """ "N attendees · Previous · Page 2 · Next"; `turn` takes the step (-1 or 1); `one` and `many`
    word the total as `count_words` does."""
    return rx.hstack(
        rx.text(count_words(total, one, many), size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(t("Previous"), variant="soft", disabled=page <= 1, on_click=turn(-1)),
        rx.text(fill(t("Page {number}"), number=page), size="2"),
        rx.button(t("Next"), variant="soft", disabled=~has_next, on_click=turn(1)),
        align="center",
        width="100%",
    )
