"""/announcements/unsubscribe/{token}: stop (or restart) one event's announcements to one address."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import loading, page
from eventpalour.state.announcement_unsubscribe import AnnouncementUnsubscribeState
from eventpalour.state.language import t

S = AnnouncementUnsubscribeState


def _card(*children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(rx.vstack(*children, spacing="4", align="center", text_align="center"), size="4", max_width="480px"),
        padding_y=["16px", "48px"],
    )


def _problem() -> rx.Component:
    return _card(
        rx.icon("link-2-off", size=36, color=rx.color("red", 9)),
        rx.heading(t("This link does not work"), size="6", as_="h1"),
        rx.text(S.problem, color_scheme="gray"),
        rx.link(rx.button(t("Browse events")), href=routes.EVENTS),
    )


def _status() -> rx.Component:
    return _card(
        rx.icon(rx.cond(S.subscribed, "bell", "bell-off"), size=36, color=rx.color("violet", 9)),
        rx.heading(
            rx.cond(S.subscribed, t("You're subscribed again"), t("You're unsubscribed")),
            size="6",
            as_="h1",
        ),
        rx.cond(
            S.subscribed,
            rx.text(
                rx.text.strong(S.masked_email),
                t(" will get announcements of "),
                rx.text.strong(S.event_title),
                t(" again."),
                color_scheme="gray",
            ),
            rx.text(
                rx.text.strong(S.masked_email),
                t(" will get no more announcements of "),
                rx.text.strong(S.event_title),
                t(". Your tickets, and emails about them (changes of date, cancellation, refunds), are not affected."),
                color_scheme="gray",
            ),
        ),
        rx.hstack(
            rx.cond(
                S.subscribed,
                rx.button(
                    t("Unsubscribe"), variant="soft", color_scheme="gray", on_click=S.unsubscribe, loading=S.is_busy
                ),
                rx.button(t("Resubscribe"), on_click=S.resubscribe, loading=S.is_busy),
            ),
            rx.link(rx.button(t("Event page"), variant="soft"), href=S.event_path),
            wrap="wrap",
            justify="center",
        ),
    )


@page(routes.ANNOUNCEMENTS_UNSUBSCRIBE, "Announcements", on_load=S.open_link)
def announcement_unsubscribe() -> rx.Component:
    return rx.cond(
        ~S.checked, loading(t("Updating your subscription…")), rx.cond(S.problem != "", _problem(), _status())
    )
