"""/o/{slug}: an organizer's public page: logo, description, links and blue badge, then their
upcoming and past events (#20 §6). Reached from an event's "By …" and from discovery cards."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.event_card import event_card
from eventpalour.components.layout import loading, page
from eventpalour.components.lists import not_found_card
from eventpalour.components.workspace import verified_badge, workspace_avatar
from eventpalour.state.language import t
from eventpalour.state.organizer import OrganizerState

ORGANIZER = OrganizerState.organizer
OUTSIDE_LINK = "noopener noreferrer nofollow"  # an organizer's own links: no referrer, no ranking from us
GRID = {"columns": rx.breakpoints(initial="1", sm="2", lg="3"), "spacing": "4", "width": "100%"}


def _not_found() -> rx.Component:
    return not_found_card(
        "user-x", t("Organizer not found"), t("There is no organizer at this address. The link may be mistyped or old.")
    )


def _link(link: rx.Var) -> rx.Component:
    return rx.link(
        rx.button(rx.icon("external-link", size=14), link.label, variant="soft", size="2"),
        href=link.url,
        is_external=True,
        rel=OUTSIDE_LINK,
    )


def _profile() -> rx.Component:
    return rx.card(
        rx.flex(
            workspace_avatar(ORGANIZER.logo_url, ORGANIZER.initials, size="6"),
            rx.vstack(
                rx.hstack(
                    rx.heading(ORGANIZER.name, size=rx.breakpoints(initial="7", md="8"), as_="h1"),
                    verified_badge(ORGANIZER.verified),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.text(ORGANIZER.description, color_scheme="gray", white_space="pre-wrap", size="3"),
                rx.cond(
                    ORGANIZER.links.length() > 0,
                    rx.hstack(rx.foreach(ORGANIZER.links, _link), spacing="2", wrap="wrap", aria_label=t("Links")),
                ),
                spacing="3",
                min_width="0",
                flex="1",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="start", sm="start"),
            gap="20px",
        ),
        size="4",
        width="100%",
    )


def _empty(text: str) -> rx.Component:
    return rx.card(
        rx.hstack(rx.icon("calendar-x-2", size=20, color=rx.color("gray", 9)), rx.text(text, color_scheme="gray")),
        width="100%",
    )


def _section(title: str, cards: rx.Var, empty: str, more: rx.Var, more_text: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            cards.length() > 0,
            rx.vstack(
                rx.grid(rx.foreach(cards, event_card), **GRID),
                rx.cond(more, rx.text(more_text, size="2", color_scheme="gray")),
                spacing="3",
                width="100%",
            ),
            _empty(empty),
        ),
        spacing="3",
        width="100%",
    )


def _organizer() -> rx.Component:
    return rx.vstack(
        _profile(),
        _section(
            t("Upcoming events"),
            OrganizerState.upcoming,
            t("No upcoming events right now. Check back soon."),
            ORGANIZER.more_upcoming,
            t("Showing the soonest 48 events."),
        ),
        _section(
            t("Past events"),
            OrganizerState.past,
            t("No past events yet."),
            ORGANIZER.more_past,
            t("Showing the latest 12 events."),
        ),
        spacing="6",
        width="100%",
    )


# The tab shows the organizer's name once loaded (the layout appends " · " and PLATFORM_NAME).
@page(routes.ORGANIZER, OrganizerState.page_title, on_load=OrganizerState.load_organizer)
def organizer() -> rx.Component:
    return rx.cond(
        ~OrganizerState.loaded,
        loading(t("Loading the organizer…")),
        rx.cond(OrganizerState.missing, _not_found(), _organizer()),
    )
