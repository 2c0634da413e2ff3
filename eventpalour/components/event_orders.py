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
from eventpalour.services.platform import N_
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.language import fill, t
from eventpalour.state.workspace import WorkspaceState

S = EventOrdersState
FILTERS = [("all", N_("All")), ("paid", N_("Paid")), ("awaiting", N_("Awaiting payment")), ("refunded", N_("Refunded"))]
COLUMNS = (N_("Buyer"), N_("Reference"), N_("Status"), N_("Tickets"), N_("Amount"), N_("Your share"), N_("Placed"))
FILTERS += [("failed", N_("Failed")), ("cancelled", N_("Cancelled"))]


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
        _stat(t("Paid orders"), S.order_totals.paid_orders),
        _stat(t("Tickets sold"), S.order_totals.tickets),
        _stat(t("Gross"), S.order_totals.gross),
        _stat(t("Discounts given"), S.order_totals.discounts),
        _stat(t("Platform fees"), S.order_totals.platform_fees),
        _stat(t("Paystack fees"), S.order_totals.provider_fees),
        _stat(t("Refunded"), S.order_totals.refunds),
        _stat(t("Net to you"), S.order_totals.net),
        wrap="wrap",
        gap="12px",
        width="100%",
        aria_label=t("Sales totals"),
    )


def _toolbar() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.select.root(
                rx.select.trigger(custom_attrs={"aria-label": t("Order status")}),
                rx.select.content(*[rx.select.item(t(label), value=value) for value, label in FILTERS]),
                value=S.orders_status,
                on_change=S.filter_status,
            ),
            rx.input(
                name="search",
                placeholder=t("Reference, email or name"),
                default_value=S.orders_search,
                aria_label=t("Search orders"),
                flex="1 1 200px",
                max_width="320px",
            ),
            rx.button(t("Search"), type="submit", variant="soft"),
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
                        t("Cancel"),
                        t("Cancel this registration?"),
                        t("The guest's tickets stop working, the seats come back and the guest is emailed."),
                        t("Cancel registration"),
                        S.cancel_registration(order.id),
                        keep=t("Keep it"),
                        size="1",
                    ),
                ),
                rx.cond(
                    order.can_refund & ~S.refund_second_factor.needed,
                    rx.button(
                        t("Refund"),
                        size="1",
                        variant="soft",
                        color_scheme="amber",
                        on_click=S.open_refund(order.id),
                        aria_label=fill(t("Refund order {reference}"), reference=order.reference),
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
                t("No orders yet. They appear here as soon as someone registers or buys."),
                t("No orders match these filters."),
            ),
            "receipt",
        ),
        scrolling_table(
            [
                *[rx.table.column_header_cell(t(name)) for name in COLUMNS],
                rx.cond(
                    WorkspaceState.can_manage_billing,
                    rx.table.column_header_cell(rx.el.span(t("Actions"), class_name="rt-sr-only")),
                ),
            ],
            rx.foreach(S.order_rows, _row),
            label=t("Orders"),
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
            rx.dialog.title(fill(t("Refund order {reference}"), reference=S.refund_order.reference)),
            rx.dialog.description(
                fill(
                    t("Up to {amount} can still be refunded. Tickets you tick stop working at once."),
                    amount=S.refund_order.refundable,
                ),
            ),
            rx.vstack(
                rx.cond(
                    S.refund_tickets.length() > 0,
                    rx.vstack(
                        rx.text(t("Tickets to cancel"), weight="bold", size="2"),
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
                    rx.el.label(
                        fill(t("Amount ({currency})"), currency=S.refund_order.currency),
                        html_for="refund-amount",
                        weight="bold",
                    ),
                    rx.input(
                        id="refund-amount", value=S.refund_amount, on_change=S.set_refund_amount, input_mode="decimal"
                    ),
                ),
                _refund_field(
                    "reason",
                    rx.el.label(t("Reason (the buyer sees it)"), html_for="refund-reason", weight="bold"),
                    rx.text_area(
                        id="refund-reason", value=S.refund_reason, on_change=S.set_refund_reason, max_length=500
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Keep the order"), variant="soft", color_scheme="gray")),
                    rx.button(t("Refund"), color_scheme="amber", loading=S.refund_busy, on_click=S.submit_refund),
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
                fill(
                    t(
                        "Refunds after cancelling: {processed} of {total} processed · {in_flight} in progress · "
                        "{failed} failed"
                    ),
                    processed=S.refund_progress.processed,
                    total=S.refund_progress.total,
                    in_flight=S.refund_progress.in_flight,
                    failed=S.refund_progress.failed,
                ),
            ),
            icon="undo-2",
            color_scheme=rx.cond(S.refund_progress.failed > 0, "red", "blue"),
            width="100%",
            aria_label=t("Refund progress"),
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
                rx.text(
                    fill(t("{email} · asked {when}"), email=request.email, when=request.asked),
                    size="1",
                    color_scheme="gray",
                ),
                rx.text(t("Tickets: "), rx.code(request.tickets), size="2"),
                rx.text(t("Reason: "), request.reason, size="2"),
                rx.cond(
                    request.policy != "",
                    rx.text(
                        t("Policy when ordered: "),
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
                        t("Approve"),
                        t("Approve this refund?"),
                        t(
                            "The chosen tickets stop working now, the money goes back through Paystack and the buyer "
                            "is emailed."
                        ),
                        t("Approve and refund"),
                        S.approve_request(request.id),
                        keep=t("Not yet"),
                        color="amber",
                        size="1",
                    ),
                ),
                rx.button(
                    t("Decline"),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.open_decline(request.id, request.reference),
                    aria_label=fill(t("Decline refund request for order {reference}"), reference=request.reference),
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
            rx.heading(
                fill(t("Refund requests ({count})"), count=S.refund_requests.length().to_string()), size="4", as_="h2"
            ),
            rx.foreach(S.refund_requests, _refund_request),
            spacing="2",
            width="100%",
            aria_label=t("Refund requests"),
            role="region",
        ),
    )


def _decline_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                fill(t("Decline refund request for order {reference}"), reference=S.decline_request.reference)
            ),
            rx.dialog.description(t("The buyer is emailed your reason; their tickets keep working.")),
            rx.vstack(
                rx.el.label(t("Reason (the buyer sees it)"), html_for="decline-reason", weight="bold"),
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
                    rx.dialog.close(rx.button(t("Back"), variant="soft", color_scheme="gray")),
                    rx.button(
                        t("Decline request"), color_scheme="red", loading=S.decline_busy, on_click=S.submit_decline
                    ),
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
            second_factor_notice(S.refund_second_factor, t("Refunds need two-factor sign-in")),
        ),
        _refund_requests(),
        waitlists_section(),
        rx.cond(
            S.orders_problem != "",
            rx.callout(S.orders_problem, icon="triangle-alert", color_scheme="red"),
            rx.cond(
                ~S.orders_loaded & (S.order_rows.length() == 0),
                rx.center(rx.spinner(), padding="32px", role="status", aria_label=t("Loading orders")),
                rx.vstack(_totals(), _toolbar(), _table(), _pager(), spacing="4", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
    )
