"""/e/{short_id}: an event's public page: when and where, the organizer, the story, and the tickets."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.event_card import event_banner
from eventpalour.components.event_overview import event_about, event_header
from eventpalour.components.first_paint import first_paint_swap
from eventpalour.components.holder_announcements import holder_announcements
from eventpalour.components.layout import loading, page
from eventpalour.components.lists import not_found_card
from eventpalour.components.series_dates import date_picker
from eventpalour.components.tier_panel import sticky_ticket_bar, tiers_panel
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.first_frames import share_first_frames
from eventpalour.state.language import t

EVENT = EventDetailState.event
AREAS = {"initial": '"header" "tickets" "about"', "md": '"header tickets" "about tickets"'}


def _not_found() -> rx.Component:
    return rx.fragment(
        first_paint_swap(),
        not_found_card(
            "calendar-x-2",
            t("Event not found"),
            t("This event does not exist, or its organizer has not made it public."),
        ),
    )


def _event() -> rx.Component:
    return rx.vstack(
        first_paint_swap(),  # the page is on screen: the server's static copy of it goes
        rx.box(
            event_banner(EVENT.banner_url, EVENT.category, height=["180px", "320px"]),
            width="100%",
            border_radius="16px",
            overflow="hidden",
        ),
        rx.cond(
            EVENT.status_note != "",
            rx.callout.root(
                # Two named icons, not `icon=EVENT.note_icon`: an icon named by a state var makes
                # Reflex ship lucide's DynamicIcon, every icon there is (56 KB gzip), with this page.
                rx.callout.icon(rx.cond(EVENT.note_icon == "circle-x", rx.icon("circle-x"), rx.icon("info"))),
                rx.callout.text(EVENT.status_note),
                color_scheme=EVENT.note_tone,
                width="100%",
            ),
        ),
        date_picker(),
        rx.box(
            event_header(),
            tiers_panel(),
            event_about(),
            display="grid",
            grid_template_columns=rx.breakpoints(initial="minmax(0, 1fr)", md="minmax(0, 1fr) 360px"),
            grid_template_areas=rx.breakpoints(**AREAS),
            gap="32px",
            width="100%",
        ),
        holder_announcements(EventDetailState.announcements),
        sticky_ticket_bar(),
        spacing="5",
        width="100%",
    )


# The tab shows the event's own title once it has loaded (the layout appends " · " and PLATFORM_NAME).
# load_event resolves the visitor itself (the navbar's user too): no separate load_user event (#18).
# An on-sale rush is mostly first visits by people not signed in: they share one load's frames
# (state/first_frames.py), and their state is built when they act.
share_first_frames(routes.EVENT)


@page(routes.EVENT, EventDetailState.page_title, on_load=EventDetailState.load_event, resolves_user=True)
def event_detail() -> rx.Component:
    return rx.cond(
        ~EventDetailState.loaded,
        loading(t("Loading the event…")),
        rx.cond(EventDetailState.missing, _not_found(), _event()),
    )
