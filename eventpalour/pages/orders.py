"""/account/orders: every order of the signed-in buyer, with the codes of the tickets they still hold."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.badges import status_badge
from eventpalour.components.layout import loading, page
from eventpalour.components.workspace import verified_badge
from eventpalour.state.orders import OrdersState


def _order(line: rx.Var) -> rx.Component:
    order = line.order
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(order.event_title, href=line.event_url, weight="bold", size="4"),
                verified_badge(order.organizer_verified),
                rx.spacer(),
                status_badge(order.status, "order", order.status_label),
                width="100%",
                wrap="wrap",
            ),
            rx.text(line.when, " · ", line.amount, " · ", order.reference, size="2", color_scheme="gray"),
            rx.cond(line.discount != "", rx.text(line.discount, size="2", color=rx.color("green", 11))),
            rx.cond(line.codes != "", rx.text("Ticket codes: ", rx.code(line.codes), size="2")),
            rx.cond(line.transferred != "", rx.text(line.transferred, size="2", color_scheme="gray")),
            rx.cond(
                order.can_complete_payment,
                rx.link(rx.button("Complete payment", size="2"), href=line.event_url),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


@page(routes.MY_ORDERS, "Your orders", on_load=OrdersState.load_orders, require="user", width="820px")
def my_orders() -> rx.Component:
    return rx.vstack(
        rx.heading("Your orders", size="7", as_="h1"),
        rx.cond(
            ~OrdersState.orders_loaded,
            loading(),
            rx.cond(
                OrdersState.order_rows.length() == 0,
                rx.card(
                    rx.vstack(
                        rx.icon("ticket", size=32, color=rx.color("violet", 9)),
                        rx.text("No orders yet.", weight="bold"),
                        rx.link(rx.button("Browse events"), href=routes.EVENTS),
                        align="center",
                        padding="24px",
                    ),
                    width="100%",
                ),
                rx.vstack(rx.foreach(OrdersState.order_rows, _order), width="100%", spacing="3"),
            ),
        ),
        spacing="4",
        width="100%",
    )
