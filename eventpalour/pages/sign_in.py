"""/auth/sign-in: email and password, or Google; returns to the page that asked."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import auth_card, field, form_error, submit_button
from eventpalour.components.layout import page
from eventpalour.pages.sign_up import divider, google_button
from eventpalour.state.auth import SignInState


@page(routes.SIGN_IN, "Sign in", form=SignInState, in_sitemap=True)
def sign_in() -> rx.Component:
    errors = SignInState.field_errors
    return auth_card(
        "Welcome back",
        "Sign in to see your tickets and events.",
        rx.cond(
            SignInState.notice != "",
            rx.callout(SignInState.notice, icon="info", color_scheme="amber", width="100%"),
        ),
        google_button(SignInState.google_url),
        divider(),
        rx.form(
            rx.vstack(
                form_error(SignInState.form_error),
                field("Email", "email", errors, type_="email", placeholder="you@example.com", auto_complete="email"),
                field("Password", "password", errors, type_="password", auto_complete="current-password"),
                rx.link("Forgot your password?", href=routes.FORGOT, size="2", align_self="end"),
                submit_button("Sign in", SignInState.is_submitting, "Signing in…"),
                spacing="4",
                width="100%",
            ),
            on_submit=SignInState.submit,
            width="100%",
        ),
        rx.text("New to EventPalour? ", rx.link("Create an account", href=SignInState.sign_up_link), size="2"),
    )
