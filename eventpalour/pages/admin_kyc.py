"""/admin/kyc: set workspaces' KYC status (super admins and finance admins only)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.layout import loading, page
from eventpalour.routes import ADMIN_KYC
from eventpalour.state.admin_kyc import AdminKycState

STATUSES = ["none", "pending", "approved", "rejected", "requires_update"]


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="bold")),
        rx.table.cell(row["owner"], display=["none", "table-cell"]),
        rx.table.cell(
            rx.select(
                STATUSES,
                value=row["status"],
                on_change=lambda s: AdminKycState.decide(row["id"], s),
                custom_attrs={"aria-label": "KYC status of " + row["name"].to(str)},  # named on the trigger
                size="1",
            )
        ),
        align="center",
    )


def _table() -> rx.Component:
    return rx.vstack(
        rx.input(
            placeholder="Search workspaces",
            on_blur=AdminKycState.filter,
            aria_label="Search workspaces",
            max_width="320px",
        ),
        rx.cond(
            AdminKycState.rows.length() == 0,
            rx.text("No workspaces match.", color_scheme="gray"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Workspace"),
                        rx.table.column_header_cell("Owner", display=["none", "table-cell"]),
                        rx.table.column_header_cell("KYC status"),
                    )
                ),
                rx.table.body(rx.foreach(AdminKycState.rows, _row)),
                width="100%",
                variant="surface",
            ),
        ),
        width="100%",
        spacing="3",
    )


@page(ADMIN_KYC, "KYC review", on_load=AdminKycState.load, require="user")
def admin_kyc() -> rx.Component:
    return rx.vstack(
        rx.heading("KYC review", size="7", as_="h1"),
        rx.cond(
            ~AdminKycState.loaded,
            loading(),
            rx.cond(
                AdminKycState.allowed,
                _table(),
                rx.callout("This page does not exist.", icon="circle-help", color_scheme="gray"),
            ),
        ),
        spacing="4",
        width="100%",
    )
