"""The withdrawal request dialog (bank account or M-Pesa, with an error under each field) and the
history of a workspace's withdrawals."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.forms import field, form_error, submit_button
from eventpalour.components.tables import scrolling_table
from eventpalour.state.billing import BillingState
from eventpalour.state.language import fill, t

S = BillingState


def _choice(label: str | rx.Var, name: str, options: rx.Var, value: rx.Var, on_change: rx.EventHandler) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"field-{name}", style={"font-weight": "600", "font-size": "14px"}),
        rx.select(options, value=value, on_change=on_change, id=f"field-{name}", size="3", width="100%"),
        rx.cond(
            S.field_errors.contains(name),
            rx.text(S.field_errors[name], color_scheme="red", size="2", role="alert"),
        ),
        spacing="1",
        width="100%",
    )


def _method() -> rx.Component:
    return rx.vstack(
        rx.text(t("Pay out to"), weight="bold", size="2"),
        rx.radio_group.root(
            rx.hstack(
                rx.el.label(
                    rx.radio_group.item(value="bank"), t("Bank account"), style={"display": "flex", "gap": "6px"}
                ),
                rx.el.label(rx.radio_group.item(value="mpesa"), "M-Pesa", style={"display": "flex", "gap": "6px"}),
                spacing="5",
            ),
            value=S.withdraw_method,
            on_change=S.pick_withdraw_method,
            custom_attrs={"aria-label": t("Pay out to")},
        ),
        rx.cond(
            S.field_errors.contains("method"),
            rx.text(S.field_errors["method"], color_scheme="red", size="2", role="alert"),
        ),
        spacing="2",
        width="100%",
    )


def _destination() -> rx.Component:
    errors = S.field_errors
    return rx.cond(
        S.withdraw_method == "mpesa",
        field(t("M-Pesa phone number"), "phone_number", errors, type_="tel", placeholder="0712 345 678"),
        rx.vstack(
            field(t("Bank name"), "bank_name", errors, placeholder=t("KCB Bank")),
            field(t("Account number"), "account_number", errors, placeholder="1234567890"),
            field(t("Account name"), "account_name", errors, placeholder=t("As the bank has it")),
            spacing="3",
            width="100%",
        ),
    )


def withdrawal_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("banknote", size=16), t("Request withdrawal"), size="3")),
        rx.dialog.content(
            rx.dialog.title(t("Request a withdrawal")),
            rx.dialog.description(
                t("Finance pays approved withdrawals within two business days."), size="2", color_scheme="gray"
            ),
            rx.form(
                rx.vstack(
                    form_error(S.form_error),
                    _choice(
                        t("Currency"), "currency", S.balance_currencies, S.withdraw_currency, S.pick_withdraw_currency
                    ),
                    field(t("Amount"), "amount", S.field_errors, placeholder="1,000.00", input_mode="decimal"),
                    rx.text(
                        fill(
                            t("Available: {available} · minimum {minimum}"),
                            available=S.withdraw_available,
                            minimum=S.withdraw_minimum,
                        ),
                        size="1",
                        color_scheme="gray",
                        margin_top="-12px",
                    ),
                    _method(),
                    _destination(),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray", type="button")),
                        rx.box(submit_button(t("Request withdrawal"), S.is_submitting, t("Sending…"))),
                        justify="end",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=S.request_withdrawal,
                reset_on_submit=False,
                margin_top="12px",
            ),
            max_width="480px",
        ),
        open=S.withdraw_open,
        on_open_change=S.set_withdraw_open,
    )


def _row(w: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(w.requested, white_space="nowrap"),
        rx.table.cell(w.amount, white_space="nowrap"),
        rx.table.cell(w.destination),
        rx.table.cell(status_badge(w.status, "money", w.status_label)),
        rx.table.cell(w.note, display=["none", "table-cell"]),
        data_testid="withdrawal-row",
    )


def withdrawal_history() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Withdrawals"), size="4", as_="h2"),
        rx.cond(
            S.withdrawal_rows.length() == 0,
            rx.card(rx.text(t("No withdrawals yet."), color_scheme="gray"), width="100%"),
            scrolling_table(
                [
                    rx.table.column_header_cell(t("Requested")),
                    rx.table.column_header_cell(t("Amount")),
                    rx.table.column_header_cell(t("To")),
                    rx.table.column_header_cell(t("Status")),
                    rx.table.column_header_cell(t("Reference or reason"), display=["none", "table-cell"]),
                ],
                rx.foreach(S.withdrawal_rows, _row),
                label=t("Withdrawals"),
            ),
        ),
        spacing="3",
        width="100%",
    )
