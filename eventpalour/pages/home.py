"""/: what EventPalour is, and the next step for whoever is looking."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.event_card import event_card, event_card_skeleton
from eventpalour.components.layout import page
from eventpalour.services import platform
from eventpalour.state.base import AuthState
from eventpalour.state.home import HOME_EVENTS, HomeState
from eventpalour.state.language import t

GRID = {"columns": rx.breakpoints(initial="1", sm="2", lg="3"), "spacing": "4", "width": "100%"}


def _feature(icon: str, title: str | rx.Var, text: str | rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=28, color=rx.color("violet", 9)),
            rx.heading(title, size="4", as_="h3"),
            rx.text(text, color_scheme="gray", size="2"),
            spacing="2",
        ),
        size="3",
    )


def _next_step() -> rx.Component:
    return rx.cond(
        AuthState.is_authenticated,
        rx.vstack(
            rx.heading(rx.text.span(t("Hello, "), AuthState.user_name), size="5", as_="h2"),
            rx.hstack(
                rx.link(rx.button(rx.icon("compass", size=18), t("Browse events"), size="3"), href=routes.EVENTS),
                rx.cond(
                    AuthState.account_type == "",
                    rx.link(
                        rx.button(t("Finish setting up your account"), size="3", variant="soft"), href=routes.ONBOARDING
                    ),
                    rx.cond(
                        AuthState.account_type == "organizer",
                        rx.link(rx.button(t("Your workspaces"), size="3", variant="soft"), href=routes.WORKSPACES),
                        rx.link(rx.button(t("Your account"), size="3", variant="soft"), href=routes.ACCOUNT),
                    ),
                ),
                spacing="3",
                wrap="wrap",
                justify="center",
            ),
            align="center",
        ),
        rx.hstack(
            rx.link(rx.button(rx.icon("compass", size=18), t("Browse events"), size="4"), href=routes.EVENTS),
            rx.link(rx.button(t("Create a free account"), size="4", variant="soft"), href=routes.SIGN_UP),
            spacing="3",
            wrap="wrap",
            justify="center",
        ),
    )


def _upcoming() -> rx.Component:
    """The soonest public events as the /events cards, and the way to all of them."""
    see_all = rx.link(
        rx.button(t("See all events"), rx.icon("arrow-right", size=16), variant="soft"), href=routes.EVENTS
    )
    return rx.el.section(
        rx.vstack(
            rx.hstack(
                rx.heading(t("Upcoming events"), size="6", as_="h2", id="upcoming-events"),
                rx.spacer(),
                see_all,
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.cond(
                ~HomeState.upcoming_loaded,
                rx.grid(
                    *[event_card_skeleton() for _ in range(HOME_EVENTS)],
                    **GRID,
                    role="status",
                    aria_label=t("Loading events"),
                ),
                rx.cond(
                    HomeState.upcoming.length() > 0,
                    rx.grid(rx.foreach(HomeState.upcoming, event_card), **GRID),
                    rx.text(
                        t("No upcoming events yet. When organizers publish events, they appear here."),
                        color_scheme="gray",
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        aria_labelledby="upcoming-events",
        style={"width": "100%", "paddingBottom": "24px"},
    )


@page(routes.HOME, platform.N_("Tickets for events you love"), on_load=HomeState.load_upcoming, in_sitemap=True)
def home() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.badge("KES · NGN · GHS · ZAR · USD", size="2", radius="full"),
            rx.heading(
                t("Sell out your event. Never oversell it."),
                size=rx.breakpoints(initial="8", md="9"),
                as_="h1",
                text_align="center",
            ),
            rx.text(
                t(
                    "EventPalour runs ticketing for organizers and their teams: paid and free events, "
                    "Paystack payments, QR tickets and fast door scanning."
                ),
                size="4",
                color_scheme="gray",
                text_align="center",
                max_width="640px",
            ),
            _next_step(),
            align="center",
            spacing="5",
            padding_y=["32px", "72px"],
        ),
        _upcoming(),
        rx.grid(
            _feature(
                "shield-check", t("Never oversold"), t("Capacity is decided in one transaction, whatever the rush.")
            ),
            _feature("credit-card", t("Paystack built in"), t("Cards and M-Pesa, with every payment verified once.")),
            _feature("scan-line", t("Fast door scanning"), t("Any phone becomes a scanner with live check-in counts.")),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        align="center",
    )
