"""The Orders tab of an event's manage page: the event's money at a glance, then every order."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.dialogs import confirm_button
from eventpalour.components.event_waitlist import waitlists_section
from eventpalour.components.lists import empty_card, next_page_pager
from eventpalour.components.order_answers import answers_dialog, edit_answers_button
from eventpalour.components.second_factor import second_factor_notice
from eventpalour.components.tables import scrolling_table
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.language import t
from eventpalour.state.workspace import WorkspaceState

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
        _stat("Paid orders", S.order_totals.paid_orders),
        _stat("Tickets sold", S.order_totals.tickets),
        _stat("Gross", S.order_totals.gross),
        _stat("Discounts given", S.order_totals.discounts),
        _stat("Platform fees", S.order_totals.platform_fees),
        _stat("Paystack fees", S.order_totals.provider_fees),
        _stat("Refunded", S.order_totals.refunds),
        _stat("Net to you", S.order_totals.net),
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
            rx.vstack(
                rx.text(order.buyer, weight="medium"),
                rx.text(order.email, size="1"),
                rx.cond(
                    order.answers.length() > 0,
                    rx.vstack(
                        rx.foreach(order.answers, lambda line: rx.text(line, size="1", color_scheme="gray")),
                        rx.cond(order.can_edit_answers, edit_answers_button(order.id, order.reference)),
                        spacing="0",
                        padding_top="4px",
                        data_testid="order-answers",
                    ),
                ),
                spacing="0",
            )
        ),
        rx.table.cell(rx.code(order.reference, size="1"), white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    status_badge(order.status, "order", order.status_label),
                    rx.cond(
                        order.flag != "",
                        rx.tooltip(rx.icon("shield-alert", size=16, color="orange"), content=order.flag),
                    ),
                    spacing="1",
                ),
                rx.cond(
                    order.refund != "",
                    rx.badge(
                        order.refund,
                        variant="outline",
                        color_scheme=rx.match(order.refund_status, ("failed", "red"), ("processed", "amber"), "blue"),
                    ),
                ),
                spacing="1",
            ),
        ),
        rx.table.cell(order.tickets),
        rx.table.cell(
            rx.vstack(
                rx.text(order.amount),
                rx.cond(
                    order.discount != "",
                    rx.text(order.discount, size="1", color=rx.color("green", 11), data_testid="order-discount"),
                ),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(order.share, white_space="nowrap"),
        rx.table.cell(order.placed, white_space="nowrap"),
        rx.cond(
            WorkspaceState.can_manage_billing,
            rx.table.cell(
                rx.cond(
                    order.can_cancel,
                    confirm_button(
                        "Cancel",
                        "Cancel this registration?",
                        "The guest's tickets stop working, the seats come back and the guest is emailed.",
                        "Cancel registration",
                        S.cancel_registration(order.id),
                        keep="Keep it",
                        size="1",
                    ),
                ),
                rx.cond(
                    order.can_refund & ~S.refund_second_factor.needed,
                    rx.button(
                        "Refund",
                        size="1",
                        variant="soft",
                        color_scheme="amber",
                        on_click=S.open_refund(order.id),
                        aria_label="Refund order " + order.reference,
                    ),
                ),
            ),
        ),
        data_testid="order-row",
    )


def _table() -> rx.Component:
    return rx.cond(
        S.order_rows.length() == 0,
        empty_card(
            rx.cond(
                (S.orders_status == "all") & (S.orders_search == ""),
                "No orders yet. They appear here as soon as someone registers or buys.",
                "No orders match these filters.",
            ),
            "receipt",
        ),
        scrolling_table(
            [
                *[
                    rx.table.column_header_cell(name)
                    for name in ("Buyer", "Reference", "Status", "Tickets", "Amount", "Your share", "Placed")
                ],
                rx.cond(
                    WorkspaceState.can_manage_billing,
                    rx.table.column_header_cell(rx.el.span("Actions", class_name="rt-sr-only")),
                ),
            ],
            rx.foreach(S.order_rows, _row),
            label="Orders",
        ),
    )


def _pager() -> rx.Component:
    return next_page_pager(
        total=S.orders_total,
        one=t("{count} order"),
        many=t("{count} orders"),
        page=S.orders_page,
        has_next=S.orders_has_next,
        turn=S.turn_page,
    )


def _refund_ticket(ticket: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=S.refund_selected.contains(ticket.id),
                on_change=lambda checked: S.toggle_refund_ticket(ticket.id, checked),
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


def _invalid_when(name: str) -> dict:
    return {"aria_invalid": rx.cond(S.refund_errors.contains(name), "true", "false"), "width": "100%"}


def _refund_field(name: str, label: rx.Component, control: rx.Component) -> rx.Component:
    """A refund dialog field: its label, its control, and the field's error under it."""
    return rx.vstack(
        label,
        control,
        rx.cond(
            S.refund_errors.contains(name),
            rx.text(S.refund_errors[name], color_scheme="red", size="2", role="alert"),
        ),
        width="100%",
        spacing="1",
    )


