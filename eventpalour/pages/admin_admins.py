"""/admin/admins: super admins grant, change and revoke platform admin levels."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, heading, not_found
from eventpalour.components.forms import choice_select, field
from eventpalour.components.layout import loading
from eventpalour.components.tables import scrolling_table
from eventpalour.routes import ADMIN_ADMINS
from eventpalour.services.platform import N_
from eventpalour.state.admin import AdminState
from eventpalour.state.admin_audit import AdminAdminsState as S
from eventpalour.state.language import fill, t

LEVELS = ["super_admin", "finance", "support", "moderator"]


def _levels() -> list[tuple[str, rx.Var]]:
    """The levels a super admin can grant, each in the reader's words."""
    words = {
        "super_admin": t("super admin"),
        "finance": t("finance"),
        "support": t("support"),
        "moderator": t("moderator"),
    }
    return [(level, words[level]) for level in LEVELS]


def _grant_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.flex(
                rx.box(
                    field(
                        t("Email of the account"),
                        "email",
                        S.grant_errors,
                        type_="email",
                        placeholder="name@example.com",
                    ),
                    min_width="260px",
                    flex="1",
                ),
                rx.vstack(
                    rx.el.label(t("Level"), html_for="grant-level", style={"font-weight": "600", "font-size": "14px"}),
                    choice_select(_levels(), t("Level"), value=S.grant_level, on_change=S.set_grant_level, size="3"),
                    spacing="1",
                ),
                rx.button(rx.icon("user-plus", size=16), t("Grant"), type="submit", size="3"),
                gap="3",
                wrap="wrap",
                align="end",
            ),
            on_submit=S.grant,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _row(entry: rx.Var) -> rx.Component:
    a = entry.admin
    return rx.table.row(
        rx.table.cell(
            rx.vstack(rx.text(a.name, weight="medium"), rx.text(a.email, size="1", color_scheme="gray"), spacing="0")
        ),
        rx.table.cell(
            rx.cond(
                a.bootstrap,
                rx.tooltip(
                    rx.badge(t("super admin · SUPER_ADMIN_EMAILS"), color_scheme="violet"),
                    content=t("Set by configuration; it always stays."),
                ),
                choice_select(
                    _levels(),
                    fill(t("Level of {email}"), email=a.email),
                    value=a.level,
                    on_change=lambda level: S.change_level(a.email, level),
                    size="1",
                ),
            )
        ),
        rx.table.cell(entry.since, display=["none", "table-cell"]),
        rx.table.cell(
            rx.cond(
                ~a.bootstrap,
                rx.button(
                    t("Revoke"),
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=S.revoke(a.user_id),
                    aria_label=fill(t("Revoke {email}"), email=a.email),
                ),
            )
        ),
        align="center",
    )


@admin_page(ADMIN_ADMINS, N_("Admin · Admins"), on_load=S.load_admins)
def admin_admins() -> rx.Component:
    return rx.cond(
        AdminState.can_manage_admins,
        rx.vstack(
            heading(
                t("Platform admins"),
                t("Grant a level by email (the person needs an account), change it, or revoke it."),
            ),
            _grant_form(),
            rx.cond(
                ~S.admins_loaded,
                loading(),
                scrolling_table(
                    [
                        rx.table.column_header_cell(t("Admin")),
                        rx.table.column_header_cell(t("Level")),
                        rx.table.column_header_cell(t("Since"), display=["none", "table-cell"]),
                        rx.table.column_header_cell(t("Actions")),
                    ],
                    rx.foreach(S.admin_rows, _row),
                    label=t("Platform admins"),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        not_found(),
    )
