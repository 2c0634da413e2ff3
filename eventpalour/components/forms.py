"""Form pieces with real labels and a slot for each field's error message."""

from __future__ import annotations

import reflex as rx

from eventpalour.state.language import t


def field(
    label: str | rx.Var,
    name: str,
    errors: rx.Var,
    *,
    type_: str = "text",
    hint: str | rx.Var = "",
    auto_complete: str = "",
    default_value: rx.Var | str = "",
    **props,
) -> rx.Component:
    """A labelled input; `errors[name]` (from the form's state) shows under it when present."""
    input_id = f"field-{name}"
    # A translated hint is a Var (state/language.py t()), which has no truth value of its own.
    has_hint = isinstance(hint, rx.Var) or bool(hint)
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"font-weight": "600", "font-size": "14px"}),
        rx.input(
            id=input_id,
            name=name,
            type=type_,
            auto_complete=auto_complete or None,
            default_value=default_value,
            size="3",
            width="100%",
            aria_invalid=rx.cond(errors.contains(name), "true", "false"),
            # Screen readers announce the error (or the hint) with the field, not only as a stray alert.
            aria_describedby=rx.cond(
                errors.contains(name), f"{input_id}-error", f"{input_id}-hint" if has_hint else ""
            ),
            **props,
        ),
        rx.cond(
            errors.contains(name),
            rx.text(errors[name], color_scheme="red", size="2", role="alert", id=f"{input_id}-error"),
            rx.text(hint, size="1", color_scheme="gray", id=f"{input_id}-hint") if has_hint else rx.fragment(),
        ),
        spacing="1",
        width="100%",
        align="stretch",
    )


def checkbox_field(name: str, errors: rx.Var, *label: rx.Component | str, required: bool = True) -> rx.Component:
    """A native checkbox (a form sends it as "on" when ticked, not at all otherwise) with its label
    beside it and `errors[name]` under it. The label may hold links; they open in a new tab
    (`policy_link`) so the form keeps what was typed."""
    input_id = f"field-{name}"
    return rx.vstack(
        rx.hstack(
            rx.el.input(
                id=input_id,
                name=name,
                type="checkbox",
                aria_invalid=rx.cond(errors.contains(name), "true", "false"),
                aria_describedby=rx.cond(errors.contains(name), f"{input_id}-error", ""),
                aria_required="true" if required else "false",
                style={
                    "width": "18px",
                    "height": "18px",
                    "margin": "2px 0 0 0",
                    "flex_shrink": "0",
                    "accent_color": "var(--accent-9)",
                    "cursor": "pointer",
                },
            ),
            rx.el.label(*label, html_for=input_id, style={"font-size": "14px", "line-height": "1.5"}),
            spacing="2",
            align="start",
            width="100%",
        ),
        rx.cond(
            errors.contains(name),
            rx.text(errors[name], color_scheme="red", size="2", role="alert", id=f"{input_id}-error"),
        ),
        spacing="1",
        width="100%",
        align="stretch",
    )


def policy_link(text: str | rx.Var, path: str) -> rx.Component:
    """A link to a policy page from inside a form: a new tab, so nothing typed is lost. Underlined:
    it sits in a sentence, whose text its colour alone does not stand out from (2.6:1)."""
    return rx.link(text, href=path, is_external=True, underline="always")


def submit_button(label: str | rx.Var, busy: rx.Var, busy_label: str | rx.Var | None = None) -> rx.Component:
    """A form's full-width submit button; `busy_label` while it works ("Please wait…" unless given)."""
    busy_label = t("Please wait…") if busy_label is None else busy_label
    return rx.button(
        rx.cond(busy, rx.hstack(rx.spinner(size="1"), busy_label, align="center"), label),
        type="submit",
        size="3",
        width="100%",
        disabled=busy,
    )


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )


def auth_card(title: str | rx.Var, subtitle: str | rx.Var, *children: rx.Component) -> rx.Component:
    """The centred card every sign-in style page uses."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading(title, size="7", as_="h1"),
                rx.text(subtitle, color_scheme="gray", overflow_wrap="anywhere"),  # long emails on phones
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="440px",
        ),
        padding_y=["16px", "48px"],
    )


def settings_section(
    title: str | rx.Var, description: str | rx.Var, *children: rx.Component, danger: bool = False
) -> rx.Component:
    """A titled card of a settings page (account, workspace settings, verification); `danger` marks
    the irreversible actions in red."""
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2", color=rx.color("red", 11) if danger else None),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        border=f"1px solid {rx.color('red', 6)}" if danger else None,
    )


def choice_select(choices: list[tuple[str, str | rx.Var]], label: str | rx.Var, **props) -> rx.Component:
    """A picker whose options read in the reader's language (`t(...)` labels) while each carries its
    own value (a filter word, a role, a level); `label` names its trigger for screen readers; `props`
    (value or default_value, on_change, size...) go to the picker."""
    return rx.select.root(
        rx.select.trigger(aria_label=label),
        rx.select.content(*[rx.select.item(text, value=choice) for choice, text in choices]),
        **props,
    )
