"""/workspace/{id}/billing: balances per currency, the 12-month chart, transactions with CSV
export, and withdrawals (admins and the owner; the services check again on every call)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.billing import balance_cards, revenue_chart, transactions
from eventpalour.components.layout import page
from eventpalour.components.second_factor import blocked_button, second_factor_notice
from eventpalour.components.withdrawal_form import withdrawal_dialog, withdrawal_history
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_BILLING
from eventpalour.state.billing import BillingState
from eventpalour.state.language import t
from eventpalour.state.workspace import WorkspaceState


def _not_allowed() -> rx.Component:
    return rx.callout(
        t("Only workspace admins and the owner can see billing and request withdrawals."), icon="lock", width="100%"
    )


def _billing() -> rx.Component:
    return rx.cond(
        BillingState.billing_problem != "",
        rx.callout(BillingState.billing_problem, icon="triangle-alert", color_scheme="red", width="100%"),
        rx.cond(
            ~BillingState.billing_loaded,
            rx.center(rx.spinner(size="3"), min_height="30vh", role="status"),
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.heading(t("Billing"), size="6", as_="h2"),
                        rx.text(
                            t("Money from your paid orders, after fees and refunds."), color_scheme="gray", size="2"
                        ),
                        spacing="1",
                    ),
                    rx.spacer(),
                    rx.cond(
                        BillingState.withdrawal_second_factor.needed,
                        blocked_button(t("Request withdrawal"), size="3"),
                        withdrawal_dialog(),
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                    gap="12px",
                ),
                second_factor_notice(BillingState.withdrawal_second_factor, t("Withdrawals need two-factor sign-in")),
                balance_cards(),
                revenue_chart(),
                transactions(),
                withdrawal_history(),
                spacing="5",
                width="100%",
            ),
        ),
    )


@page(
    WORKSPACE_BILLING,
    "Billing",
    on_load=[WorkspaceState.load_workspace, BillingState.load_billing],
    require="user",
    form=BillingState,
)
def workspace_billing() -> rx.Component:
    return workspace_shell(rx.cond(WorkspaceState.can_manage_billing, _billing(), _not_allowed()))
