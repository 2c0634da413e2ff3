"""The Codes tab of an event's manage page (#19): its discount and access codes with their uses, a
dialog to create or edit one, bulk creation of single-use codes, Delete for a code no order has
carried, and the CSV download."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.lists import empty_card
from eventpalour.components.tables import scrolling_table
from eventpalour.components.ticket_card import file_link
from eventpalour.state.discount_codes import EventCodesState
from eventpalour.state.language import fill, t

S = EventCodesState


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", role="alert", id=f"code-{name}-error"),
    )


def _text_field(
    label: str | rx.Var, name: str, value: rx.Var, *, hint: rx.Var | None = None, type_: str = "text", **props
) -> rx.Component:
    input_id = f"code-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"fontWeight": "600", "fontSize": "14px"}),
        rx.input(
            id=input_id,
            type=type_,
            value=value,
            on_change=lambda v: S.set_form_field(name, v),
            aria_invalid=rx.cond(S.field_errors.contains(name), "true", "false"),
            aria_describedby=f"{input_id}-error",
            width="100%",
            **props,
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
        _error(name),
        spacing="1",
        width="100%",
    )


def _tier_checkboxes(choices: rx.Var, chosen: rx.Var, toggle, label: rx.Var) -> rx.Component:  # noqa: ANN001
    """A checkbox per tier; `label` names one for a screen reader ("Unlock {name}")."""
    return rx.foreach(
        choices,
        lambda tier: rx.el.label(
            rx.hstack(
                rx.checkbox(
                    checked=chosen.contains(tier.id),
                    on_change=lambda checked: toggle(tier.id, checked),
                    custom_attrs={"aria-label": fill(label, name=tier.name)},
                ),
                rx.text(tier.name, size="2"),
                spacing="2",
                align="center",
            ),
        ),
    )


def _unlocks() -> rx.Component:
    """An access code's hidden tiers: buyers with the code see and can buy them."""
    return rx.vstack(
        rx.text(t("Unlocks hidden tickets"), weight="bold", size="2"),
        rx.cond(
            S.hidden_choices.length() > 0,
            rx.fragment(
                rx.text(t("Buyers who enter this code see and can buy these."), size="1", color_scheme="gray"),
                _tier_checkboxes(S.hidden_choices, S.form.unlock_tier_ids, S.toggle_unlock, t("Unlock {name}")),
            ),
            rx.text(
                t("No hidden tickets. Tick Hidden on a ticket in Edit to sell it by access code only."),
                size="1",
                color_scheme="gray",
            ),
        ),
        _error("unlock_tier_ids"),
        spacing="1",
        width="100%",
    )


def _terms() -> rx.Component:
    """The terms shared by one code and a bulk batch: the discount, tickets, unlocked tickets, validity."""
    return rx.vstack(
        rx.vstack(
            rx.el.label(t("Discount type"), html_for="code-kind", style={"fontWeight": "600", "fontSize": "14px"}),
            rx.select.root(
                rx.select.trigger(id="code-kind", custom_attrs={"aria-label": t("Discount type")}),
                rx.select.content(
                    rx.select.item(t("Percent off"), value="percent"),
                    rx.select.item(t("Fixed amount off"), value="fixed"),
                    rx.select.item(t("No discount (access code only)"), value="none"),
                ),
                value=S.form.kind,
                on_change=lambda v: S.set_form_field("kind", v),
            ),
            _error("kind"),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            S.has_discount,
            rx.vstack(
                _text_field(
                    rx.cond(S.percent_kind, t("Percent off"), t("Amount off")),
                    "value",
                    S.form.value,
                    input_mode="decimal",
                ),
                rx.vstack(
                    rx.text(t("Discount applies to"), weight="bold", size="2"),
                    rx.text(t("Leave all unticked for every ticket type."), size="1", color_scheme="gray"),
                    _tier_checkboxes(S.tier_choices, S.form.tier_ids, S.toggle_tier, t("Discount on {name}")),
                    _error("tier_ids"),
                    spacing="1",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
        ),
        _unlocks(),
        rx.flex(
            _text_field(t("Valid from"), "valid_from_local", S.form.valid_from_local, type_="datetime-local"),
            _text_field(t("Valid until"), "valid_until_local", S.form.valid_until_local, type_="datetime-local"),
            gap="12px",
            width="100%",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        spacing="3",
        width="100%",
    )


def _form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id == "", t("New code"), t("Edit code"))),
            rx.vstack(
                rx.cond(
                    S.editing_id == "",
                    _text_field(
                        t("Code"), "code", S.form.code, hint=t("3–32 letters, digits, - or _; not case-sensitive.")
                    ),
                    rx.text(t("Code"), " ", rx.code(S.form.code)),
                ),
                _terms(),
                rx.flex(
                    _text_field(
                        t("Total uses"), "max_uses", S.form.max_uses, hint=t("Empty: no limit."), input_mode="numeric"
                    ),
                    _text_field(
                        t("Uses per buyer"),
                        "per_buyer_limit",
                        S.form.per_buyer_limit,
                        hint=t("Empty: no limit."),
                        input_mode="numeric",
                    ),
                    gap="12px",
                    width="100%",
                    direction=rx.breakpoints(initial="column", sm="row"),
                ),
                rx.el.label(
                    rx.hstack(
                        rx.switch(checked=S.form.active, on_change=S.toggle_form_active),
                        rx.text(t("Active"), size="2"),
                        spacing="2",
                        align="center",
                    ),
                ),
                rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray")),
                    rx.button(t("Save code"), on_click=S.save_code, loading=S.is_submitting),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                margin_top="12px",
            ),
            max_width="560px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _bulk_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("layers", size=16), t("Bulk create"), variant="soft")),
        rx.dialog.content(
            rx.dialog.title(t("Create single-use codes")),
            rx.dialog.description(
                t("Each code works once, for one buyer. Download them as CSV to send out."), size="2"
            ),
            rx.vstack(
                rx.flex(
                    rx.vstack(
                        rx.el.label(
                            t("How many"), html_for="bulk-count", style={"fontWeight": "600", "fontSize": "14px"}
                        ),
                        rx.input(
                            id="bulk-count",
                            value=S.bulk_count,
                            on_change=lambda v: S.set_bulk_field("count", v),
                            input_mode="numeric",
                        ),
                        _error("count"),
                        spacing="1",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.el.label(
                            t("Prefix"), html_for="bulk-prefix", style={"fontWeight": "600", "fontSize": "14px"}
                        ),
                        rx.input(
                            id="bulk-prefix",
                            value=S.bulk_prefix,
                            on_change=lambda v: S.set_bulk_field("prefix", v),
                            placeholder=t("e.g. VIP-"),
                        ),
                        _error("prefix"),
                        spacing="1",
                        width="100%",
                    ),
                    gap="12px",
                    width="100%",
                ),
                _terms(),
                rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray")),
                    rx.button(t("Create codes"), on_click=S.bulk_create, loading=S.is_submitting),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                margin_top="12px",
            ),
            max_width="560px",
        ),
        open=S.bulk_open,
        on_open_change=S.set_bulk_open,
    )


