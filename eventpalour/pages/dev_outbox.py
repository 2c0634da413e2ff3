"""/dev/outbox: emails and text messages captured in development (no SMTP configured, SMS through
the built-in sandbox), newest first."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import loading, page
from eventpalour.services.platform import N_
from eventpalour.state.dev import DevOutboxState
from eventpalour.state.language import fill, t


def _email(captured: rx.Var) -> rx.Component:
    email = captured.email
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(email.subject, size="3", as_="h2"),
                rx.spacer(),
                rx.badge(email.status, color_scheme=rx.cond(captured.sent, "green", "amber")),
                width="100%",
                wrap="wrap",
            ),
            rx.text(
                rx.cond(
                    captured.sms,
                    fill(
                        t("SMS to {phone} for {email} · {when}"),
                        phone=email.to_phone,
                        email=email.to_email,
                        when=email.created_at,
                    ),
                    fill(t("To {email} · {when}"), email=email.to_email, when=email.created_at),
                ),
                rx.cond(email.last_error != "", fill(t(" · last try: {error}"), error=email.last_error), ""),
                size="2",
                color_scheme="gray",
            ),
            rx.code_block(email.text_body, language="markdown", wrap_long_lines=True, width="100%"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="outbox-email",
    )


def _text(received: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge("SMS", color_scheme="blue"),
                rx.text.strong(received.number),
                rx.spacer(),
                rx.badge(received.status, color_scheme=rx.cond(received.delivered, "green", "red")),
                width="100%",
                wrap="wrap",
            ),
            rx.text(received.message, size="3", style={"overflow-wrap": "anywhere"}),
            rx.text(received.message_id, " · ", received.created_at, size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="outbox-sms",
    )


def _texts() -> rx.Component:
    """What the SMS sandbox received (nothing listed when Africa's Talking sends the messages)."""
    return rx.cond(
        DevOutboxState.texts.length() > 0,
        rx.vstack(
            rx.heading(t("Text messages (SMS sandbox)"), size="4", as_="h2"),
            rx.foreach(DevOutboxState.texts, _text),
            rx.heading(t("Outbox: emails and text messages"), size="4", as_="h2"),
            spacing="3",
            width="100%",
            aria_label=t("Text messages"),
            role="region",
        ),
    )


@page(routes.DEV_OUTBOX, N_("Development outbox"), on_load=DevOutboxState.load, width="900px")
def dev_outbox() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Development outbox"), size="7", as_="h1"),
        rx.text(
            t(
                "Emails the app would have sent, and the text messages the SMS sandbox received. Shown only in "
                "development, when no SMTP server is set, and only in a browser on the machine running the app "
                "(localhost) unless DEV_OUTBOX_PUBLIC=yes."
            ),
            color_scheme="gray",
        ),
        rx.hstack(
            rx.input(
                placeholder=t("Filter by recipient email"),
                on_blur=DevOutboxState.set_filter,
                aria_label=t("Filter by recipient"),
                width="100%",
                max_width="360px",
            ),
            rx.button(rx.icon("refresh-cw", size=16), t("Refresh"), on_click=DevOutboxState.load, variant="soft"),
            width="100%",
        ),
        rx.cond(
            ~DevOutboxState.loaded,
            loading(),
            rx.cond(
                ~DevOutboxState.enabled,
                rx.callout(t("The outbox is off: emails are sent through SMTP."), icon="info", width="100%"),
                rx.cond(
                    DevOutboxState.only_local,
                    rx.callout(
                        t(
                            "The outbox is shown only in a browser on the machine running the app: open this page "
                            "there (at localhost), or start the app with DEV_OUTBOX_PUBLIC=yes."
                        ),
                        icon="lock",
                        color_scheme="amber",
                        width="100%",
                        role="alert",
                    ),
                    rx.vstack(
                        _texts(),
                        rx.cond(
                            DevOutboxState.emails.length() == 0,
                            rx.callout(
                                t("No emails yet. Sign up to receive a verification code."), icon="inbox", width="100%"
                            ),
                            rx.vstack(rx.foreach(DevOutboxState.emails, _email), spacing="3", width="100%"),
                        ),
                        spacing="4",
                        width="100%",
                    ),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
