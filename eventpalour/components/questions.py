"""The Questions tab of an event's manage page (#19 §3): the attendee questions checkout asks, in
order, and a dialog to add or edit one."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.dialogs import confirm_button
from eventpalour.components.lists import empty_card
from eventpalour.components.tables import scrolling_table
from eventpalour.services import sales
from eventpalour.state.language import fill, t
from eventpalour.state.questions import EventQuestionsState

S = EventQuestionsState
_LABEL_STYLE = {"fontWeight": "600", "fontSize": "14px"}


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", role="alert", id=f"question-{name}-error"),
    )


def _field(label: str | rx.Var, name: str, control: rx.Component, hint: rx.Var | None = None) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"question-{name}", style=_LABEL_STYLE),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
        _error(name),
        spacing="1",
        width="100%",
    )


def _switch(label: str, name: str, checked: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.switch(checked=checked, on_change=lambda on: S.set_form_flag(name, on)),
            rx.text(label, size="2"),
            spacing="2",
            align="center",
        ),
    )


def _invalid(name: str) -> rx.Var:
    return rx.cond(S.field_errors.contains(name), "true", "false")


def _form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id == "", t("New question"), t("Edit question"))),
            rx.vstack(
                _field(
                    t("Question"),
                    "label",
                    rx.input(
                        id="question-label",
                        value=S.form.label,
                        on_change=lambda v: S.set_form_field("label", v),
                        aria_invalid=_invalid("label"),
                        aria_describedby="question-label-error",
                        width="100%",
                    ),
                ),
                _field(
                    t("Answer type"),
                    "kind",
                    rx.select.root(
                        rx.select.trigger(id="question-kind", custom_attrs={"aria-label": t("Answer type")}),
                        rx.select.content(
                            *[rx.select.item(t(label), value=str(kind)) for kind, label in sales.KIND_LABELS.items()]
                        ),
                        value=S.form.kind,
                        on_change=lambda v: S.set_form_field("kind", v),
                    ),
                ),
                rx.cond(
                    S.asks_options,
                    _field(
                        t("Options"),
                        "options",
                        rx.text_area(
                            id="question-options",
                            value=S.form.options_text,
                            on_change=lambda v: S.set_form_field("options_text", v),
                            aria_invalid=_invalid("options"),
                            aria_describedby="question-options-error",
                            rows="4",
                            width="100%",
                        ),
                        hint=t("One per line, at least two."),
                    ),
                ),
                _switch(t("Required"), "required", S.form.required),
                _switch(t("Ask for each ticket (with the attendee's name)"), "per_ticket", S.form.per_ticket),
                rx.vstack(
                    rx.text(t("Asked for"), weight="bold", size="2"),
                    rx.text(t("Leave all unticked for every ticket type."), size="1", color_scheme="gray"),
                    rx.foreach(
                        S.tier_choices,
                        lambda tier: rx.el.label(
                            rx.hstack(
                                rx.checkbox(
                                    checked=S.form.tier_ids.contains(tier.id),
                                    on_change=lambda checked: S.toggle_tier(tier.id, checked),
                                ),
                                rx.text(tier.name, size="2"),
                                spacing="2",
                                align="center",
                            ),
                        ),
                    ),
                    _error("tier_ids"),
                    spacing="1",
                    width="100%",
                ),
                rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray")),
                    rx.button(t("Save question"), on_click=S.save_question, loading=S.is_submitting),
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


def _row(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(line.label, weight="bold"),
                rx.cond(line.options != "", rx.text(line.options, size="1", color_scheme="gray")),
                spacing="1",
            )
        ),
        rx.table.cell(line.kind, white_space="nowrap"),
        rx.table.cell(line.scope, white_space="nowrap"),
        rx.table.cell(line.required),
        rx.table.cell(line.tiers),
        rx.table.cell(line.answers, white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    t("Edit"),
                    size="1",
                    variant="soft",
                    on_click=S.edit_question(line.id),
                    aria_label=fill(t("Edit {label}"), label=line.label),
                ),
                rx.icon_button(
                    rx.icon("arrow-up", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    disabled=~line.can_move_up,
                    on_click=S.move(line.id, True),
                    aria_label=fill(t("Move up {label}"), label=line.label),
                ),
                rx.icon_button(
                    rx.icon("arrow-down", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    disabled=~line.can_move_down,
                    on_click=S.move(line.id, False),
                    aria_label=fill(t("Move down {label}"), label=line.label),
                ),
                rx.cond(
                    line.can_delete,
                    confirm_button(
                        t("Delete"),
                        t("Delete this question?"),
                        t("Checkout stops asking it."),
                        t("Delete question"),
                        S.delete_question(line.id),
                        size="1",
                    ),
                ),
                spacing="2",
            ),
        ),
        data_testid="question-row",
    )


def questions_tab() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.button(rx.icon("plus", size=16), t("New question"), on_click=S.new_question),
            rx.text(t("Buyers answer these at checkout, before paying."), size="2", color_scheme="gray"),
            gap="12px",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        _form_dialog(),
        rx.cond(
            ~S.questions_loaded,
            rx.center(rx.spinner(), padding="24px", width="100%"),
            rx.cond(
                S.questions_problem != "",
                rx.callout(S.questions_problem, icon="triangle-alert", color_scheme="red", width="100%"),
                rx.cond(
                    S.question_lines.length() == 0,
                    empty_card(
                        t("No questions yet. Checkout asks only for the tickets."), icon="message-circle-question"
                    ),
                    scrolling_table(
                        [
                            rx.table.column_header_cell(t("Question")),
                            rx.table.column_header_cell(t("Answer")),
                            rx.table.column_header_cell(t("Asked")),
                            rx.table.column_header_cell(t("Required")),
                            rx.table.column_header_cell(t("Tickets")),
                            rx.table.column_header_cell(t("Answers")),
                            rx.table.column_header_cell(t("Actions")),
                        ],
                        rx.foreach(S.question_lines, _row),
                        label=t("Attendee questions"),
                    ),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )
