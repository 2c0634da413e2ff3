"""/admin/users: find a user, open their detail, and suspend / block / reactivate with a reason."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, heading, pager
from eventpalour.components.badges import status_badge
from eventpalour.components.forms import choice_select
from eventpalour.components.layout import loading
from eventpalour.components.lists import empty_card
from eventpalour.components.tables import scrolling_table
from eventpalour.components.user_detail import user_detail_dialog
from eventpalour.routes import ADMIN_USERS
from eventpalour.services.platform import N_
from eventpalour.state.admin_users import AdminUsersState as S
from eventpalour.state.language import fill, t


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(
                    name="search", placeholder=t("Email or username"), aria_label=t("Search users"), width="240px"
                ),
                rx.button(rx.icon("search", size=16), t("Search"), type="submit", variant="soft"),
            ),
            on_submit=S.apply_filters,
        ),
        choice_select(
            [
                ("any", t("any type")),
                ("attendee", t("attendee")),
                ("organizer", t("organizer")),
                ("none", t("not chosen")),
            ],
            t("Account type"),
            value=S.account_type,
            on_change=S.set_account_type_filter,
        ),
        choice_select(
            [
                ("any", t("any status")),
                ("active", t("active")),
                ("suspended", t("suspended")),
                ("blocked", t("blocked")),
                ("deleted", t("deleted")),
            ],
            t("Status"),
            value=S.status,
            on_change=S.set_status_filter,
        ),
        gap="3",
        wrap="wrap",
        align="center",
    )


def _row(line: rx.Var) -> rx.Component:
    user = line.user
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(user.email, on_click=S.open_user(user.id), cursor="pointer", weight="medium"),
                rx.text(user.username, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(line.account_type, display=["none", "table-cell"]),
        rx.table.cell(status_badge(user.status, "review")),
        rx.table.cell(
            rx.cond(line.admin != "", rx.badge(line.admin, color_scheme="violet")),
            display=["none", "none", "table-cell"],
        ),
        rx.table.cell(line.last_sign_in, display=["none", "none", "table-cell"]),
        rx.table.cell(
            rx.button(
                t("Details"),
                size="1",
                variant="soft",
                on_click=S.open_user(user.id),
                aria_label=fill(t("Details of {email}"), email=user.email),
            )
        ),
        align="center",
    )


def _table() -> rx.Component:
    return rx.cond(
        S.rows.length() == 0,
        empty_card(t("No users match these filters."), "user-x"),
        rx.vstack(
            scrolling_table(
                [
                    rx.table.column_header_cell(t("User")),
                    rx.table.column_header_cell(t("Type"), display=["none", "table-cell"]),
                    rx.table.column_header_cell(t("Status")),
                    rx.table.column_header_cell(t("Admin"), display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell(t("Last sign-in"), display=["none", "none", "table-cell"]),
                    rx.table.column_header_cell(t("Actions")),
                ],
                rx.foreach(S.rows, _row),
                label=t("Users"),
            ),
            pager(S.page, S.pages, S.total, S.go_to_page(-1), S.go_to_page(1)),
            width="100%",
        ),
    )


@admin_page(ADMIN_USERS, N_("Admin · Users"), on_load=S.load_users)
def admin_users() -> rx.Component:
    return rx.vstack(
        heading(t("Users"), t("Search accounts, see what they did, and suspend, block or reactivate them.")),
        _filters(),
        rx.cond(~S.users_loaded, loading(), _table()),
        user_detail_dialog(),
        spacing="4",
        width="100%",
    )
