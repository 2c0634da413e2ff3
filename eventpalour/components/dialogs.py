"""The confirmation dialog every irreversible action goes through."""

from __future__ import annotations

import reflex as rx

from eventpalour.state.language import t


def confirm_button(
    trigger: str | rx.Var,
    title: str | rx.Var,
    text: str | rx.Var,
    action: str | rx.Var,
    on_confirm: rx.event.EventType,
    *,
    keep: str | rx.Var | None = None,
    color: str = "red",
    variant: str = "soft",
    size: str = "2",
) -> rx.Component:
    """A button that asks first; `on_confirm` runs only when the person confirms; `keep` names the
    button that changes nothing ("Cancel" in the reader's language unless given)."""
    keep = t("Cancel") if keep is None else keep
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(trigger, color_scheme=color, variant=variant, size=size)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(t("Cancel") if keep is None else keep, variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(rx.button(action, color_scheme=color, on_click=on_confirm)),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
        ),
    )
