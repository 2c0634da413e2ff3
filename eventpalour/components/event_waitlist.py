"""The Orders tab's "Waitlists" section: per tier with a waitlist, its counts and its line."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.tables import scroll_region
from eventpalour.state.event_waitlist import EventWaitlistState as S
from eventpalour.state.language import fill, t


def _line(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.position),
        rx.table.cell(rx.vstack(rx.text(line.person, weight="medium"), rx.text(line.email, size="1"), spacing="0")),
        rx.table.cell(line.wanted),
        rx.table.cell(line.joined),
        rx.table.cell(line.offered),
        rx.table.cell(
            rx.hstack(
                rx.badge(line.state, color_scheme=line.tone, variant="soft"),
                rx.cond(line.reference != "", rx.code(line.reference, size="1")),
                wrap="wrap",
                spacing="1",
            )
        ),
        data_testid="waitlist-entry",
    )


def _tier(table: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(table.tier, weight="bold"),
            rx.cond(table.off, rx.badge(t("Waitlist off"), color_scheme="gray", variant="soft")),
            rx.text(table.counts, size="2", color_scheme="gray"),
            wrap="wrap",
            align="center",
            spacing="2",
        ),
        rx.cond(
            table.lines.length() > 0,
            scroll_region(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("#"),
                            rx.table.column_header_cell(t("Person")),
                            rx.table.column_header_cell(t("Tickets")),
                            rx.table.column_header_cell(t("Joined")),
                            rx.table.column_header_cell(t("Offered")),
                            rx.table.column_header_cell(t("State")),
                        )
                    ),
                    rx.table.body(rx.foreach(table.lines, _line)),
                    size="1",
                    width="100%",
                ),
                fill(t("Waitlist of {tier}"), tier=table.tier),
            ),
            rx.text(t("Nobody has joined yet."), size="2", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
    )


def waitlists_section() -> rx.Component:
    """Shown when a tier has a waitlist (or had one with people in it)."""
    return rx.cond(
        S.waitlists_problem != "",
        rx.callout(S.waitlists_problem, icon="triangle-alert", color_scheme="red"),
        rx.cond(
            S.waitlists.length() > 0,
            rx.vstack(
                rx.heading(t("Waitlists"), size="4", as_="h2"),
                rx.foreach(S.waitlists, _tier),
                spacing="3",
                width="100%",
                role="region",
                aria_label=t("Waitlists"),
            ),
        ),
    )
