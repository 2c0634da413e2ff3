"""The Check-in lists tab of an event's manage page (#21 §5): each gate with the tiers it admits,
its settings and counters, and the form that adds or changes one."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.dialogs import confirm_button
from eventpalour.state.checkin_lists import EventCheckInListsState
from eventpalour.state.language import fill, t

S = EventCheckInListsState
LABEL_STYLE = {"fontWeight": "600", "fontSize": "14px"}


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", role="alert", id=f"checkin-{name}-error"),
    )


def _check(label: str, checked: rx.Var, on_change: rx.event.EventType, **props: object) -> rx.Component:
    return rx.el.label(
        rx.checkbox(checked=checked, on_change=on_change, **props),
        rx.text(label, size="2"),
        style={"display": "flex", "gap": "8px", "alignItems": "center"},
    )


def _tier_check(tier: rx.Var) -> rx.Component:
    return _check(tier.name, S.chosen_tiers.contains(tier.id), lambda on: S.toggle_tier(tier.id, on))


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(
                rx.cond(S.editing_id != "", t("Change check-in list"), t("New check-in list")), size="4", as_="h3"
            ),
            rx.vstack(
                rx.el.label(t("List name"), html_for="checkin-name", style=LABEL_STYLE),
                rx.input(
                    id="checkin-name",
                    value=S.list_name,
                    on_change=S.set_list_name,
                    placeholder=t("VIP lounge"),
                    max_length=60,
                    aria_invalid=rx.cond(S.field_errors.contains("name"), "true", "false"),
                    aria_describedby="checkin-name-error",
                    width="100%",
                ),
                _error("name"),
                spacing="1",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(t("Tickets it admits"), style=LABEL_STYLE),
                _check(t("All tiers"), S.all_tiers, S.set_all_tiers),
                rx.cond(
                    ~S.all_tiers,
                    rx.flex(rx.foreach(S.tier_choices, _tier_check), gap="8px 20px", wrap="wrap", padding_left="24px"),
                ),
                _error("tier_ids"),
                style={"border": "none", "padding": "0", "display": "flex", "flexDirection": "column", "gap": "6px"},
            ),
            rx.vstack(
                _check(
                    t("Re-admit once per day (multi-day events)"),
                    S.readmit_daily,
                    S.set_readmit_daily,
                    aria_describedby="checkin-rule-help",
                ),
                _check(
                    t("Count exits (the scanner gets an Entry/Exit switch)"),
                    S.count_exits,
                    S.set_count_exits,
                    aria_describedby="checkin-rule-help",
                ),
                rx.text(S.rule_help, size="1", color_scheme="gray", id="checkin-rule-help"),
                spacing="2",
                width="100%",
            ),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
            rx.hstack(
                rx.button(t("Save list"), on_click=S.save_list, loading=S.is_submitting),
                rx.button(t("Cancel"), variant="soft", color_scheme="gray", on_click=S.close_form),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _line(line: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(line.name, size="3", as_="h4"),
                    rx.cond(line.is_default, rx.badge(t("Main list"), variant="soft")),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(line.tiers_label, size="2"),
                rx.cond(line.settings_label != "", rx.text(line.settings_label, size="2", color_scheme="gray")),
                rx.text(line.counts_label, size="2", weight="medium"),
                spacing="1",
            ),
            rx.hstack(
                rx.button(
                    t("Edit"),
                    variant="soft",
                    size="1",
                    on_click=S.start_edit(line.id),
                    aria_label=fill(t("Edit {name}"), name=line.name),
                ),
                rx.cond(
                    line.can_delete,
                    confirm_button(
                        t("Delete"),
                        t("Delete this check-in list?"),
                        t("Nobody was checked in on it. Scanners set to it go back to the main list."),
                        t("Delete list"),
                        S.delete_list(line.id),
                        keep=t("Keep it"),
                        size="1",
                    ),
                ),
                spacing="2",
            ),
            justify="between",
            gap="12px",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        data_testid="checkin-list",
    )


def checkin_lists_tab() -> rx.Component:
    return rx.cond(
        ~S.lists_loaded,
        rx.center(rx.spinner(), padding="24px", role="status", aria_label=t("Loading check-in lists")),
        rx.cond(
            S.lists_problem != "",
            rx.callout(S.lists_problem, icon="triangle-alert", color_scheme="red"),
            rx.vstack(
                rx.text(
                    t(
                        "Each gate scans for one list: a ticket is admitted once per list, and only on lists "
                        "that admit its tier. Scanners pick their list at the top of the scanner page."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
                rx.foreach(S.lines, _line),
                rx.cond(
                    S.form_open,
                    _form(),
                    rx.button(
                        rx.icon("plus", size=16), t("Add a check-in list"), variant="outline", on_click=S.start_new
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )
