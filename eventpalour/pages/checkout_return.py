"""/checkout/return: success (tickets), failure (try again) or still confirming."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import page
from eventpalour.components.tier_panel import ticket_qr_card
from eventpalour.state.checkout_return import CheckoutReturnState

S = CheckoutReturnState


def _card(icon: str, color: str, title: str, *children: rx.Component) -> rx.Component:
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


@page(routes.CHECKOUT_RETURN, "Payment", on_load=S.confirm)
def checkout_return() -> rx.Component:
    return rx.match(
        S.outcome,
        (
            "completed",
            _card(
                "circle-check",
                "green",
                "You're going!",
                rx.cond(
                    S.issued_tickets.length() > 0,
                    rx.vstack(
                        rx.text(S.event_title, weight="bold"),
                        rx.flex(
                            rx.foreach(S.issued_tickets, ticket_qr_card), wrap="wrap", gap="12px", justify="center"
                        ),
                        rx.text("We emailed your tickets too. Show a QR code (or its code) at the door.", size="2"),
                        align="center",
                        spacing="3",
                    ),
                ),
                rx.hstack(
                    rx.link(rx.button("Your orders", variant="soft"), href=routes.MY_ORDERS),
                    rx.link(rx.button("Browse more events", variant="soft"), href=routes.EVENTS),
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
                "Confirming your payment…",
                rx.spinner(size="3"),
                rx.text("You can close this page: we email your tickets as soon as it settles.", size="2"),
            ),
        ),
        (
            "refunded",
            _card("undo-2", "amber", "Payment refunded", rx.link(rx.button("Find another event"), href=routes.EVENTS)),
        ),
        (
            "failed",
            _card("circle-x", "red", "Payment not completed", rx.link(rx.button("Try again"), href=S.event_url)),
        ),
        rx.center(rx.spinner(size="3"), min_height="40vh", role="status"),
    )
