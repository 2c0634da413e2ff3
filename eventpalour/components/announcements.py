"""The Announcements tab of an event's manage page (#22 §2): a Markdown message with its live
preview, who gets it, now or at a time in the event's zone; and the announcements sent so far."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.lists import empty_card
from eventpalour.components.tables import scrolling_table
from eventpalour.state.announcements import AUDIENCE_CHOICES, EventAnnouncementsState
from eventpalour.state.language import fill, t

S = EventAnnouncementsState
LABEL_STYLE = {"fontWeight": "600", "fontSize": "14px"}


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], color_scheme="red", size="1", role="alert", id=f"announcement-{name}-error"),
    )


def _described(name: str) -> dict[str, object]:
    return {
        "aria_invalid": rx.cond(S.field_errors.contains(name), "true", "false"),
        "aria_describedby": f"announcement-{name}-error",
    }


def _audience() -> rx.Component:
    return rx.vstack(
        rx.text(t("Send to"), weight="bold", size="2"),
        rx.radio_group.root(
            rx.flex(
                *[
                    rx.el.label(rx.radio_group.item(value=value), t(text), style={"display": "flex", "gap": "6px"})
                    for value, text in AUDIENCE_CHOICES
                ],
                gap="8px 20px",
                wrap="wrap",
            ),
            value=S.form.audience,
            on_change=S.set_audience,
            custom_attrs={"aria-label": t("Send to")},
        ),
        _error("audience"),
        rx.cond(
            S.tiers_audience,
            rx.vstack(
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
                padding_left="4px",
            ),
        ),
        rx.text(
            t("Each holder gets one email, however many tickets they hold; those who unsubscribed get none."),
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
        width="100%",
    )


def _when() -> rx.Component:
    return rx.vstack(
        rx.text(t("When"), weight="bold", size="2"),
        rx.radio_group.root(
            rx.flex(
                rx.el.label(rx.radio_group.item(value="now"), t("Send now"), style={"display": "flex", "gap": "6px"}),
                rx.el.label(rx.radio_group.item(value="later"), t("Schedule"), style={"display": "flex", "gap": "6px"}),
                gap="20px",
            ),
            value=rx.cond(S.form.schedule, "later", "now"),
            on_change=S.set_schedule,
            custom_attrs={"aria-label": t("When")},
        ),
        rx.cond(
            S.form.schedule,
            rx.vstack(
                rx.el.label(t("Send at"), html_for="announcement-send-at", style=LABEL_STYLE),
                rx.input(
                    id="announcement-send-at",
                    type="datetime-local",
                    value=S.form.send_at_local,
                    on_change=lambda v: S.set_field("send_at_local", v),
                    **_described("send_at"),
                ),
                rx.text(fill(t("In the event's time zone, {zone}."), zone=S.timezone), size="1", color_scheme="gray"),
                _error("send_at"),
                spacing="1",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _composer() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("New announcement"), size="4", as_="h3"),
            rx.vstack(
                rx.el.label(t("Subject"), html_for="announcement-subject", style=LABEL_STYLE),
                rx.input(
                    id="announcement-subject",
                    value=S.form.subject,
                    on_change=lambda v: S.set_field("subject", v),
                    max_length=150,
                    width="100%",
                    **_described("subject"),
                ),
                _error("subject"),
                spacing="1",
                width="100%",
            ),
            rx.flex(
                rx.vstack(
                    rx.el.label(t("Message"), html_for="announcement-body", style=LABEL_STYLE),
                    rx.text_area(
                        id="announcement-body",
                        value=S.form.body,
                        on_change=lambda v: S.set_field("body", v),
                        rows="10",
                        width="100%",
                        placeholder=t("Markdown: **bold**, _italic_, [links](https://…), - lists"),
                        **_described("body"),
                    ),
                    _error("body"),
                    spacing="1",
                    width="100%",
                ),
                rx.vstack(
                    rx.text(t("Preview"), weight="bold", size="2"),
                    rx.card(
                        rx.cond(
                            S.preview_html != "",
                            rx.html(S.preview_html, class_name="rich-text"),
                            rx.text(t("Your formatted message appears here."), color_scheme="gray", size="2"),
                        ),
                        width="100%",
                        min_height="120px",
                        variant="surface",
                        role="region",
                        custom_attrs={"aria-label": t("Preview")},
                    ),
                    spacing="1",
                    width="100%",
                ),
                gap="16px",
                width="100%",
                direction=rx.breakpoints(initial="column", md="row"),
            ),
            _audience(),
            _when(),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red")),
            rx.button(
                rx.icon("send", size=16),
                rx.cond(S.form.schedule, t("Schedule announcement"), t("Send announcement")),
                on_click=S.submit,
                loading=S.is_submitting,
                size="3",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _row(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(line.subject, weight="medium")),
        rx.table.cell(line.audience),
        rx.table.cell(line.when),
        rx.table.cell(line.recipients, white_space="nowrap"),
        rx.table.cell(
            rx.badge(line.status, color_scheme=rx.cond(line.can_cancel, "amber", "gray"), variant="soft"),
        ),
        rx.table.cell(
            rx.cond(
                line.can_cancel,
                rx.button(
                    t("Cancel"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.cancel(line.id),
                    aria_label=fill(t("Cancel {subject}"), subject=line.subject),
                ),
            ),
        ),
        data_testid="announcement-row",
    )


def announcements_tab() -> rx.Component:
    return rx.vstack(
        _composer(),
        rx.heading(t("Sent and scheduled"), size="4", as_="h3"),
        rx.cond(
            ~S.announcements_loaded,
            rx.center(rx.spinner(), padding="24px", width="100%"),
            rx.cond(
                S.announcements_problem != "",
                rx.callout(S.announcements_problem, icon="triangle-alert", color_scheme="red", width="100%"),
                rx.cond(
                    S.lines.length() == 0,
                    empty_card(
                        t("No announcements yet. Write one above to tell your ticket holders."), icon="megaphone"
                    ),
                    scrolling_table(
                        [
                            rx.table.column_header_cell(t("Subject")),
                            rx.table.column_header_cell(t("Audience")),
                            rx.table.column_header_cell(t("When")),
                            rx.table.column_header_cell(t("Recipients")),
                            rx.table.column_header_cell(t("Status")),
                            rx.table.column_header_cell(t("Actions")),
                        ],
                        rx.foreach(S.lines, _row),
                        label=t("Announcements"),
                    ),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
