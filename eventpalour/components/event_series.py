"""The Repeat tab of an event's manage page (#22 §3): how to repeat the event (a rule with an end
date or a number of dates, or picked dates) and, once it repeats, every date with its status."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.lists import count_words
from eventpalour.components.tables import scrolling_table
from eventpalour.services import events
from eventpalour.services.platform import N_
from eventpalour.state.event_series import CHANGE_CHOICES, RULE_CHOICES, EventSeriesState
from eventpalour.state.language import fill, t

S = EventSeriesState
LABEL_STYLE = {"fontWeight": "600", "fontSize": "14px"}


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", role="alert", id=f"series-{name}-error"),
    )


def _field(name: str, label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"series-{name}", style=LABEL_STYLE), control, _error(name), spacing="1"
    )


def _input(name: str, value: rx.Var, **props: object) -> rx.Component:
    return rx.input(
        id=f"series-{name}",
        value=value,
        on_change=lambda v: S.set_choice(name, v),
        aria_invalid=rx.cond(S.field_errors.contains(name), "true", "false"),
        aria_describedby=f"series-{name}-error",
        **props,
    )


def _radio(value: str, text: str | rx.Var) -> rx.Component:
    return rx.el.label(rx.radio_group.item(value=value), text, style={"display": "flex", "gap": "6px"})


def _rule_fields(count_label: rx.Var | None = None) -> rx.Component:
    return rx.vstack(
        _field(
            "interval",
            t("Every"),
            rx.hstack(
                _input("interval", S.interval, type="number", min="1", max="12", width="120px"),
                rx.text(rx.match(S.rule, ("daily", "day(s)"), ("monthly", "month(s)"), "week(s)"), size="2"),
                align="center",
            ),
        ),
        rx.text(t("Ends"), weight="bold", size="2"),
        rx.radio_group.root(
            rx.flex(
                _radio("count", t("After a number of dates")),
                _radio("until", t("On a date")),
                gap="8px 20px",
                wrap="wrap",
            ),
            value=S.ends,
            on_change=lambda v: S.set_choice("ends", v),
            custom_attrs={"aria-label": t("Ends")},
        ),
        rx.cond(
            S.ends == "count",
            _field(
                "count",
                t("Number of dates") if count_label is None else count_label,
                _input("count", S.count, type="number", min="1", max="100", width="120px"),
            ),
            _field("until_date", t("Last date"), _input("until_date", S.until_date, type="date", width="200px")),
        ),
        spacing="2",
    )


def _picked_dates() -> rx.Component:
    return rx.vstack(
        _field(
            "new_date",
            t("Add a date"),
            rx.hstack(
                _input("new_date", S.new_date, type="date", width="200px"),
                rx.button(t("Add date"), variant="soft", on_click=S.add_date),
                spacing="2",
            ),
        ),
        rx.flex(
            rx.foreach(
                S.picked_dates,
                lambda day: rx.badge(
                    day,
                    rx.icon_button(
                        rx.icon("x", size=12),
                        size="1",
                        variant="ghost",
                        on_click=S.remove_date(day),
                        aria_label=fill(t("Remove {day}"), day=day),
                    ),
                    variant="soft",
                    size="2",
                ),
            ),
            gap="6px",
            wrap="wrap",
        ),
        _error("dates"),
        spacing="2",
    )


def _rule_choice() -> rx.Component:
    return rx.fragment(
        rx.text(t("Repeat"), weight="bold", size="2"),
        rx.radio_group.root(
            rx.flex(*[_radio(value, t(text)) for value, text in RULE_CHOICES], gap="8px 20px", wrap="wrap"),
            value=S.rule,
            on_change=lambda v: S.set_choice("rule", v),
            custom_attrs={"aria-label": t("Repeat")},
        ),
        _error("rule"),
    )


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Repeat this event"), size="4", as_="h3"),
            rx.text(
                t(
                    "Each date becomes an event of its own, with these ticket types and their own seats, at the "
                    "same local time. Up to {count} dates. The new dates take this event's status: publish it "
                    "first to put every date on sale at once.",
                    count=str(events.MAX_OCCURRENCES),
                ),
                size="2",
                color_scheme="gray",
            ),
            _rule_choice(),
            rx.cond(S.rule == "dates", _picked_dates(), _rule_fields()),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
            rx.button(rx.icon("repeat", size=16), t("Create dates"), on_click=S.create_series, loading=S.is_submitting),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _date_row(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(line.label, href=line.manage_path), rx.cond(line.is_current, rx.text(" ", t("(this date)")))
        ),
        rx.table.cell(status_badge(line.status, "event")),
        rx.table.cell(line.availability, white_space="nowrap"),
        data_testid="series-date",
    )


def _dates() -> rx.Component:
    return rx.vstack(
        rx.heading(S.series_label, size="4", as_="h3"),
        rx.text(t("Open a date to edit, postpone or cancel it on its own."), size="2", color_scheme="gray"),
        scrolling_table(
            [rx.table.column_header_cell(t(h)) for h in (N_("Date"), N_("Status"), N_("Seats"))],
            rx.foreach(S.date_lines, _date_row),
            label=t("Dates of this series"),
        ),
        spacing="3",
        width="100%",
    )


def _preview_list(title: str, labels: rx.Var, test_id: str) -> rx.Component:
    return rx.cond(
        labels.length() > 0,
        rx.vstack(
            rx.text(title, " (", labels.length(), ")", weight="bold", size="2"),
            rx.el.ul(rx.foreach(labels, lambda label: rx.el.li(label, data_testid=test_id)), padding_left="20px"),
            spacing="1",
        ),
    )


def _preview() -> rx.Component:
    """What the change does, for the organizer to confirm or go back from."""
    return rx.card(
        rx.vstack(
            rx.heading(t("Check the new dates"), size="3", as_="h4"),
            _preview_list(t("Dates to add"), S.preview_added, "series-added"),
            _preview_list(t("Dates to remove"), S.preview_removed, "series-removed"),
            rx.cond(
                S.preview_kept.length() > 0,
                rx.callout(
                    rx.vstack(
                        rx.text(t("These dates stay, although the new rule leaves them out:"), weight="bold"),
                        rx.foreach(
                            S.preview_kept, lambda k: rx.text(k.label, ": ", k.reason, data_testid="series-kept")
                        ),
                        spacing="1",
                    ),
                    icon="info",
                ),
            ),
            rx.text(
                count_words(
                    S.preview_total, t("The series will have {count} date."), t("The series will have {count} dates.")
                ),
                size="2",
            ),
            rx.flex(
                rx.button(
                    rx.icon("check", size=16), t("Confirm changes"), on_click=S.confirm_change, loading=S.is_submitting
                ),
                rx.button(t("Back"), variant="soft", color_scheme="gray", on_click=S.close_preview),
                gap="8px",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        variant="surface",
        width="100%",
    )


def _change_form() -> rx.Component:
    """Add dates after the last one, or a new rule from this date on (dates before it never change)."""
    return rx.card(
        rx.vstack(
            rx.heading(t("Change the dates"), size="4", as_="h3"),
            rx.text(
                t(
                    "New dates copy the latest date's details and ticket types, each with its own seats. A new "
                    "rule applies from this date on: earlier dates, and dates with tickets sold, stay as they "
                    "are. A series has at most {count} dates.",
                    count=str(events.MAX_OCCURRENCES),
                ),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                S.can_change_rule,
                rx.radio_group.root(
                    rx.flex(*[_radio(value, t(text)) for value, text in CHANGE_CHOICES], gap="8px 20px", wrap="wrap"),
                    value=S.change_mode,
                    on_change=lambda v: S.set_choice("change_mode", v),
                    custom_attrs={"aria-label": t("Change")},
                ),
            ),
            _rule_choice(),
            rx.cond(
                S.rule == "dates",
                _picked_dates(),
                _rule_fields(rx.cond(S.change_mode == "extend", t("Dates to add"), t("Number of dates"))),
            ),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
            rx.cond(
                S.has_preview,
                _preview(),
                rx.button(
                    rx.icon("calendar-search", size=16),
                    t("Preview changes"),
                    on_click=S.preview_change,
                    loading=S.is_submitting,
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def repeat_tab() -> rx.Component:
    return rx.cond(
        ~S.series_loaded,
        rx.center(rx.spinner(), padding="24px"),
        rx.cond(
            S.series_problem != "",
            rx.callout(S.series_problem, icon="triangle-alert", color_scheme="red"),
            rx.cond(
                S.date_lines.length() > 0,
                rx.vstack(_dates(), _change_form(), spacing="5", width="100%"),
                rx.cond(S.can_repeat, _form(), rx.callout(t("Only an upcoming event can repeat."), icon="info")),
            ),
        ),
    )
