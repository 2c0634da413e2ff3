"""The body of an event's public page: its facts (when, where, who) and its story."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.workspace import verified_badge
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.language import t

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


def _where(event: rx.Var) -> rx.Component:
    return rx.fragment(
        rx.cond(
            event.place != "",
            _fact(
                "map-pin",
                rx.text(event.venue, weight="medium"),
                rx.hstack(
                    rx.text(event.place, size="2", color_scheme="gray"),
                    rx.link(t("Map"), href=event.map_url, is_external=True, size="2"),
                    spacing="2",
                ),
            ),
        ),
        rx.cond(
            event.online != "",
            _fact(
                "monitor",
                rx.text(event.online, weight="medium"),
                rx.text(t("The link is sent to ticket holders."), size="2", color_scheme="gray"),
            ),
        ),
    )


def event_header(event: rx.Var = EVENT, *, share: bool = True) -> rx.Component:
    """Category, title, organizer, when and where, and the Share button (`event`: an EventPage var;
    the creator's preview passes its own, without Share)."""
    return rx.vstack(
        rx.cond(event.category != "", rx.badge(event.category, variant="soft", radius="full", size="2")),
        rx.heading(event.title, size=rx.breakpoints(initial="7", md="8"), as_="h1"),
        rx.hstack(
            rx.avatar(
                src=event.organizer_logo_url,
                fallback=event.organizer_initials,
                size="2",
                radius="large",
                custom_attrs={"alt": ""},  # beside the organizer's name
            ),
            rx.text(t("By "), rx.link(rx.text.strong(event.organizer), href=event.organizer_url), size="3"),
            verified_badge(event.verified),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        _fact(
            "calendar",
            rx.text(event.schedule, weight="medium"),
            rx.text(t("Time zone: "), event.zone, size="2", color_scheme="gray"),
        ),
        _where(event),
        rx.button(rx.icon("share-2", size=16), t("Share"), variant="soft", on_click=EventDetailState.copy_link)
        if share
        else rx.fragment(),
        spacing="4",
        align="start",
        width="100%",
        grid_area="header",
    )


def _partner(partner: rx.Var) -> rx.Component:
    label = rx.hstack(
        rx.avatar(src=partner.logo_url, fallback=partner.name[0:1], size="3", radius="large", custom_attrs={"alt": ""}),
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


def event_about(event: rx.Var = EVENT, partners: rx.Var = EventDetailState.partners) -> rx.Component:
    """The description (its Markdown rendered on the server), then the partners (of `event`, an
    EventPage var)."""
    return rx.vstack(
        rx.heading(t("About this event"), size="5", as_="h2"),
        # Organizer-written Markdown as HTML without the author's own HTML (EventPage.description_html).
        rx.html(event.description_html, class_name="rich-text", width="100%"),
        rx.cond(
            partners.length() > 0,
            rx.vstack(
                rx.heading(t("Partners"), size="4", as_="h2"),
                rx.flex(rx.foreach(partners, _partner), wrap="wrap", spacing="3"),
                spacing="3",
            ),
        ),
        spacing="4",
        width="100%",
        min_width="0",
        grid_area="about",
    )
