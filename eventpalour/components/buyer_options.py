"""The manage page's "Who can buy" section (#24 §1)."""

from __future__ import annotations

import reflex as rx

from eventpalour.state.buyer_options import EventBuyerOptionsState
from eventpalour.state.language import t

S = EventBuyerOptionsState


def _switch(label: str, hint: str, checked: rx.Var, on_change, disabled: rx.Var, switch_id: str) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        rx.switch(
            id=switch_id,
            checked=checked,
            on_change=on_change,
            disabled=disabled,
            aria_describedby=f"{switch_id}-hint",
        ),
        rx.vstack(
            rx.el.label(label, html_for=switch_id, style={"font-weight": "600", "font-size": "14px"}),
            rx.text(hint, size="1", color_scheme="gray", id=f"{switch_id}-hint"),
            spacing="1",
        ),
        align="start",
        spacing="3",
        width="100%",
    )


def buyer_options_section() -> rx.Component:
    return rx.vstack(
        _switch(
            t("Buyers must have an account"),
            t("Hides “Continue as guest”: every buyer signs in (or signs up) before getting tickets."),
            S.requires_account,
            S.set_requires_account,
            ~S.can_edit | S.is_saving,
            "buyers-require-account",
        ),
        _switch(
            t("Ask guest buyers for a phone number"),
            t("Guests give a phone number besides their name and email."),
            S.asks_phone,
            S.set_asks_phone,
            ~S.can_edit | S.is_saving | S.requires_account,
            "buyers-ask-phone",
        ),
        spacing="3",
        width="100%",
    )
