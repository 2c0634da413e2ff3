"""/auth/sign-in: email and password, Google, or a passkey; returns to the page that asked."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import auth_card, checkbox_field, field, form_error, submit_button
from eventpalour.components.layout import page
from eventpalour.pages.sign_up import divider, google_button
from eventpalour.state.auth import SignInState
from eventpalour.state.language import t


def _code_step() -> rx.Component:
    """The second step with two-factor on: a code from the authenticator app, or a recovery code."""
    return rx.vstack(
        rx.form(
            rx.vstack(
                form_error(SignInState.form_error),
                field(
                    t("Authentication code"),
                    "code",
                    SignInState.field_errors,
                    placeholder="123456",
                    auto_complete="one-time-code",
                    input_mode="text",
                    hint=t("The 6-digit code your authenticator app shows, or one of your recovery codes."),
                    auto_focus=True,
                ),
                checkbox_field(
                    "trust_browser", SignInState.field_errors, t("Trust this browser for 30 days"), required=False
                ),
                submit_button(t("Verify"), SignInState.is_submitting, t("Checking…")),
                spacing="4",
                width="100%",
            ),
            on_submit=SignInState.submit_code,
            reset_on_submit=True,
            width="100%",
        ),
        rx.button(t("Use another account"), variant="ghost", on_click=SignInState.start_over, align_self="center"),
        spacing="3",
        width="100%",
    )


@page(routes.SIGN_IN, "Sign in", on_load=SignInState.load, form=SignInState, in_sitemap=True)
def sign_in() -> rx.Component:
    return rx.cond(
        SignInState.needs_code,
        auth_card(
            t("Two-factor sign-in"), t("Enter the code from your authenticator app to finish signing in."), _code_step()
        ),
        _password_step(),
    )


def _password_step() -> rx.Component:
    errors = SignInState.field_errors
    return auth_card(
        t("Welcome back"),
        t("Sign in to see your tickets and events."),
        rx.cond(
            SignInState.notice != "",
            rx.callout(SignInState.notice, icon="info", color_scheme="amber", width="100%"),
        ),
        google_button(SignInState.google_url),
        rx.button(
            rx.icon("key-round", size=18),
            t("Sign in with a passkey"),
            on_click=SignInState.start_passkey,
            loading=SignInState.passkey_busy,
            type="button",
            variant="outline",
            size="3",
            width="100%",
        ),
        divider(),
        rx.form(
            rx.vstack(
                form_error(SignInState.form_error),
                field(t("Email"), "email", errors, type_="email", placeholder="you@example.com", auto_complete="email"),
                field(t("Password"), "password", errors, type_="password", auto_complete="current-password"),
                rx.link(t("Forgot your password?"), href=routes.FORGOT, size="2", align_self="end"),
                submit_button(t("Sign in"), SignInState.is_submitting, t("Signing in…")),
                spacing="4",
                width="100%",
            ),
            on_submit=SignInState.submit,
            width="100%",
        ),
        rx.text(t("New to EventPalour? "), rx.link(t("Create an account"), href=SignInState.sign_up_link), size="2"),
    )
