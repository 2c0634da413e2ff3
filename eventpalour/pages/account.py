"""/account: profile, password, two-factor sign-in, passkeys, sessions, signing out of every device, the
policies agreed to, downloading my data and deleting the account."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.dialogs import confirm_button
from eventpalour.components.forms import field, form_error, settings_section, submit_button
from eventpalour.components.layout import page
from eventpalour.components.passkeys import passkeys_section
from eventpalour.components.ticket_card import file_link
from eventpalour.state.account import AccountState
from eventpalour.state.base import AuthState
from eventpalour.state.language import t
from eventpalour.state.passkeys import PasskeysState


def _profile() -> rx.Component:
    return settings_section(
        t("Profile"),
        t("Your name appears on tickets and in workspaces you join."),
        rx.hstack(
            rx.avatar(fallback=AuthState.user_initials, size="5", radius="full"),
            rx.vstack(
                rx.text(AuthState.user_email, weight="bold", overflow_wrap="anywhere"),
                rx.text("@", AccountState.username, size="2", color_scheme="gray"),
                rx.cond(
                    AuthState.is_verified,
                    rx.badge(t("Email verified"), color_scheme="green"),
                    rx.link(rx.badge(t("Not verified: enter your code"), color_scheme="amber"), href=routes.VERIFY),
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
                    t("Full name"),
                    "full_name",
                    AccountState.field_errors,
                    default_value=AccountState.full_name,
                    auto_complete="name",
                    key=AccountState.full_name,
                ),
                rx.button(t("Save profile"), type="submit", disabled=AccountState.is_submitting),
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
        t("Password"),
        t("Changing it signs out every other device."),
        rx.form(
            rx.vstack(
                field(
                    t("Current password"),
                    "current_password",
                    errors,
                    type_="password",
                    auto_complete="current-password",
                    hint=t("Leave empty if you only ever used Google."),
                ),
                field(t("New password"), "new_password", errors, type_="password", auto_complete="new-password"),
                field(
                    t("Confirm new password"),
                    "confirm_password",
                    errors,
                    type_="password",
                    auto_complete="new-password",
                ),
                submit_button(t("Change password"), AccountState.is_submitting, t("Saving…")),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _code_form(
    label: str | rx.Var,
    name: str,
    button: str | rx.Var,
    handler,  # noqa: ANN001
    hint: str | rx.Var,
    color: str = "",
) -> rx.Component:
    errors = AccountState.field_errors
    return rx.form(
        rx.vstack(
            field(label, name, errors, auto_complete="one-time-code", hint=hint),
            rx.button(button, type="submit", disabled=AccountState.is_submitting, color_scheme=color or None),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=handler,
        reset_on_submit=True,
        width="100%",
    )


def _recovery_codes() -> rx.Component:
    return rx.callout.root(
        rx.vstack(
            rx.text(t("Save your recovery codes now"), weight="bold"),
            rx.text(
                t("Each code signs you in once if you lose your phone. They are shown only this once."),
                size="2",
            ),
            rx.el.ul(
                rx.foreach(AccountState.recovery_codes, lambda code: rx.el.li(rx.code(code, size="3"))),
                aria_label=t("Recovery codes"),
                style={"columns": "2", "list-style": "none", "padding": "0", "margin": "0", "width": "100%"},
            ),
            rx.flex(
                rx.button(
                    rx.icon("download", size=16), t("Download .txt"), on_click=AccountState.download_recovery_codes
                ),
                rx.button(
                    rx.icon("copy", size=16), t("Copy codes"), variant="soft", on_click=AccountState.copy_recovery_codes
                ),
                rx.button(t("I saved them"), variant="outline", on_click=AccountState.hide_recovery_codes),
                gap="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        color_scheme="amber",
        width="100%",
    )


def _setup_steps() -> rx.Component:
    return rx.vstack(
        rx.text(
            t("1. Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy…)."), size="2"
        ),
        rx.image(
            src=AccountState.setup_qr,
            alt=t("QR code for your authenticator app"),
            width="200px",
            height="200px",
            background="white",
        ),
        rx.text(t("Or type this key into the app:"), size="2"),
        rx.code(AccountState.setup_secret, size="3", aria_label=t("Set-up key"), overflow_wrap="anywhere"),
        rx.text(t("2. Enter the 6-digit code the app shows to confirm."), size="2"),
        _code_form(
            t("Code from the app"),
            "setup_code",
            t("Turn on two-factor"),
            AccountState.confirm_two_factor,
            t("The code changes every 30 seconds."),
        ),
        rx.button(t("Cancel set-up"), variant="ghost", on_click=AccountState.cancel_two_factor_setup),
        spacing="3",
        width="100%",
        align="start",
    )


def _two_factor() -> rx.Component:
    return rx.box(
        settings_section(
            t("Two-factor sign-in"),
            t("After your password, sign-in asks for a code from an app on your phone."),
            rx.cond(
                AccountState.two_factor_reason != "",
                rx.callout(
                    AccountState.two_factor_reason + t(" A passkey (below) counts as two-factor too."),
                    icon="shield-alert",
                    color_scheme="amber",
                    width="100%",
                ),
            ),
            rx.cond(AccountState.recovery_codes.length() > 0, _recovery_codes()),
            rx.cond(
                AccountState.two_factor_enabled,
                rx.vstack(
                    rx.hstack(
                        rx.badge(t("On"), color_scheme="green"),
                        rx.text(t("Recovery codes left: "), AccountState.recovery_codes_left, size="2"),
                        align="center",
                    ),
                    _code_form(
                        t("Code to make new recovery codes"),
                        "renew_code",
                        t("New recovery codes"),
                        AccountState.renew_recovery_codes,
                        t("A current code from your authenticator app."),
                    ),
                    _code_form(
                        t("Code to turn two-factor off"),
                        "off_code",
                        t("Turn off two-factor"),
                        AccountState.turn_off_two_factor,
                        t("A current code from your app, or one of your recovery codes."),
                        color="red",
                    ),
                    spacing="4",
                    width="100%",
                    align="start",
                ),
                rx.cond(
                    AccountState.setup_secret != "",
                    _setup_steps(),
                    rx.vstack(
                        rx.badge(t("Off"), color_scheme="gray"),
                        rx.button(t("Set up two-factor sign-in"), on_click=AccountState.start_two_factor),
                        spacing="3",
                        align="start",
                    ),
                ),
            ),
        ),
        id="two-factor",
        width="100%",
    )


def _session_line(line) -> rx.Component:  # noqa: ANN001 - a SessionLine var
    return rx.box(
        rx.vstack(
            rx.text(line.device, size="2", weight="medium", overflow_wrap="anywhere"),
            rx.text(
                line.where,
                t(" · signed in "),
                line.signed_in,
                t(" · last used "),
                line.last_seen,
                size="1",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.cond(
                    line.two_factor,
                    rx.badge(t("Two-factor passed"), color_scheme="green"),
                    rx.badge(t("Password only"), color_scheme="gray"),
                ),
                rx.cond(line.is_current, rx.badge(t("This browser"), color_scheme="blue")),
                spacing="2",
            ),
            spacing="1",
        ),
        padding_y="2",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def _sessions() -> rx.Component:
    return settings_section(
        t("Sessions"),
        t("Lost a phone or used a shared computer? End every session, including this one."),
        form_error(AccountState.sessions_error),
        rx.el.ul(
            rx.foreach(AccountState.sessions, lambda line: rx.el.li(_session_line(line))),
            aria_label=t("Signed-in sessions"),
            style={"list-style": "none", "padding": "0", "margin": "0", "width": "100%"},
        ),
        confirm_button(
            t("Sign out everywhere"),
            t("Sign out of every device?"),
            t("You will need to sign in again on each device, this one included."),
            t("Sign out everywhere"),
            AccountState.sign_out_everywhere,
        ),
    )


def _policies() -> rx.Component:
    return settings_section(
        t("Policies"),
        t("What you agreed to when you made this account."),
        rx.text(AccountState.terms_summary, size="2"),
        rx.hstack(
            rx.link(t("Terms of service"), href=routes.LEGAL_TERMS, size="2"),
            rx.link(t("Privacy policy"), href=routes.LEGAL_PRIVACY, size="2"),
            spacing="4",
            wrap="wrap",
        ),
    )


def _your_data() -> rx.Component:
    return settings_section(
        t("Your data"),
        t(
            "Download everything we hold about you: your profile, sessions, passkeys, orders, tickets, transfers, "
            "workspaces, invitations, KYC filings and the audit entries about you."
        ),
        rx.flex(
            file_link(t("Download my data (JSON)"), "file-json", AccountState.export_json_url, download=True),
            file_link(t("Download orders and tickets (CSV)"), "file-down", AccountState.export_csv_url, download=True),
            gap="3",
            wrap="wrap",
        ),
    )


def _deletion_form() -> rx.Component:
    errors = AccountState.field_errors
    return rx.vstack(
        rx.button(
            rx.icon("mail", size=16),
            rx.cond(AccountState.deletion_code_sent, t("Send a new code"), t("Email me a code")),
            on_click=AccountState.send_deletion_code,
            loading=AccountState.is_sending_code,
            variant="soft",
            color_scheme="red",
            type="button",
        ),
        rx.form(
            rx.vstack(
                field(
                    t("Your email address"),
                    "email",
                    errors,
                    type_="email",
                    auto_complete="off",
                    hint=t("Type it exactly as your account's address, to confirm."),
                ),
                field(
                    t("Code from the email"),
                    "code",
                    errors,
                    auto_complete="one-time-code",
                    input_mode="numeric",
                    max_length=6,
                ),
                rx.button(
                    rx.cond(AccountState.is_submitting, t("Deleting…"), t("Delete my account")),
                    type="submit",
                    color_scheme="red",
                    disabled=AccountState.is_submitting,
                ),
                spacing="3",
                width="100%",
                align="start",
            ),
            on_submit=AccountState.delete_account,
            width="100%",
        ),
        spacing="3",
        width="100%",
        align="start",
    )


def _delete_account() -> rx.Component:
    return settings_section(
        t("Delete account"),
        t(
            "Deleting erases your name, email address, password, two-factor, passkeys and sessions, takes you out of "
            "every workspace and signs you out everywhere. It cannot be undone. Orders and payments stay in our "
            "records without your name, as tax law requires. You can sign up again with the same address."
        ),
        rx.cond(
            AccountState.deletion_checked,
            rx.cond(
                AccountState.can_delete,
                _deletion_form(),
                rx.callout(AccountState.deletion_refusal, icon="info", color_scheme="amber", width="100%"),
            ),
            rx.spinner(aria_label=t("Checking whether the account can be deleted")),
        ),
        danger=True,
    )


@page(
    routes.ACCOUNT,
    "Your account",
    on_load=[AccountState.load, PasskeysState.reset_form, PasskeysState.load],
    require="user",
    form=AccountState,
    width="760px",
)
def account() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Your account"), size="8", as_="h1"),
        form_error(AccountState.form_error),
        _profile(),
        _password(),
        _two_factor(),
        passkeys_section(),
        _sessions(),
        _policies(),
        _your_data(),
        _delete_account(),
        spacing="5",
        width="100%",
    )
