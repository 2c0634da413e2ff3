"""The t("API tokens") section of the workspace settings page (state/api_tokens.py): the new token's
secret (once), the form that makes one, and the list with Revoke."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.forms import form_error, settings_section, submit_button
from eventpalour.state.api_tokens import SCOPE_CHOICES, ApiTokenRow, ApiTokensState, ScopeChoice
from eventpalour.state.language import fill, t

S = ApiTokensState


def _new_secret() -> rx.Component:
    return rx.cond(
        S.new_secret != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("key-round")),
            rx.vstack(
                rx.text(
                    fill(t("Your new token {name}. Copy it now: it will not be shown again."), name=S.new_secret_name),
                    size="2",
                ),
                rx.code(S.new_secret, id="new-api-token", overflow_wrap="anywhere", size="2"),
                rx.hstack(
                    rx.button(rx.icon("copy", size=14), t("Copy token"), variant="soft", on_click=S.copy_secret),
                    rx.button(t("Done"), variant="outline", on_click=S.dismiss_secret),
                    wrap="wrap",
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="green",
            role="status",
            width="100%",
        ),
    )


def _scope_box(choice: ScopeChoice) -> rx.Component:
    return rx.hstack(
        rx.el.input(
            id=choice.field,
            name=choice.field,
            type="checkbox",
            style={"width": "18px", "height": "18px", "accent_color": "var(--accent-9)", "cursor": "pointer"},
        ),
        rx.el.label(rx.code(choice.scope), " ", t(choice.label), html_for=choice.field, style={"font-size": "14px"}),
        spacing="2",
        align="center",
    )


def _name_input() -> rx.Component:
    """The token's name. Its own id: the profile form above has a `name` field of its own."""
    return rx.vstack(
        rx.el.label(t("Token name"), html_for="api-token-name", style={"font-weight": "600", "font-size": "14px"}),
        rx.input(
            id="api-token-name",
            name="name",
            size="3",
            width="100%",
            max_length=80,
            aria_invalid=rx.cond(S.field_errors.contains("name"), "true", "false"),
            aria_describedby=rx.cond(S.field_errors.contains("name"), "api-token-name-error", "api-token-name-hint"),
        ),
        rx.cond(
            S.field_errors.contains("name"),
            rx.text(S.field_errors["name"], color_scheme="red", size="2", role="alert", id="api-token-name-error"),
            rx.text(
                t("Say which app uses it, like Door app or CRM sync."),
                size="1",
                color_scheme="gray",
                id="api-token-name-hint",
            ),
        ),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _create_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(S.form_error),
            _name_input(),
            rx.el.fieldset(
                rx.el.legend(t("Scopes"), style={"font-weight": "600", "font-size": "14px", "margin-bottom": "4px"}),
                rx.vstack(*[_scope_box(choice) for choice in SCOPE_CHOICES], spacing="1"),
                aria_describedby=rx.cond(S.field_errors.contains("scopes"), "scopes-error", ""),
                style={"border": "none", "padding": "0", "margin": "0"},
            ),
            rx.cond(
                S.field_errors.contains("scopes"),
                rx.text(S.field_errors["scopes"], color_scheme="red", size="2", role="alert", id="scopes-error"),
            ),
            rx.box(submit_button(t("Create token"), S.is_submitting, t("Creating…")), max_width="240px"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=S.create_token,
        reset_on_submit=False,
        width="100%",
    )


def _revoke(row: ApiTokenRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                t("Revoke"),
                color_scheme="red",
                variant="soft",
                size="1",
                aria_label=fill(t("Revoke {name}"), name=row.name),
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(fill(t("Revoke {name}?"), name=row.name)),
            rx.alert_dialog.description(t("Apps using this token can no longer call the API. This cannot be undone.")),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Keep it"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(t("Revoke token"), color_scheme="red", on_click=S.revoke_token(row.id))
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _token(row: ApiTokenRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(rx.text(row.name, weight="bold"), rx.code(row.hint, size="1"), wrap="wrap", align="center"),
                rx.text(row.scopes, size="2"),
                rx.text(row.created, size="1", color_scheme="gray"),
                rx.text(row.last_used, size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.cond(row.can_revoke, _revoke(row), rx.badge(t("Revoked"), color_scheme="gray")),
            justify="between",
            align="start",
            gap="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        role="listitem",
        aria_label=row.name,
    )


def _list() -> rx.Component:
    return rx.cond(
        ~S.loaded,
        rx.hstack(rx.spinner(size="2"), rx.text(t("Loading tokens…"), size="2"), align="center"),
        rx.cond(
            S.load_problem != "",
            rx.callout(S.load_problem, icon="triangle-alert", color_scheme="red", role="alert"),
            rx.cond(
                S.tokens.length() == 0,
                rx.text(t("No tokens yet. Make one to connect an app to the API."), size="2", color_scheme="gray"),
                rx.vstack(
                    rx.foreach(S.tokens, _token), spacing="2", width="100%", role="list", aria_label=t("API tokens")
                ),
            ),
        ),
    )


def api_tokens_section() -> rx.Component:
    return settings_section(
        t("API tokens"),
        t(
            "Let your own apps read events, orders and attendees and check people in, through /api/v1 "
            "(documented at /api/docs). A token acts for this workspace only."
        ),
        _new_secret(),
        _create_form(),
        rx.separator(),
        _list(),
    )
