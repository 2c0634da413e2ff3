"""/account/orders: every order of the signed-in buyer, with the codes of the tickets they still hold."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.badges import status_badge
from eventpalour.components.layout import loading, page
from eventpalour.components.order_answers import answers_dialog, my_answers_button
from eventpalour.components.workspace import verified_badge
from eventpalour.state.language import t
from eventpalour.state.orders import OrdersState

S = OrdersState


def _price_row(price: rx.Var) -> rx.Component:
    """A line of what the order cost (sales.price_lines, the same lines as checkout and the email). The
    row groups a dt and its dd, which a <dl> allows, and nothing else: no spacer div (`justify` instead)."""
    return rx.hstack(
        rx.el.dt(rx.text(price.label, size="2", color_scheme="gray")),
        rx.el.dd(
            rx.text(price.value, size="2", weight=rx.cond(price.is_total, "bold", "regular")), style={"margin": "0"}
        ),
        justify="between",
        width="100%",
        data_testid="order-price-line",
    )


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
            rx.el.dl(
                rx.foreach(line.price_rows, _price_row),
                aria_label=t("Price of the order"),
                style={"width": "100%", "margin": "0", "max_width": "360px"},
            ),
            rx.cond(line.codes != "", rx.text(t("Ticket codes: "), rx.code(line.codes), size="2")),
            rx.cond(line.transferred != "", rx.text(line.transferred, size="2", color_scheme="gray")),
            rx.cond(
                order.refund_policy.length() > 0,
                rx.vstack(
                    rx.text(t("Refund policy of this order"), size="1", weight="bold"),
                    rx.foreach(order.refund_policy, lambda text: rx.text(text, size="1", color_scheme="gray")),
                    spacing="0",
                    data_testid="order-refund-policy",
                ),
            ),
            rx.cond(order.can_edit_answers, my_answers_button(order.order_id, order.reference)),
            rx.cond(
                order.can_complete_payment,
                rx.link(rx.button(t("Complete payment"), size="2"), href=line.event_url),
            ),
            rx.cond(
                order.refund_request_label != "",
                rx.text(
                    order.refund_request_label, size="2", color_scheme="amber", data_testid="refund-request-status"
                ),
            ),
            rx.cond(
                order.can_request_refund,
                rx.button(
                    t("Request a refund"),
                    size="2",
                    variant="soft",
                    color_scheme="amber",
                    on_click=OrdersState.open_refund_request(order.order_id),
                    aria_label=t("Request a refund of order ") + order.reference,
                ),
                rx.cond(
                    order.refund_note != "",
                    rx.text(order.refund_note, size="2", color_scheme="gray", data_testid="refund-note"),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _request_ticket(ticket: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=OrdersState.request_selected.contains(ticket.id),
                on_change=lambda checked: OrdersState.toggle_request_ticket(ticket.id, checked),
            ),
            rx.code(ticket.code),
            rx.text(ticket.tier, size="2"),
            rx.spacer(),
            rx.text(ticket.price, size="2", color_scheme="gray"),
            align="center",
            width="100%",
        ),
        width="100%",
    )


def _field_error(name: str) -> rx.Component:
    return rx.cond(
        OrdersState.field_errors.contains(name),
        rx.text(OrdersState.field_errors[name], color_scheme="red", size="2", role="alert"),
    )


def _refund_request_dialog() -> rx.Component:
    """The buyer asks for a refund: which tickets, and why (the organizers answer by email)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Request a refund")),
            rx.dialog.description(
                S.request_order.event_title, " · order ", S.request_order.reference, ". ", S.request_order.policy
            ),
            rx.vstack(
                rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
                rx.vstack(
                    rx.text(t("Tickets to refund"), weight="bold", size="2"),
                    rx.foreach(S.request_tickets, _request_ticket),
                    _field_error("tickets"),
                    width="100%",
                    spacing="2",
                ),
                rx.vstack(
                    rx.el.label(t("Why do you want a refund?"), html_for="refund-request-reason", weight="bold"),
                    rx.text_area(
                        id="refund-request-reason",
                        value=S.request_reason,
                        on_change=S.set_request_reason,
                        max_length=500,
                        aria_invalid=rx.cond(S.field_errors.contains("reason"), "true", "false"),
                        width="100%",
                    ),
                    _field_error("reason"),
                    width="100%",
                    spacing="1",
                ),
                rx.text(
                    t("Up to "),
                    S.request_order.refundable,
                    t(" can be refunded. The organizers decide; we email you."),
                    size="1",
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Keep my tickets"), variant="soft", color_scheme="gray")),
                    rx.button(
                        t("Send request"),
                        color_scheme="amber",
                        loading=S.is_submitting,
                        on_click=S.submit_refund_request,
                    ),
                    justify="end",
                    width="100%",
                    wrap="wrap",
                ),
                spacing="4",
                width="100%",
                margin_top="12px",
            ),
            max_width="480px",
        ),
        open=S.request_open,
        on_open_change=S.set_request_open,
    )


@page(
    routes.MY_ORDERS,
    "Your orders",
    on_load=OrdersState.load_orders,
    require="user",
    form=OrdersState,
    width="820px",
)
def my_orders() -> rx.Component:
    return rx.vstack(
        _refund_request_dialog(),
        answers_dialog(),
        rx.heading(t("Your orders"), size="7", as_="h1"),
        rx.cond(
            ~OrdersState.orders_loaded,
            loading(),
            rx.cond(
                OrdersState.order_rows.length() == 0,
                rx.card(
                    rx.vstack(
                        rx.icon("ticket", size=32, color=rx.color("violet", 9)),
                        rx.text(t("No orders yet."), weight="bold"),
                        rx.link(rx.button(t("Browse events")), href=routes.EVENTS),
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
