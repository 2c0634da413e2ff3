"""The body of an event's public page: its facts (when, where, who) and its story."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.workspace import verified_badge
from eventpalour.state.event_detail import EventDetailState

EVENT = EventDetailState.event


def _fact(icon: str, *lines: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon(icon, size=18),
            width="36px",
            height="36px",
            border_radius="10px",
            background=rx.color("violet", 3),
            color=rx.color("violet", 11),
            flex_shrink="0",
        ),
        rx.vstack(*lines, spacing="0", min_width="0"),
        align="center",
        spacing="3",
    )


def _where() -> rx.Component:
    return rx.fragment(
        rx.cond(
            EVENT.place != "",
            _fact(
                "map-pin",
                rx.text(EVENT.venue, weight="medium"),
                rx.hstack(
                    rx.text(EVENT.place, size="2", color_scheme="gray"),
                    rx.link("Map", href=EVENT.map_url, is_external=True, size="2"),
                    spacing="2",
                ),
            ),
        ),
        rx.cond(
            EVENT.online != "",
            _fact(
                "monitor",
                rx.text(EVENT.online, weight="medium"),
                rx.text("The link is sent to ticket holders.", size="2", color_scheme="gray"),
            ),
        ),
    )


def event_header() -> rx.Component:
    """Category, title, organizer, when and where, and the Share button."""
    return rx.vstack(
        rx.cond(EVENT.category != "", rx.badge(EVENT.category, variant="soft", radius="full", size="2")),
        rx.heading(EVENT.title, size=rx.breakpoints(initial="7", md="8"), as_="h1"),
        rx.hstack(
            rx.avatar(src=EVENT.organizer_logo_url, fallback=EVENT.organizer_initials, size="2", radius="large"),
            rx.text("By ", rx.link(rx.text.strong(EVENT.organizer), href=EVENT.organizer_url), size="3"),
            verified_badge(EVENT.verified),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        _fact(
            "calendar",
            rx.text(EVENT.schedule, weight="medium"),
            rx.text("Time zone: ", EVENT.zone, size="2", color_scheme="gray"),
        ),
        _where(),
        rx.button(rx.icon("share-2", size=16), "Share", variant="soft", on_click=EventDetailState.copy_link),
        spacing="4",
        align="start",
        width="100%",
        grid_area="header",
    )


def _partner(partner: rx.Var) -> rx.Component:
    label = rx.hstack(
        rx.avatar(src=partner.logo_url, fallback=partner.name[0:1], size="3", radius="large"),
        rx.text(partner.name, weight="medium"),
        align="center",
        spacing="2",
    )
    return rx.card(
        rx.cond(
            partner.url != "",
            rx.link(label, href=partner.url, is_external=True, underline="none", color="inherit"),
            label,
        ),
        size="1",
    )


def event_about() -> rx.Component:
    """The description as Markdown, then the partners."""
    return rx.vstack(
        rx.heading("About this event", size="5", as_="h2"),
        rx.box(
            # Organizer-written text: raw HTML stays text (no rehype-raw), so it cannot inject markup.
            rx.markdown(EVENT.description, use_raw=False, use_math=False, use_katex=False),
            width="100%",
            overflow_wrap="anywhere",
        ),
        rx.cond(
            EventDetailState.partners.length() > 0,
            rx.vstack(
                rx.heading("Partners", size="4", as_="h2"),
                rx.flex(rx.foreach(EventDetailState.partners, _partner), wrap="wrap", spacing="3"),
                spacing="3",
            ),
        ),
        spacing="4",
        width="100%",
        min_width="0",
        grid_area="about",
    )
