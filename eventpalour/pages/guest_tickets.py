"""/tickets/guest/{token}: a guest buyer's tickets, from the link in the confirmation email (#24 §1)."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import loading, page
from eventpalour.components.tier_panel import ticket_qr_card
from eventpalour.state.guest_tickets import GuestTicketsState
from eventpalour.state.language import t

S = GuestTicketsState


def _card(*children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(*children, spacing="4", align="center", text_align="center", width="100%"),
            size="4",
            max_width="560px",
            width="100%",
        ),
        padding_y=["16px", "48px"],
    )


def _problem() -> rx.Component:
    return _card(
        rx.icon("link-2-off", size=36, color=rx.color("red", 9)),
        rx.heading(t("This link does not work"), size="6", as_="h1"),
        rx.text(S.problem, color_scheme="gray"),
        rx.link(rx.button(t("Browse events")), href=routes.EVENTS),
    )


def _claim() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t("Create an account to keep your tickets"), weight="bold"),
            rx.text(
                t("Sign up with "),
                rx.text.strong(S.masked_email),
                t(
                    ": once the address is verified, these tickets move into your account. "
                    "Already have an account with it? Sign in and they move in too."
                ),
                size="2",
            ),
            rx.hstack(
                rx.link(rx.button(t("Create an account"), size="2"), href=S.sign_up_url),
                rx.link(rx.button(t("Sign in"), size="2", variant="soft"), href=routes.SIGN_IN),
                wrap="wrap",
                spacing="2",
            ),
            spacing="2",
            align="start",
            text_align="left",
        ),
        icon="user-plus",
        width="100%",
    )


def _tickets() -> rx.Component:
    event = S.event
    return _card(
        rx.icon("ticket", size=36, color=rx.color("green", 9)),
        rx.heading(t("Your tickets"), size="6", as_="h1"),
        rx.link(rx.heading(event.title, size="4", as_="h2"), href=event.url),
        rx.text(event.schedule, size="2"),
        rx.text(event.place, size="2", color_scheme="gray"),
        rx.text(t("By "), event.organizer, size="2", color_scheme="gray"),
        rx.text(t("Order "), rx.code(S.reference), size="2"),
        rx.cond(
            S.issued.length() > 0,
            rx.flex(rx.foreach(S.issued, ticket_qr_card), wrap="wrap", gap="12px", justify="center"),
            rx.text(t("No tickets of this order are yours to show any more."), color_scheme="gray"),
        ),
        rx.text(t("Show a QR code (or type its code) at the door."), size="2"),
        rx.cond(S.can_claim, _claim()),
    )


@page(routes.GUEST_TICKETS, "Your tickets", on_load=S.open_link)
def guest_tickets() -> rx.Component:
    return rx.cond(~S.checked, loading(t("Opening your tickets…")), rx.cond(S.problem != "", _problem(), _tickets()))
