"""The t("Ticket templates") section of the workspace settings page: the list, its empty state, and the
add/edit dialog (state/tier_templates.py)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.dialogs import confirm_button
from eventpalour.components.forms import form_error, settings_section
from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.state.language import fill, t
from eventpalour.state.tier_templates import TemplateRow, TierTemplatesState

S = TierTemplatesState
LABEL = {"font-weight": "600", "font-size": "14px"}


def _error(name: str, input_id: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="2", role="alert", id=f"{input_id}-error"),
    )


def _input(label: str | rx.Var, name: str, *, hint: str | rx.Var = "", **props) -> rx.Component:
    input_id = f"template-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style=LABEL),
        rx.input(
            id=input_id,
            value=getattr(S.draft, name),
            on_change=lambda v: S.set_draft(name, v),
            width="100%",
            aria_invalid=rx.cond(S.field_errors.contains(name), "true", "false"),
            aria_describedby=rx.cond(S.field_errors.contains(name), f"{input_id}-error", ""),
            **props,
        ),
        rx.cond(
            S.field_errors.contains(name),
            _error(name, input_id),
            rx.text(hint, size="1", color_scheme="gray") if isinstance(hint, rx.Var) or hint else rx.fragment(),
        ),
        spacing="1",
        width="100%",
    )


def _currency() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Currency"), html_for="template-currency", style=LABEL),
        rx.el.select(
            *[rx.el.option(c, value=c) for c in SUPPORTED_CURRENCIES],
            id="template-currency",
            value=S.draft.currency,
            on_change=lambda v: S.set_draft("currency", v),
            style={
                "padding": "6px",
                "border-radius": "8px",
                "width": "100%",
                "background": "var(--color-surface)",
                "border": "1px solid var(--gray-7)",
                "color": "inherit",
            },
        ),
        _error("currency", "template-currency"),
        spacing="1",
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id != "", t("Edit ticket template"), t("New ticket template"))),
            rx.dialog.description(
                t("Prices are not converted: a priced template is offered only to paid events in its currency."),
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                form_error(S.form_error),
                _input(t("Template name"), "name", placeholder=t("Early Bird")),
                rx.grid(
                    _input(t("Price"), "price", input_mode="decimal", hint=t("0 for a free ticket.")),
                    _currency(),
                    _input(t("Quantity"), "quantity", input_mode="numeric", hint=t("Empty for unlimited.")),
                    _input(t("Max per order"), "max_per_order", input_mode="numeric"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                _input(t("Description (optional)"), "description", placeholder=t("What's included")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(
                        rx.cond(S.editing_id != "", t("Save template"), t("Add template")),
                        on_click=S.save_template,
                        loading=S.is_submitting,
                        type="button",
                    ),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="12px",
            ),
            max_width="560px",
        ),
        open=S.editor_open,
        on_open_change=S.set_editor_open,
    )


def _row(row: TemplateRow) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(row.name, weight="bold"),
                rx.text(
                    row.price_label,
                    " · ",
                    row.quantity_label,
                    " · ",
                    row.per_order_label,
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(row.description != "", rx.text(row.description, size="2")),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("pencil", size=14),
                    t("Edit"),
                    variant="soft",
                    size="1",
                    on_click=S.edit_template(row.id),
                    aria_label=fill(t("Edit template {name}"), name=row.name),
                    type="button",
                ),
                confirm_button(
                    t("Delete"),
                    t("Delete this ticket template?"),
                    t("Tiers already started from it keep what they copied."),
                    t("Delete template"),
                    S.delete_template(row.id),
                    size="1",
                ),
                spacing="2",
            ),
            width="100%",
            align="start",
            wrap="wrap",
        ),
        width="100%",
        role="listitem",
        aria_label=row.name,
    )


def _list() -> rx.Component:
    return rx.cond(
        ~S.loaded,
        rx.center(rx.spinner(), padding="16px"),
        rx.cond(
            S.templates.length() == 0,
            rx.callout(
                t(
                    "No ticket templates yet. Save the tickets you sell again and again (Early Bird, VIP, "
                    "Student) and start any event's tickets from them."
                ),
                icon="ticket",
                size="1",
                width="100%",
            ),
            rx.vstack(rx.foreach(S.templates, _row), spacing="2", width="100%", role="list"),
        ),
    )


def tier_templates_section() -> rx.Component:
    return settings_section(
        t("Ticket templates"),
        t(
            'Ready-made tickets your team adds to any event with "Add from template", then edits there. '
            "Priced templates are offered to paid events in their currency; free ones to every event."
        ),
        rx.cond(S.load_problem != "", rx.callout(S.load_problem, icon="triangle-alert", color_scheme="red")),
        _list(),
        rx.box(
            rx.button(
                rx.icon("plus", size=14), t("Add a template"), variant="soft", on_click=S.new_template, type="button"
            )
        ),
        _editor(),
    )
