"""/auth/reset/{token}: choose a new password from an emailed link."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import auth_card, field, form_error, submit_button
from eventpalour.components.layout import loading, page
from eventpalour.state.auth import ResetPasswordState
from eventpalour.state.language import t


def _form() -> rx.Component:
    errors = ResetPasswordState.field_errors
    return rx.form(
        rx.vstack(
            form_error(ResetPasswordState.form_error),
            field(
                t("New password"),
                "password",
                errors,
                type_="password",
                auto_complete="new-password",
                hint=t("At least 8 characters, not only digits."),
            ),
            field(
                t("Confirm new password"), "confirm_password", errors, type_="password", auto_complete="new-password"
            ),
            submit_button(t("Set new password"), ResetPasswordState.is_submitting, t("Saving…")),
            spacing="4",
            width="100%",
        ),
        on_submit=ResetPasswordState.submit,
        width="100%",
    )


@page(routes.RESET, "Choose a new password", on_load=ResetPasswordState.load, form=ResetPasswordState)
def reset() -> rx.Component:
    return rx.cond(
        ResetPasswordState.token_problem != "",
        auth_card(
            t("This link does not work"),
            ResetPasswordState.token_problem,
            rx.link(rx.button(t("Ask for a new link"), size="3", width="100%"), href=routes.FORGOT, width="100%"),
        ),
        rx.cond(
            ResetPasswordState.done,
            auth_card(
                t("Password changed"),
                t("Your new password is set, and every device was signed out."),
                rx.link(rx.button(t("Sign in"), size="3", width="100%"), href=routes.SIGN_IN, width="100%"),
            ),
            rx.cond(
                ResetPasswordState.token_email != "",
                auth_card(t("Choose a new password"), ResetPasswordState.token_email, _form()),
                loading(t("Checking your link…")),
            ),
        ),
    )
