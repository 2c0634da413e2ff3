"""The Orders tab's "Edit answers" dialog (#19 §3): the order's questions prefilled with its answers,
each field drawn as at checkout, with the error under it."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.checkout_answers import answers_form
from eventpalour.state.language import t
from eventpalour.state.order_answers import OrderAnswersState as S


def edit_answers_button(order_id: rx.Var, reference: rx.Var) -> rx.Component:
    return rx.button(
        rx.icon("pencil", size=14),
        t("Edit answers"),
        size="1",
        variant="ghost",
        on_click=S.open_answers(order_id),
        aria_label=t("Edit answers of order ") + reference,
        width="fit-content",
    )


def my_answers_button(order_id: rx.Var, reference: rx.Var) -> rx.Component:
    """The buyer's "Edit answers" on /account/orders (until the event starts)."""
    return rx.button(
        rx.icon("pencil", size=14),
        t("Edit answers"),
        size="2",
        variant="soft",
        on_click=S.open_my_answers(order_id),
        aria_label=t("Edit answers of order ") + reference,
        width="fit-content",
    )


def answers_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Answers of order "), S.answers_reference),
            rx.dialog.description(t("Changes are checked as at checkout and recorded in the audit log.")),
            rx.vstack(
                rx.cond(
                    S.answers_refusal != "",
                    rx.callout(S.answers_refusal, icon="info", color_scheme="gray", width="100%"),
                ),
                answers_form(S),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray")),
                    rx.button(
                        t("Save answers"),
                        loading=S.answers_busy,
                        disabled=S.answers_refusal != "",
                        on_click=S.save_answers,
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
                margin_top="12px",
            ),
            max_width="520px",
        ),
        open=S.answers_open,
        on_open_change=S.set_answers_open,
    )
