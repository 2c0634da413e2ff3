"""The manage page's "Waiting room" section (#18): the queue's settings and its live figures."""

from __future__ import annotations

import reflex as rx

from eventpalour.state.language import fill, t
from eventpalour.state.waiting_room import EventWaitingRoomState

S = EventWaitingRoomState
LABEL = {"fontWeight": "600", "fontSize": "14px"}


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", role="alert", id=f"waiting-room-{name}-error"),
    )


def _field(label: str, name: str, value: rx.Var, *, hint: str, type_: str) -> rx.Component:
    input_id = f"waiting-room-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style=LABEL),
        rx.input(
            id=input_id,
            name=name,
            type=type_,
            value=value,
            on_change=lambda v: S.set_field(name, v),
            aria_invalid=rx.cond(S.field_errors.contains(name), "true", "false"),
            aria_describedby=f"{input_id}-hint {input_id}-error",
            width="100%",
        ),
        rx.text(hint, size="1", color_scheme="gray", id=f"{input_id}-hint"),
        _error(name),
        spacing="1",
        width="100%",
    )


def _figure(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="4", weight="bold"),
        spacing="0",
        min_width="120px",
    )


def _figures() -> rx.Component:
    return rx.cond(
        S.has_room,
        rx.vstack(
            rx.hstack(
                rx.badge(S.figures_status, size="2", variant="soft"),
                rx.button(t("Refresh"), on_click=S.refresh_figures, variant="soft", size="1"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.flex(
                _figure(t("Waiting"), S.waiting),
                _figure(t("Admitted"), S.admitted),
                _figure(t("On the event page"), S.entered),
                _figure(t("Rate"), S.rate_label),
                _figure(t("Time to clear the line"), S.clear_label),
                wrap="wrap",
                gap="16px",
            ),
            role="status",
            aria_label=t("Waiting room figures"),
            spacing="2",
            width="100%",
        ),
    )


def waiting_room_section() -> rx.Component:
    return rx.vstack(
        rx.text(
            t(
                "For an on-sale rush: from the time the queue opens, visitors wait on a light page. When "
                "admission starts, those who arrived before it are let in in random order, then everyone "
                "else in order of arrival, at the rate you set."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.cond(S.load_problem != "", rx.callout(S.load_problem, icon="triangle-alert", color_scheme="red")),
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.switch(id="waiting-room-enabled", checked=S.enabled, on_change=S.set_enabled),
                    rx.el.label(t("Waiting room on"), html_for="waiting-room-enabled", style=LABEL),
                    align="center",
                    spacing="3",
                ),
                rx.grid(
                    _field(
                        t("Queue opens"),
                        "opens_at",
                        S.opens_local,
                        hint=t("Before the sale: visitors from then on wait in the queue."),
                        type_="datetime-local",
                    ),
                    _field(
                        t("Admission starts"),
                        "starts_at",
                        S.starts_local,
                        hint=t("The on-sale moment: early arrivals are drawn at random then."),
                        type_="datetime-local",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.text(
                    fill(t("Times are in the event's time zone, {zone}."), zone=S.timezone),
                    size="1",
                    color_scheme="gray",
                ),
                _field(
                    t("Visitors let in per minute"),
                    "rate_per_minute",
                    S.rate_per_minute,
                    hint=t("Leave it blank for what the server can serve."),
                    type_="text",
                ),
                rx.button(t("Save waiting room"), type="submit", loading=S.is_submitting, size="3"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_room,
            aria_label=t("Waiting room settings"),
            width="100%",
        ),
        _figures(),
        spacing="4",
        width="100%",
    )