def _refund_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Refund order ", S.refund_order.reference),
            rx.dialog.description(
                "Up to ", S.refund_order.refundable, " can still be refunded. Tickets you tick stop working at once."
            ),
            rx.vstack(
                rx.cond(
                    S.refund_tickets.length() > 0,
                    rx.vstack(
                        rx.text("Tickets to cancel", weight="bold", size="2"),
                        rx.foreach(S.refund_tickets, _refund_ticket),
                        rx.cond(
                            S.refund_errors.contains("tickets"),
                            rx.text(S.refund_errors["tickets"], color_scheme="red", size="2", role="alert"),
                        ),
                        width="100%",
                        spacing="2",
                    ),
                ),
                _refund_field(
                    "amount",
                    rx.el.label("Amount (", S.refund_order.currency, ")", html_for="refund-amount", weight="bold"),
                    rx.input(
                        id="refund-amount", value=S.refund_amount, on_change=S.set_refund_amount, input_mode="decimal"
                    ),
                ),
                _refund_field(
                    "reason",
                    rx.el.label("Reason (the buyer sees it)", html_for="refund-reason", weight="bold"),
                    rx.text_area(
                        id="refund-reason", value=S.refund_reason, on_change=S.set_refund_reason, max_length=500
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Keep the order", variant="soft", color_scheme="gray")),
                    rx.button("Refund", color_scheme="amber", loading=S.refund_busy, on_click=S.submit_refund),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
                margin_top="12px",
            ),
            max_width="480px",
        ),
        open=S.refund_open,
        on_open_change=S.set_refund_open,
    )


def _refund_progress() -> rx.Component:
    return rx.cond(
        S.refund_progress.total > 0,
        rx.callout(
            rx.text(
                "Refunds after cancelling: ",
                rx.text.strong(S.refund_progress.processed),
                " of ",
                S.refund_progress.total,
                " processed · ",
                S.refund_progress.in_flight,
                " in progress · ",
                S.refund_progress.failed,
                " failed",
            ),
            icon="undo-2",
            color_scheme=rx.cond(S.refund_progress.failed > 0, "red", "blue"),
            width="100%",
            aria_label="Refund progress",
        ),
    )


def _refund_request(request: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(request.buyer, weight="bold"),
                    rx.code(request.reference, size="1"),
                    rx.text(request.amount, weight="medium"),
                    wrap="wrap",
                    align="center",
                ),
                rx.text(request.email, " · asked ", request.asked, size="1", color_scheme="gray"),
                rx.text("Tickets: ", rx.code(request.tickets), size="2"),
                rx.text("Reason: ", request.reason, size="2"),
                rx.cond(
                    request.policy != "",
                    rx.text(
                        "Policy when ordered: ",
                        request.policy,
                        size="2",
                        color_scheme="gray",
                        data_testid="request-policy",
                    ),
                ),
                rx.cond(
                    request.approve_refusal != "",
                    rx.text(request.approve_refusal, size="2", color_scheme="red"),
                ),
                spacing="1",
                flex="1 1 260px",
                min_width="0",
            ),
            rx.hstack(
                rx.cond(
                    request.can_approve & ~S.refund_second_factor.needed,
                    confirm_button(
                        "Approve",
                        "Approve this refund?",
                        "The chosen tickets stop working now, the money goes back through Paystack and the buyer "
                        "is emailed.",
                        "Approve and refund",
                        S.approve_request(request.id),
                        keep="Not yet",
                        color="amber",
                        size="1",
                    ),
                ),
                rx.button(
                    "Decline",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.open_decline(request.id, request.reference),
                    aria_label="Decline refund request for order " + request.reference,
                ),
                spacing="2",
            ),
            wrap="wrap",
            gap="12px",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="refund-request",
    )


def _refund_requests() -> rx.Component:
    """Buyers' refund requests waiting for an answer (admins and above; empty for the others)."""
    return rx.cond(
        S.refund_requests.length() > 0,
        rx.vstack(
            rx.heading("Refund requests (", S.refund_requests.length(), ")", size="4", as_="h2"),
            rx.foreach(S.refund_requests, _refund_request),
            spacing="2",
            width="100%",
            aria_label="Refund requests",
            role="region",
        ),
    )


def _decline_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Decline refund request for order ", S.decline_request.reference),
            rx.dialog.description("The buyer is emailed your reason; their tickets keep working."),
            rx.vstack(
                rx.el.label("Reason (the buyer sees it)", html_for="decline-reason", weight="bold"),
                rx.text_area(
                    id="decline-reason",
                    value=S.decline_reason,
                    on_change=S.set_decline_reason,
                    max_length=500,
                    aria_invalid=rx.cond(S.decline_error != "", "true", "false"),
                    width="100%",
                ),
                rx.cond(S.decline_error != "", rx.text(S.decline_error, color_scheme="red", size="2", role="alert")),
                rx.hstack(
                    rx.dialog.close(rx.button("Back", variant="soft", color_scheme="gray")),
                    rx.button("Decline request", color_scheme="red", loading=S.decline_busy, on_click=S.submit_decline),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="12px",
            ),
            max_width="480px",
        ),
        open=S.decline_open,
        on_open_change=S.set_decline_open,
    )


def orders_tab() -> rx.Component:
    return rx.vstack(
        _refund_dialog(),
        _decline_dialog(),
        answers_dialog(),
        _refund_progress(),
        rx.cond(
            WorkspaceState.can_manage_billing,
            second_factor_notice(S.refund_second_factor, "Refunds need two-factor sign-in"),
        ),
        _refund_requests(),
        waitlists_section(),
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
