"""/events: discover public events, with search, filters in the URL, and pages of 24."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.event_card import event_card, event_card_skeleton
from eventpalour.components.event_filters import event_filters
from eventpalour.components.layout import page
from eventpalour.state.discovery import DiscoveryState
from eventpalour.state.language import t

GRID = {"columns": rx.breakpoints(initial="1", sm="2", lg="3"), "spacing": "4", "width": "100%"}


def _message(icon: str, title: str | rx.Var, text: str | rx.Var, action: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=40, color=rx.color("violet", 9)),
            rx.heading(title, size="5", as_="h2"),
            rx.text(text, color_scheme="gray", text_align="center"),
            action,
            align="center",
            spacing="3",
            max_width="420px",
        ),
        padding_y="48px",
        width="100%",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.cond(
            DiscoveryState.page > 1,
            rx.link(
                rx.button(rx.icon("chevron-left", size=16), t("Previous"), variant="soft"),
                href=DiscoveryState.previous_url,
            ),
        ),
        rx.text(t("Page "), DiscoveryState.page, size="2", color_scheme="gray"),
        rx.cond(
            DiscoveryState.has_next,
            rx.link(
                rx.button(t("Next"), rx.icon("chevron-right", size=16), variant="soft"), href=DiscoveryState.next_url
            ),
        ),
        justify="center",
        align="center",
        spacing="4",
        width="100%",
    )


def _results() -> rx.Component:
    return rx.cond(
        DiscoveryState.loading,
        rx.grid(*[event_card_skeleton() for _ in range(6)], **GRID, role="status", aria_label=t("Loading events")),
        rx.cond(
            DiscoveryState.cards.length() > 0,
            rx.vstack(
                rx.grid(rx.foreach(DiscoveryState.cards, event_card), **GRID), _pager(), spacing="5", width="100%"
            ),
            rx.cond(
                DiscoveryState.has_filters,
                _message(
                    "search-x",
                    t("No events match"),
                    t("Try other words, another city or fewer filters."),
                    rx.link(rx.button(t("See all events"), variant="soft"), href=routes.EVENTS),
                ),
                _message(
                    "calendar-x-2",
                    t("No upcoming events yet"),
                    t("When organizers publish events, they appear here. Check back soon."),
                    rx.link(rx.button(t("Back to home"), variant="soft"), href=routes.HOME),
                ),
            ),
        ),
    )


def _summary() -> rx.Component:
    """How many events match, and the way back to all of them when a filter is set."""
    return rx.hstack(
        rx.cond(
            DiscoveryState.loading,
            rx.skeleton(rx.box(height="20px", width="96px")),
            rx.text(DiscoveryState.total_label, weight="medium", id="events-count", aria_live="polite"),
        ),
        rx.spacer(),
        rx.cond(
            DiscoveryState.filtered,
            rx.button(
                rx.icon("x", size=16),
                t("Clear filters"),
                variant="soft",
                color_scheme="gray",
                on_click=DiscoveryState.clear_filters,
            ),
        ),
        align="center",
        width="100%",
        min_height="32px",
    )


@page(routes.EVENTS, "Discover events", on_load=DiscoveryState.load_events, in_sitemap=True)
def events() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading(t("Discover events"), size=rx.breakpoints(initial="7", md="8"), as_="h1"),
            rx.text(t("Concerts, meetups, festivals and more across Africa."), color_scheme="gray", size="3"),
            spacing="1",
        ),
        event_filters(),
        _summary(),
        _results(),
        spacing="5",
        width="100%",
    )
