"""The Orders tab of an event's manage page: the event's money at a glance, then every order."""

from __future__ import annotations

import reflex as rx

from eventpalour.pages.orders import STATUS_COLORS
from eventpalour.state.event_orders import EventOrdersState

S = EventOrdersState
FILTERS = [("all", "All"), ("paid", "Paid"), ("awaiting", "Awaiting payment"), ("refunded", "Refunded")]
FILTERS += [("failed", "Failed"), ("cancelled", "Cancelled")]


def _stat(label: str, value: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, weight="bold", size="3", white_space="nowrap"),
            spacing="1",
        ),
        flex="1 1 150px",
    )


def _totals() -> rx.Component:
    return rx.flex(
        _stat("Paid orders", S.order_totals["paid_orders"]),
        _stat("Tickets sold", S.order_totals["tickets"]),
        _stat("Gross", S.order_totals["gross"]),
        _stat("Platform fees", S.order_totals["platform_fees"]),
        _stat("Paystack fees", S.order_totals["provider_fees"]),
        _stat("Your share", S.order_totals["net"]),
        wrap="wrap",
        gap="12px",
        width="100%",
        aria_label="Sales totals",
    )


def _toolbar() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.select.root(
                rx.select.trigger(custom_attrs={"aria-label": "Order status"}),
                rx.select.content(*[rx.select.item(label, value=value) for value, label in FILTERS]),
                value=S.orders_status,
                on_change=S.filter_status,
            ),
            rx.input(
                name="search",
                placeholder="Reference, email or name",
                default_value=S.orders_search,
                aria_label="Search orders",
                flex="1 1 200px",
                max_width="320px",
            ),
            rx.button("Search", type="submit", variant="soft"),
            wrap="wrap",
            gap="8px",
            align="center",
        ),
        on_submit=S.search_orders,
        width="100%",
    )


def _row(order: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(rx.text(order["buyer"], weight="medium"), rx.text(order["email"], size="1"), spacing="0")
        ),
        rx.table.cell(rx.code(order["reference"], size="1"), white_space="nowrap"),
        rx.table.cell(
            rx.badge(order["status_label"], color_scheme=rx.match(order["status"], *STATUS_COLORS, "gray")),
            rx.cond(
                order["flag"] != "", rx.tooltip(rx.icon("shield-alert", size=16, color="orange"), content=order["flag"])
            ),
        ),
        rx.table.cell(order["tickets"]),
        rx.table.cell(order["amount"], white_space="nowrap"),
        rx.table.cell(order["share"], white_space="nowrap"),
        rx.table.cell(order["placed"], white_space="nowrap"),
        data_testid="order-row",
    )


def _table() -> rx.Component:
    return rx.cond(
        S.order_rows.length() == 0,
        rx.card(
            rx.vstack(
                rx.icon("receipt", size=28, color=rx.color("gray", 9)),
                rx.text(
                    rx.cond(
                        (S.orders_status == "all") & (S.orders_search == ""),
                        "No orders yet. They appear here as soon as someone registers or buys.",
                        "No orders match these filters.",
                    ),
                    color_scheme="gray",
                ),
                align="center",
                padding="16px",
            ),
            width="100%",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(name)
                            for name in ("Buyer", "Reference", "Status", "Tickets", "Amount", "Your share", "Placed")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(S.order_rows, _row)),
                variant="surface",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.text(S.orders_total, rx.cond(S.orders_total == 1, " order", " orders"), size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button("Previous", variant="soft", disabled=S.orders_page <= 1, on_click=S.turn_page(-1)),
        rx.text("Page ", S.orders_page, size="2"),
        rx.button("Next", variant="soft", disabled=~S.orders_has_next, on_click=S.turn_page(1)),
        align="center",
        width="100%",
    )


def orders_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.orders_problem != "",
            rx.callout(S.orders_problem, icon="triangle-alert", color_scheme="red"),
            rx.cond(
                ~S.orders_loaded & (S.order_rows.length() == 0),
                rx.center(rx.spinner(), padding="32px", role="status"),
                rx.vstack(_totals(), _toolbar(), _table(), _pager(), spacing="4", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
    )
