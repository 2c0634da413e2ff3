"""The Repeat tab of an event's manage page (#22 §3): how to repeat the event (a rule with an end
date or a number of dates, or picked dates) and, once it repeats, every date with its status."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.tables import scrolling_table
from eventpalour.services import events
from eventpalour.state.event_series import RULE_CHOICES, EventSeriesState

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


def _radio(value: str, text: str) -> rx.Component:
    return rx.el.label(rx.radio_group.item(value=value), text, style={"display": "flex", "gap": "6px"})


def _rule_fields() -> rx.Component:
    return rx.vstack(
        _field(
            "interval",
            "Every",
            rx.hstack(
                _input("interval", S.interval, type="number", min="1", max="12", width="120px"),
                rx.text(rx.match(S.rule, ("daily", "day(s)"), ("monthly", "month(s)"), "week(s)"), size="2"),
                align="center",
            ),
        ),
        rx.text("Ends", weight="bold", size="2"),
        rx.radio_group.root(
            rx.flex(
                _radio("count", "After a number of dates"), _radio("until", "On a date"), gap="8px 20px", wrap="wrap"
            ),
            value=S.ends,
            on_change=lambda v: S.set_choice("ends", v),
            custom_attrs={"aria-label": "Ends"},
        ),
        rx.cond(
            S.ends == "count",
            _field(
                "count", "Number of dates", _input("count", S.count, type="number", min="2", max="52", width="120px")
            ),
            _field("until_date", "Last date", _input("until_date", S.until_date, type="date", width="200px")),
        ),
        spacing="2",
    )


def _picked_dates() -> rx.Component:
    return rx.vstack(
        _field(
            "new_date",
            "Add a date",
            rx.hstack(
                _input("new_date", S.new_date, type="date", width="200px"),
                rx.button("Add date", variant="soft", on_click=S.add_date),
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
                        aria_label="Remove " + day,
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


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Repeat this event", size="4", as_="h3"),
            rx.text(
                "Each date becomes an event of its own, with these ticket types and their own seats, at the same "
                f"local time. Up to {events.MAX_OCCURRENCES} dates. The new dates take this event's status: "
                "publish it first to put every date on sale at once.",
                size="2",
                color_scheme="gray",
            ),
            rx.text("Repeat", weight="bold", size="2"),
            rx.radio_group.root(
                rx.flex(*[_radio(value, text) for value, text in RULE_CHOICES], gap="8px 20px", wrap="wrap"),
                value=S.rule,
                on_change=lambda v: S.set_choice("rule", v),
                custom_attrs={"aria-label": "Repeat"},
            ),
            _error("rule"),
            rx.cond(S.rule == "dates", _picked_dates(), _rule_fields()),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
            rx.button(rx.icon("repeat", size=16), "Create dates", on_click=S.create_series, loading=S.is_submitting),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _date_row(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(line.label, href=line.manage_path), rx.cond(line.is_current, rx.text(" (this date)"))),
        rx.table.cell(status_badge(line.status, "event")),
        rx.table.cell(line.availability, white_space="nowrap"),
        data_testid="series-date",
    )


def _dates() -> rx.Component:
    return rx.vstack(
        rx.heading(S.series_label, size="4", as_="h3"),
        rx.text("Open a date to edit, postpone or cancel it on its own.", size="2", color_scheme="gray"),
        scrolling_table(
            [rx.table.column_header_cell(h) for h in ("Date", "Status", "Seats")],
            rx.foreach(S.date_lines, _date_row),
            label="Dates of this series",
        ),
        spacing="3",
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
                _dates(),
                rx.cond(S.can_repeat, _form(), rx.callout("Only an upcoming event can repeat.", icon="info")),
            ),
        ),
    )