def _row(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(line.code, weight="bold")),
        rx.table.cell(line.label, white_space="nowrap"),
        rx.table.cell(line.tiers),
        rx.table.cell(line.unlocks),
        rx.table.cell(line.uses, white_space="nowrap"),
        rx.table.cell(line.valid),
        rx.table.cell(
            rx.badge(line.status, color_scheme=rx.cond(line.can_deactivate, "green", "gray"), variant="soft")
        ),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    t("Edit"),
                    size="1",
                    variant="soft",
                    on_click=S.edit_code(line.id),
                    aria_label=fill(t("Edit {code}"), code=line.code),
                ),
                rx.cond(
                    line.can_deactivate,
                    rx.button(
                        t("Deactivate"),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.set_active(line.id, False),
                        aria_label=fill(t("Deactivate {code}"), code=line.code),
                    ),
                ),
                rx.cond(
                    line.can_activate,
                    rx.button(
                        t("Activate"),
                        size="1",
                        variant="soft",
                        on_click=S.set_active(line.id, True),
                        aria_label=fill(t("Activate {code}"), code=line.code),
                    ),
                ),
                rx.cond(
                    line.can_delete,
                    rx.button(
                        t("Delete"),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.delete_code(line.id),
                        aria_label=fill(t("Delete {code}"), code=line.code),
                    ),
                ),
                spacing="2",
            ),
        ),
        data_testid="code-row",
    )


def codes_tab() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.button(rx.icon("plus", size=16), t("New code"), on_click=S.new_code),
            _bulk_dialog(),
            rx.spacer(),
            file_link(t("Download CSV"), "file-down", S.csv_url, download=True),
            gap="8px",
            wrap="wrap",
            width="100%",
        ),
        _form_dialog(),
        rx.cond(
            ~S.codes_loaded,
            rx.center(rx.spinner(), padding="24px", width="100%"),
            rx.cond(
                S.codes_problem != "",
                rx.callout(S.codes_problem, icon="triangle-alert", color_scheme="red", width="100%"),
                rx.cond(
                    S.code_lines.length() == 0,
                    empty_card(
                        t("No codes yet. Create a discount or access code, or a batch of single-use codes."),
                        icon="ticket-percent",
                    ),
                    scrolling_table(
                        [
                            rx.table.column_header_cell(t("Code")),
                            rx.table.column_header_cell(t("Discount")),
                            rx.table.column_header_cell(t("Tickets")),
                            rx.table.column_header_cell(t("Unlocks")),
                            rx.table.column_header_cell(t("Used")),
                            rx.table.column_header_cell(t("Valid")),
                            rx.table.column_header_cell(t("Status")),
                            rx.table.column_header_cell(t("Actions")),
                        ],
                        rx.foreach(S.code_lines, _row),
                        label=t("Discount and access codes"),
                    ),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )
