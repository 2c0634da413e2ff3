"""The account page's "Passkeys" card: add one (named), rename or remove each, when made and last used."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.dialogs import confirm_button
from eventpalour.components.forms import field, form_error, settings_section
from eventpalour.state.language import t
from eventpalour.state.passkeys import PasskeyLine, PasskeysState


def _line(line: PasskeyLine) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.hstack(rx.icon("key-round", size=16), rx.text(line.name, weight="medium"), align="center"),
            rx.text(t("Added "), line.created, t(" · last used "), line.last_used, size="1", color_scheme="gray"),
            spacing="1",
            min_width="0",
        ),
        rx.hstack(
            rx.button(
                t("Rename"),
                variant="soft",
                size="1",
                aria_label=t("Rename ") + line.name,
                on_click=PasskeysState.open_rename(line.id, line.name),
            ),
            confirm_button(
                t("Remove"),
                t("Remove this passkey?"),
                t("You will no longer be able to sign in with it. The device keeps it until you delete it there."),
                t("Remove passkey"),
                PasskeysState.remove(line.id),
                size="1",
            ),
            spacing="2",
        ),
        justify="between",
        align="center",
        gap="3",
        wrap="wrap",
        padding_y="2",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def _list() -> rx.Component:
    return rx.cond(
        ~PasskeysState.loaded,
        rx.spinner(aria_label=t("Loading passkeys")),
        rx.cond(
            PasskeysState.load_error != "",
            rx.callout(PasskeysState.load_error, icon="triangle-alert", color_scheme="red", width="100%"),
            rx.cond(
                PasskeysState.passkeys.length() > 0,
                rx.el.ul(
                    rx.foreach(PasskeysState.passkeys, lambda line: rx.el.li(_line(line))),
                    aria_label=t("Passkeys"),
                    style={"list-style": "none", "padding": "0", "margin": "0", "width": "100%"},
                ),
                rx.text(t("No passkeys yet."), size="2", color_scheme="gray"),
            ),
        ),
    )


def _add_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                t("Passkey name"),
                "passkey_name",
                PasskeysState.field_errors,
                placeholder=t("Work laptop"),
                max_length=60,
                hint=t("Name it after the device or password manager that keeps it."),
                key=PasskeysState.added,
            ),
            rx.button(
                rx.icon("plus", size=16),
                t("Add a passkey"),
                type="submit",
                loading=PasskeysState.is_submitting,
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=PasskeysState.start_adding,
        width="100%",
    )


def _rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Rename passkey")),
            rx.form(
                rx.vstack(
                    field(
                        t("New name"),
                        "new_passkey_name",
                        PasskeysState.field_errors,
                        default_value=PasskeysState.renaming_name,
                        max_length=60,
                        key=PasskeysState.renaming_id,
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray", type="button")),
                        rx.button(t("Save name"), type="submit", loading=PasskeysState.is_submitting),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=PasskeysState.rename,
                width="100%",
            ),
        ),
        open=PasskeysState.renaming_id != "",
        on_open_change=PasskeysState.close_rename,
    )


def passkeys_section() -> rx.Component:
    return rx.box(
        settings_section(
            t("Passkeys"),
            t(
                "Sign in with your fingerprint, face or device PIN instead of a password. A passkey counts as "
                "two-factor sign-in on its own."
            ),
            form_error(PasskeysState.form_error),
            _list(),
            _add_form(),
            _rename_dialog(),
        ),
        id="passkeys",
        width="100%",
    )
