"""/account: profile, password, and signing out of every device."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.dialogs import confirm_button
from eventpalour.components.forms import field, form_error, settings_section, submit_button
from eventpalour.components.layout import page
from eventpalour.state.account import AccountState
from eventpalour.state.base import AuthState


def _profile() -> rx.Component:
    return settings_section(
        "Profile",
        "Your name appears on tickets and in workspaces you join.",
        rx.hstack(
            rx.avatar(fallback=AuthState.user_initials, size="5", radius="full"),
            rx.vstack(
                rx.text(AuthState.user_email, weight="bold", overflow_wrap="anywhere"),
                rx.text("@", AccountState.username, size="2", color_scheme="gray"),
                rx.cond(
                    AuthState.is_verified,
                    rx.badge("Email verified", color_scheme="green"),
                    rx.link(rx.badge("Not verified: enter your code", color_scheme="amber"), href=routes.VERIFY),
                ),
                spacing="1",
                min_width="0",
            ),
            align="center",
            spacing="4",
        ),
        rx.form(
            rx.vstack(
                field(
                    "Full name",
                    "full_name",
                    AccountState.field_errors,
                    default_value=AccountState.full_name,
                    auto_complete="name",
                    key=AccountState.full_name,
                ),
                rx.button("Save profile", type="submit", disabled=AccountState.is_submitting),
                spacing="3",
                width="100%",
                align="start",
            ),
            on_submit=AccountState.save_profile,
            width="100%",
        ),
    )


def _password() -> rx.Component:
    errors = AccountState.field_errors
    return settings_section(
        "Password",
        "Changing it signs out every other device.",
        rx.form(
            rx.vstack(
                field(
                    "Current password",
                    "current_password",
                    errors,
                    type_="password",
                    auto_complete="current-password",
                    hint="Leave empty if you only ever used Google.",
                ),
                field("New password", "new_password", errors, type_="password", auto_complete="new-password"),
                field(
                    "Confirm new password", "confirm_password", errors, type_="password", auto_complete="new-password"
                ),
                submit_button("Change password", AccountState.is_submitting, "Saving…"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _sessions() -> rx.Component:
    return settings_section(
        "Sessions",
        "Lost a phone or used a shared computer? End every session, including this one.",
        confirm_button(
            "Sign out everywhere",
            "Sign out of every device?",
            "You will need to sign in again on each device, this one included.",
            "Sign out everywhere",
            AccountState.sign_out_everywhere,
        ),
    )


@page(routes.ACCOUNT, "Your account", on_load=AccountState.load, require="user", form=AccountState, width="760px")
def account() -> rx.Component:
    return rx.vstack(
        rx.heading("Your account", size="8", as_="h1"),
        form_error(AccountState.form_error),
        _profile(),
        _password(),
        _sessions(),
        spacing="5",
        width="100%",
    )
