"""/checkout/return: success (tickets), failure (try again) or still confirming."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import page
from eventpalour.components.ticket_card import file_link
from eventpalour.components.tier_panel import ticket_qr_card
from eventpalour.services import platform
from eventpalour.state.checkout_return import CheckoutReturnState
from eventpalour.state.language import t

S = CheckoutReturnState
SR_ONLY = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white-space": "nowrap",
}


def _card(icon: str, color: str, title: str | rx.Var, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.icon(icon, size=40, color=rx.color(color, 9)),
                rx.heading(title, size="6", as_="h1"),
                rx.text(S.message, color_scheme="gray"),
                *children,
                align="center",
                spacing="3",
                text_align="center",
            ),
            size="4",
            max_width="460px",
            width="100%",
        ),
        padding_y=["16px", "48px"],
    )


def _fact(icon: str, label: str | rx.Var, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=16, flex_shrink="0", color=rx.color("gray", 10), margin_top="3px"),
        rx.el.dt(label, style=SR_ONLY),
        rx.el.dd(rx.text(value, size="2"), style={"margin": "0"}),
        align="start",
        spacing="2",
    )


def _event_facts() -> rx.Component:
    """What the tickets are for: the event, when (its own zone), where, who organizes it, and the invite."""
    bought = S.bought
    return rx.vstack(
        rx.link(rx.heading(bought.title, size="4", as_="h2"), href=S.event_url),
        rx.el.dl(
            _fact("calendar", t("When"), bought.schedule),
            _fact("map-pin", t("Where"), bought.place),
            _fact("building-2", t("Organizer"), bought.organizer),
            aria_label=t("Event details"),
            style={"margin": "0", "display": "flex", "flexDirection": "column", "gap": "6px"},
        ),
        rx.cond(
            bought.calendar_url != "",
            file_link(t("Add to calendar"), "calendar-plus", bought.calendar_url),
        ),
        align="center",
        spacing="2",
        width="100%",
        data_testid="bought-event",
    )


@page(routes.CHECKOUT_RETURN, platform.N_("Payment"), on_load=S.confirm)
def checkout_return() -> rx.Component:
    return rx.match(
        S.outcome,
        (
            "completed",
            _card(
                "circle-check",
                "green",
                t("You're going!"),
                rx.cond(S.bought, _event_facts()),
                rx.cond(
                    S.issued_tickets.length() > 0,
                    rx.vstack(
                        rx.flex(
                            rx.foreach(S.issued_tickets, ticket_qr_card), wrap="wrap", gap="12px", justify="center"
                        ),
                        rx.text(t("We emailed your tickets too. Show a QR code (or its code) at the door."), size="2"),
                        align="center",
                        spacing="3",
                    ),
                ),
                rx.cond(
                    ~S.is_authenticated,  # a guest buyer (#24 §1): the email is where the tickets are
                    rx.text(t("We emailed your tickets, with a link to see them any time."), size="2"),
                ),
                rx.hstack(
                    rx.link(rx.button(t("Your orders"), variant="soft"), href=routes.MY_ORDERS),
                    rx.link(rx.button(t("Browse more events"), variant="soft"), href=routes.EVENTS),
                    wrap="wrap",
                    justify="center",
                ),
            ),
        ),
        (
            "pending",
            _card(
                "loader",
                "amber",
                t("Confirming your payment…"),
                rx.spinner(size="3"),
                rx.text(t("You can close this page: we email your tickets as soon as it settles."), size="2"),
            ),
        ),
        (
            "refunded",
            _card(
                "undo-2",
                "amber",
                t("Payment refunded"),
                rx.link(rx.button(t("Find another event")), href=routes.EVENTS),
            ),
        ),
        (
            "failed",
            _card("circle-x", "red", t("Payment not completed"), rx.link(rx.button(t("Try again")), href=S.event_url)),
        ),
        rx.center(rx.spinner(size="3"), min_height="40vh", role="status"),
    )
