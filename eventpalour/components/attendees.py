"""The attendee list's pieces: door progress with its chart, filters, the table and its pager."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.charts import chart_rows
from eventpalour.components.lists import empty_card, next_page_pager
from eventpalour.components.tables import scrolling_table
from eventpalour.components.ticket_card import file_link
from eventpalour.services.platform import N_
from eventpalour.state.attendees import AttendeesState
from eventpalour.state.language import fill, t

S = AttendeesState
PAYMENTS = [("all", N_("Any payment")), ("paid", N_("Paid")), ("free", N_("Free")), ("refunded", N_("Refunded"))]
SCANS = [("all", N_("Any door status")), ("checked_in", N_("Checked in")), ("not_checked_in", N_("Not checked in"))]
SCANS += [("not_valid", N_("Not valid"))]
COLUMNS = (N_("Attendee"), N_("Code"), N_("Tier"), N_("Payment"), N_("Door"), N_("Action"))
PAYMENT_COLORS = (("paid", "green"), ("free", "blue"), ("refunded", "amber"), "gray")


def progress_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("Check-in progress"), size="4", as_="h2"),
                rx.spacer(),
                rx.text(
                    fill(t("{checked} of {total} checked in"), checked=S.door_checked_in, total=S.door_admissions),
                    size="3",
                    weight="medium",
                ),
                width="100%",
                wrap="wrap",
                align="center",
            ),
            rx.progress(
                value=rx.cond(S.door_admissions > 0, S.door_checked_in * 100 / S.door_admissions, 0),
                max=100,
                aria_label=t("Checked in"),
                width="100%",
            ),
            rx.cond(
                S.progress.length() > 0,
                rx.recharts.area_chart(
                    rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
                    rx.recharts.area(
                        data_key="checked_in",
                        name=t("Checked in"),
                        stroke=rx.color("violet", 9),
                        fill=rx.color("violet", 5),
                        type_="monotone",
                    ),
                    rx.recharts.x_axis(data_key="label", stroke=rx.color("gray", 11)),
                    rx.recharts.y_axis(allow_decimals=False, stroke=rx.color("gray", 11), width=40),
                    rx.recharts.graphing_tooltip(),
                    data=chart_rows(S.progress),
                    width="100%",
                    height=220,
                ),
                rx.text(t("The chart starts with the first check-in at the door."), size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        aria_label=t("Check-in progress"),
    )


def _select(label: str, value: rx.Var, on_change: rx.EventHandler, items: list[rx.Component]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(custom_attrs={"aria-label": label}),
        rx.select.content(*items),
        value=value,
        on_change=on_change,
    )


def _items(choices: list[tuple[str, str]]) -> list[rx.Component]:
    return [rx.select.item(t(label), value=value) for value, label in choices]


def filters_bar() -> rx.Component:
    tier_items = [
        rx.select.item(t("All tiers"), value="all"),
        rx.foreach(S.attendee_tiers, lambda t: rx.select.item(t.name, value=t.id)),
    ]
    return rx.flex(
        _select(t("Tier"), S.tier_filter, S.filter_tier, tier_items),
        _select(t("Payment status"), S.payment_filter, S.filter_payment, _items(PAYMENTS)),
        _select(t("Door status"), S.scan_filter, S.filter_scan, _items(SCANS)),
        rx.cond(
            S.attendee_answer_choices.length() > 0,
            _select(
                t("Answer"),
                S.answer_filter,
                S.filter_answer,
                [
                    rx.select.item(t("Any answer"), value="all"),
                    rx.foreach(S.attendee_answer_choices, lambda c: rx.select.item(c.label, value=c.value)),
                ],
            ),
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="search",
                    placeholder=t("Name, email or ticket code"),
                    default_value=S.attendee_search,
                    aria_label=t("Search attendees"),
                    flex="1 1 180px",
                ),
                rx.button(t("Search"), type="submit", variant="soft"),
            ),
            on_submit=S.search_attendees,
            reset_on_submit=False,
            flex="1 1 260px",
        ),
        file_link(t("Export CSV"), "file-down", S.csv_url, download=True),
        wrap="wrap",
        gap="8px",
        align="center",
        width="100%",
    )


def _row(person: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.text(person.name, weight="medium"),
                    rx.cond(
                        person.transferred,
                        rx.tooltip(rx.icon("gift", size=14), content=t("Received as a transfer")),
                    ),
                    align="center",
                    spacing="1",
                ),
                rx.text(person.email, size="1", color_scheme="gray"),
                rx.foreach(person.answers, lambda line: rx.text(line, size="1", data_testid="attendee-answer")),
                spacing="0",
            )
        ),
        rx.table.cell(rx.code(person.code, size="1"), white_space="nowrap"),
        rx.table.cell(person.tier),
        rx.table.cell(
            rx.badge(person.payment_label, color_scheme=rx.match(person.payment, *PAYMENT_COLORS), variant="soft")
        ),
        rx.table.cell(
            rx.hstack(
                status_badge(person.status, "ticket", person.status_label, size="2"),
                rx.cond(person.checked_in_at != "", rx.text(person.checked_in_at, size="1")),
                align="center",
                spacing="2",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(_door_action(person), white_space="nowrap"),
        data_testid="attendee-row",
    )


def _door_action(person: rx.Var) -> rx.Component:
    """Check in by hand, or undo a check-in (each logged like a scan); nothing for a void ticket."""
    busy = S.door_busy_ticket == person.id
    return rx.cond(
        person.can_check_in,
        rx.button(
            rx.icon("user-check", size=14),
            t("Check in"),
            size="1",
            loading=busy,
            disabled=S.door_busy_ticket != "",
            on_click=S.check_in_attendee(person.id),
            aria_label=fill(t("Check in {name}"), name=person.name),
        ),
        rx.cond(
            person.can_undo_check_in,
            rx.button(
                rx.icon("undo-2", size=14),
                t("Undo check-in"),
                size="1",
                variant="soft",
                color_scheme="gray",
                loading=busy,
                disabled=S.door_busy_ticket != "",
                on_click=S.undo_attendee_check_in(person.id),
                aria_label=fill(t("Undo check-in of {name}"), name=person.name),
            ),
        ),
    )


def attendees_table() -> rx.Component:
    return rx.cond(
        S.attendee_rows.length() == 0,
        empty_card(
            rx.cond(
                (S.tier_filter == "all")
                & (S.payment_filter == "all")
                & (S.scan_filter == "all")
                & (S.answer_filter == "all")
                & (S.attendee_search == ""),
                t("No attendees yet. They appear here as soon as someone registers or buys."),
                t("No attendees match these filters."),
            ),
            "users",
        ),
        scrolling_table(
            [*[rx.table.column_header_cell(t(n)) for n in COLUMNS]],
            rx.foreach(S.attendee_rows, _row),
            label=t("Attendees"),
        ),
    )


def pager() -> rx.Component:
    return next_page_pager(
        total=S.attendees_total,
        one=t("{count} attendee"),
        many=t("{count} attendees"),
        page=S.attendees_page,
        has_next=S.attendees_has_next,
        turn=S.turn_attendee_page,
    )
