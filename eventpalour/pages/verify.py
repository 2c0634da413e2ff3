"""/auth/verify: enter the 6-digit code from the verification email."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import auth_card, field, form_error, submit_button
from eventpalour.components.layout import page
from eventpalour.state.auth import VerifyState
from eventpalour.state.base import AuthState
from eventpalour.state.language import t


@page(routes.VERIFY, "Verify your email", on_load=VerifyState.load, require="user", form=VerifyState)
def verify() -> rx.Component:
    return auth_card(
        t("Check your email"),
        rx.text.span(
            t("We sent a 6-digit code to "), rx.text.strong(AuthState.user_email), t(". It is valid for 15 minutes.")
        ),
        rx.form(
            rx.vstack(
                form_error(VerifyState.form_error),
                field(
                    t("Verification code"),
                    "code",
                    VerifyState.field_errors,
                    placeholder="123456",
                    auto_complete="one-time-code",
                    input_mode="numeric",
                    max_length=6,
                ),
                submit_button(t("Verify email"), VerifyState.is_submitting, t("Checking…")),
                spacing="4",
                width="100%",
            ),
            on_submit=VerifyState.submit,
            width="100%",
        ),
        rx.hstack(
            rx.text(t("No email?"), size="2", color_scheme="gray"),
            rx.button(t("Send a new code"), variant="ghost", size="2", on_click=VerifyState.resend),
            align="center",
        ),
    )
