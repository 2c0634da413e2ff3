"""/auth/forgot: ask for a password reset link."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import auth_card, field, form_error, submit_button
from eventpalour.components.layout import page
from eventpalour.state.auth import ForgotPasswordState
from eventpalour.state.language import t


@page(routes.FORGOT, "Reset your password", on_load=ForgotPasswordState.start_over, form=ForgotPasswordState)
def forgot() -> rx.Component:
    return auth_card(
        t("Forgot your password?"),
        t("Enter your email and we will send you a link to choose a new one."),
        rx.cond(
            ForgotPasswordState.sent_to != "",
            rx.callout(
                t("If an account exists for that address, a reset link is on its way. It works for one hour."),
                icon="mail-check",
                color_scheme="green",
                role="status",
                width="100%",
            ),
            rx.form(
                rx.vstack(
                    form_error(ForgotPasswordState.form_error),
                    field(
                        t("Email"),
                        "email",
                        ForgotPasswordState.field_errors,
                        type_="email",
                        placeholder="you@example.com",
                        auto_complete="email",
                    ),
                    submit_button(t("Send reset link"), ForgotPasswordState.is_submitting, t("Sending…")),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.submit,
                width="100%",
            ),
        ),
        rx.link(t("Back to sign in"), href=routes.SIGN_IN, size="2"),
    )
