"""The t("Webhooks") section of the workspace settings page (state/webhooks.py): the new endpoint's
signing secret (once), the form that adds one, the list, and each endpoint's delivery log."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.forms import form_error, settings_section, submit_button
from eventpalour.components.tables import scroll_region
from eventpalour.state.language import fill, t
from eventpalour.state.webhooks import EVENT_CHOICES, DeliveryRow, EventChoice, WebhookRow, WebhooksState

S = WebhooksState
LABEL = {"font-weight": "600", "font-size": "14px"}


def _new_secret() -> rx.Component:
    return rx.cond(
        S.new_secret != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("key-round")),
            rx.vstack(
                rx.text(
                    fill(t("Signing secret for {url}. Copy it now: it will not be shown again."), url=S.new_secret_url),
                    size="2",
                    overflow_wrap="anywhere",
                ),
                rx.code(S.new_secret, id="new-webhook-secret", overflow_wrap="anywhere", size="2"),
                rx.hstack(
                    rx.button(rx.icon("copy", size=14), t("Copy secret"), variant="soft", on_click=S.copy_secret),
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


def _event_box(choice: EventChoice) -> rx.Component:
    return rx.hstack(
        rx.el.input(
            id=choice.field,
            name=choice.field,
            type="checkbox",
            style={"width": "18px", "height": "18px", "accent_color": "var(--accent-9)", "cursor": "pointer"},
        ),
        rx.el.label(rx.code(choice.kind), " ", t(choice.label), html_for=choice.field, style={"font-size": "14px"}),
        spacing="2",
        align="center",
    )


def _error(name: str, error_id: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="2", role="alert", id=error_id),
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(S.form_error),
            rx.vstack(
                rx.el.label(t("Endpoint URL"), html_for="webhook-url", style=LABEL),
                rx.input(
                    id="webhook-url",
                    name="url",
                    type="url",
                    placeholder="https://example.com/eventpalour/webhooks",
                    size="3",
                    width="100%",
                    aria_invalid=rx.cond(S.field_errors.contains("url"), "true", "false"),
                    aria_describedby=rx.cond(S.field_errors.contains("url"), "webhook-url-error", ""),
                ),
                _error("url", "webhook-url-error"),
                spacing="1",
                width="100%",
                align="stretch",
            ),
            rx.el.fieldset(
                rx.el.legend(t("Events to send"), style={**LABEL, "margin-bottom": "4px"}),
                rx.vstack(*[_event_box(choice) for choice in EVENT_CHOICES], spacing="1"),
                style={"border": "none", "padding": "0", "margin": "0"},
            ),
            _error("events", "webhook-events-error"),
            rx.box(submit_button(t("Add webhook"), S.is_submitting, t("Adding…")), max_width="240px"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=S.register,
        reset_on_submit=False,
        width="100%",
    )


def _delivery(row: DeliveryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row.event_type, size="1")),
        rx.table.cell(rx.badge(row.status_label, color_scheme=rx.cond(row.delivered, "green", "gray"))),
        rx.table.cell(rx.text(row.answer, size="1", overflow_wrap="anywhere")),
        rx.table.cell(rx.text(row.queued, size="1")),
        rx.table.cell(
            rx.cond(
                row.can_resend,
                rx.button(
                    t("Resend"),
                    size="1",
                    variant="soft",
                    aria_label=fill(t("Resend delivery {number}"), number=row.id.to_string()),
                    on_click=S.resend(row.id),
                ),
            )
        ),
    )


def _log() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Delivery log")),
            rx.dialog.description(S.log_url, size="2", color_scheme="gray", overflow_wrap="anywhere"),
            rx.cond(
                S.log_loading,
                rx.hstack(rx.spinner(size="2"), rx.text(t("Loading deliveries…"), size="2"), align="center"),
                rx.cond(
                    S.deliveries.length() == 0,
                    rx.text(t("Nothing sent yet. Deliveries appear here as events happen."), size="2"),
                    scroll_region(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    rx.table.column_header_cell(t("Event")),
                                    rx.table.column_header_cell(t("Status")),
                                    rx.table.column_header_cell(t("Answer")),
                                    rx.table.column_header_cell(t("Queued")),
                                    rx.table.column_header_cell(rx.el.span(t("Actions"), class_name="rt-sr-only")),
                                )
                            ),
                            rx.table.body(rx.foreach(S.deliveries, _delivery)),
                            size="1",
                            width="100%",
                        ),
                        t("Deliveries"),
                    ),
                ),
            ),
            rx.hstack(
                rx.button(rx.icon("refresh-cw", size=14), t("Refresh"), variant="soft", on_click=S.refresh_log),
                rx.dialog.close(rx.button(t("Close"), variant="outline", color_scheme="gray")),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="760px",
        ),
        open=S.log_open,
        on_open_change=S.set_log_open,
    )


def _remove(row: WebhookRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                t("Remove"),
                color_scheme="red",
                variant="soft",
                size="1",
                aria_label=fill(t("Remove webhook {url}"), url=row.url),
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("Remove this webhook?")),
            rx.alert_dialog.description(fill(t("{url} receives nothing more. Its delivery log stays."), url=row.url)),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Keep it"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(t("Remove webhook"), color_scheme="red", on_click=S.remove(row.id))),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _endpoint(row: WebhookRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(row.url, weight="bold", overflow_wrap="anywhere"),
                rx.text(row.events, size="2"),
                rx.text(row.created, size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.hstack(
                rx.button(
                    t("Delivery log"),
                    size="1",
                    variant="outline",
                    aria_label=fill(t("Delivery log for {url}"), url=row.url),
                    on_click=S.open_log(row.id),
                ),
                rx.cond(row.can_remove, _remove(row), rx.badge(t("Removed"), color_scheme="gray")),
                wrap="wrap",
            ),
            justify="between",
            align="start",
            gap="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        role="listitem",
        aria_label=row.url,
    )


def _list() -> rx.Component:
    return rx.cond(
        ~S.loaded,
        rx.hstack(rx.spinner(size="2"), rx.text(t("Loading webhooks…"), size="2"), align="center"),
        rx.cond(
            S.load_problem != "",
            rx.callout(S.load_problem, icon="triangle-alert", color_scheme="red", role="alert"),
            rx.cond(
                S.endpoints.length() == 0,
                rx.text(t("No webhooks yet. Add one to hear about orders and check-ins as they happen."), size="2"),
                rx.vstack(
                    rx.foreach(S.endpoints, _endpoint), spacing="2", width="100%", role="list", aria_label=t("Webhooks")
                ),
            ),
        ),
    )


def webhooks_section() -> rx.Component:
    return settings_section(
        t("Webhooks"),
        t(
            "We POST each event to your URL as JSON, signed in the EventPalour-Signature header "
            "(t=timestamp, v1=HMAC-SHA256 of timestamp.body with the endpoint's secret), and retry for 24 hours."
        ),
        _new_secret(),
        _form(),
        rx.separator(),
        _list(),
        _log(),
    )
