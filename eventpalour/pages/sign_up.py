"""/auth/sign-up: create an account with email and password, or with Google."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import auth_card, checkbox_field, field, form_error, policy_link, submit_button
from eventpalour.components.layout import page
from eventpalour.state.auth import SignInState, SignUpState
from eventpalour.state.language import t


def google_button(url: rx.Var | str) -> rx.Component:
    """Continue with Google, and what continuing means: the service records the agreement
    (`identity.sign_in_with_google`), so the words sit right under the button."""
    return rx.vstack(
        _google_link(url),
        rx.text(
            t("By continuing with Google you agree to the "),
            policy_link(t("Terms"), routes.LEGAL_TERMS),
            t(" and the "),
            policy_link(t("Privacy policy"), routes.LEGAL_PRIVACY),
            ".",
            size="1",
            color_scheme="gray",
            text_align="center",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _google_link(url: rx.Var | str) -> rx.Component:
    return rx.link(
        rx.button(
            rx.image(src="/google.svg", width="18px", height="18px", alt=""),
            t("Continue with Google"),
            variant="outline",
            size="3",
            width="100%",
        ),
        href=url,
        # A full page load: the start URL is an API route, which client-side routing would show as a 404.
        reload_document=True,
        width="100%",
        underline="none",
    )


def divider() -> rx.Component:
    return rx.hstack(
        rx.separator(size="4"),
        rx.text(t("or"), size="1", color_scheme="gray"),
        rx.separator(size="4"),
        align="center",
        width="100%",
    )


@page(routes.SIGN_UP, "Create your account", form=SignUpState, in_sitemap=True)
def sign_up() -> rx.Component:
    errors = SignUpState.field_errors
    return auth_card(
        t("Create your account"),
        t("Buy tickets in seconds, or run events with your team."),
        google_button(SignInState.google_url),
        divider(),
        rx.form(
            rx.vstack(
                form_error(SignUpState.form_error),
                field(t("Full name"), "full_name", errors, placeholder=t("Amina Wanjiru"), auto_complete="name"),
                field(t("Email"), "email", errors, type_="email", placeholder="you@example.com", auto_complete="email"),
                field(
                    t("Password"),
                    "password",
                    errors,
                    type_="password",
                    auto_complete="new-password",
                    hint=t("At least 8 characters, not only digits."),
                ),
                checkbox_field(
                    "accept_terms",
                    errors,
                    t("I agree to the "),
                    policy_link(t("Terms"), routes.LEGAL_TERMS),
                    t(" and the "),
                    policy_link(t("Privacy policy"), routes.LEGAL_PRIVACY),
                ),
                submit_button(t("Create account"), SignUpState.is_submitting, t("Creating your account…")),
                spacing="4",
                width="100%",
            ),
            on_submit=SignUpState.submit,
            width="100%",
        ),
        rx.text(t("Already have an account? "), rx.link(t("Sign in"), href=SignInState.sign_in_link), size="2"),
    )
