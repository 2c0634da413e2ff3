"""/admin/audit: every admin action and admin-area sign-in, filterable by action, actor and dates."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, heading, pager
from eventpalour.components.badges import status_badge
from eventpalour.components.layout import loading
from eventpalour.components.lists import empty_card
from eventpalour.components.tables import scrolling_table
from eventpalour.routes import ADMIN_AUDIT
from eventpalour.services.platform import N_
from eventpalour.state.admin_audit import AdminAuditState as S
from eventpalour.state.language import t


def _filter(label: str | rx.Var, name: str, type_: str = "text", placeholder: str | rx.Var = "") -> rx.Component:
    input_id = f"audit-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"font-weight": "600", "font-size": "13px"}),
        rx.input(id=input_id, name=name, type=type_, placeholder=placeholder),
        rx.cond(
            S.filter_errors.contains(name), rx.text(S.filter_errors[name], color_scheme="red", size="1", role="alert")
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            _filter(t("Action"), "action", placeholder=t("e.g. admin.sign_in, kyc, user.")),
            _filter(t("Actor email"), "actor", placeholder=t("part of an email")),
            _filter(t("From"), "date_from", "date"),
            _filter(t("To"), "date_to", "date"),
            rx.button(rx.icon("filter", size=16), t("Filter"), type="submit", variant="soft"),
            gap="3",
            wrap="wrap",
            align="end",
        ),
        on_submit=S.apply_filters,
    )


def _row(e: rx.Var) -> rx.Component:
    row = e.row
    return rx.table.row(
        rx.table.cell(rx.text(e.when, size="1", white_space="nowrap")),
        rx.table.cell(rx.code(row.action)),
        rx.table.cell(rx.cond(row.actor_email != "", row.actor_email, t("anonymous"))),
        rx.table.cell(status_badge(row.result, "review")),
        rx.table.cell(
            rx.vstack(
                rx.text(rx.cond(row.ip != "", row.ip, "—"), size="1"),
                rx.text(row.user_agent, size="1", color_scheme="gray", max_width="220px", truncate=True),
                spacing="0",
            ),
            display=["none", "none", "table-cell"],
        ),
        rx.table.cell(
            rx.text(
                row.target,
                " ",
                e.details,
                size="1",
                color_scheme="gray",
                max_width="320px",
                overflow_wrap="anywhere",
            ),
            display=["none", "table-cell"],
        ),
    )


def _table() -> rx.Component:
    return rx.cond(
        S.entries.length() == 0,
        empty_card(t("No entries match these filters."), "scroll-text"),
        rx.vstack(
            scrolling_table(
                [
                    rx.table.column_header_cell(t("When (UTC)")),
                    rx.table.column_header_cell(t("Action")),
                    rx.table.column_header_cell(t("Who")),
                    rx.table.column_header_cell(t("Result")),
                    rx.table.column_header_cell(t("From"), display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell(t("Details"), display=["none", "table-cell"]),
                ],
                rx.foreach(S.entries, _row),
                label=t("Audit log"),
                size="1",
            ),
            pager(S.page, S.pages, S.total, S.go_to_page(-1), S.go_to_page(1)),
            width="100%",
        ),
    )


@admin_page(ADMIN_AUDIT, N_("Admin · Audit log"), on_load=S.load_audit)
def admin_audit() -> rx.Component:
    return rx.vstack(
        heading(t("Audit log"), t("Who did what, from where, with what result. Newest first, 50 per page.")),
        _filters(),
        rx.cond(~S.audit_loaded, loading(), _table()),
        spacing="4",
        width="100%",
    )
