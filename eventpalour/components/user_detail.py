"""The user detail dialog of /admin/users: facts, workspaces, orders, tickets, and status actions."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.workspace import role_name
from eventpalour.state.admin import AdminState
from eventpalour.state.admin_users import AdminUsersState as S
from eventpalour.state.language import t


def _fact(label: str | rx.Var, value: rx.Var) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray"), rx.text(value, size="2"), spacing="0")


def _list(
    title: str | rx.Var, items: rx.Var, render: Callable[[rx.Var], rx.Component], empty_text: str | rx.Var
) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        rx.cond(
            items.length() == 0,
            rx.text(empty_text, size="2", color_scheme="gray"),
            rx.vstack(rx.foreach(items, render), spacing="1"),
        ),
        spacing="1",
        width="100%",
    )


def _action_form() -> rx.Component:
    verb = rx.match(
        S.action_status, ("active", t("Reactivate")), ("suspended", t("Suspend")), ("blocked", t("Block")), ""
    )
    label = rx.match(
        S.action_status,
        ("active", t("Reactivate — reason (kept in the audit log)")),
        ("suspended", t("Suspend — reason (kept in the audit log)")),
        ("blocked", t("Block — reason (kept in the audit log)")),
        "",
    )
    return rx.form(
        rx.vstack(
            rx.el.label(
                label,
                html_for="status-reason",
                style={"font-weight": "600", "font-size": "14px"},
            ),
            rx.text_area(
                id="status-reason",
                name="reason",
                rows="2",
                width="100%",
                aria_invalid=rx.cond(S.action_error != "", "true", "false"),
            ),
            rx.cond(S.action_error != "", rx.text(S.action_error, color_scheme="red", size="2", role="alert")),
            rx.hstack(
                rx.button(
                    rx.cond(S.acting, rx.spinner(size="1"), verb),
                    type="submit",
                    color_scheme=S.action_tone,
                    disabled=S.acting,
                ),
                rx.button(
                    t("Cancel"), type="button", variant="soft", color_scheme="gray", on_click=S.choose_action("", "red")
                ),
            ),
            width="100%",
        ),
        on_submit=S.change_status,
        reset_on_submit=True,
        width="100%",
    )


def _status_button(label: str | rx.Var, status: str, tone: str, offered: rx.Var) -> rx.Component:
    """One status action, shown when the service says this admin may take it now."""
    return rx.cond(offered, rx.button(label, color_scheme=tone, variant="soft", on_click=S.choose_action(status, tone)))


def _actions() -> rx.Component:
    return rx.cond(
        AdminState.can_manage_users,
        rx.cond(
            S.action_status != "",
            _action_form(),
            rx.cond(
                S.can_reactivate | S.can_suspend | S.can_block,
                rx.hstack(
                    _status_button(t("Reactivate"), "active", "green", S.can_reactivate),
                    _status_button(t("Suspend"), "suspended", "orange", S.can_suspend),
                    _status_button(t("Block"), "blocked", "red", S.can_block),
                    wrap="wrap",
                ),
                rx.text(
                    t(
                        "You cannot change this account's status: it is your own, or a platform admin's "
                        "(only super admins can)."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
            ),
        ),
        rx.text(t("Your admin level can view users but not change their status."), size="2", color_scheme="gray"),
    )


def user_detail_dialog() -> rx.Component:
    d = S.detail
    user = d.user
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(d.name),
            rx.dialog.description(user.email, size="2", color_scheme="gray"),
            rx.vstack(
                rx.hstack(
                    status_badge(user.status, "review"),
                    rx.badge(d.account_type),
                    rx.badge(rx.cond(user.verified, t("Verified"), t("Not verified")), variant="outline"),
                    rx.cond(d.admin != "", rx.badge(d.admin, color_scheme="violet")),
                    wrap="wrap",
                ),
                rx.cond(
                    S.detail_status_reason != "",
                    rx.callout(S.detail_status_reason, icon="info", size="1", color_scheme="orange"),
                ),
                rx.grid(
                    _fact(t("Username"), user.username),
                    _fact(t("Joined"), d.joined),
                    _fact(t("Last sign-in"), d.last_sign_in),
                    _fact(t("Active sessions"), S.detail_sessions),
                    _fact(t("Valid tickets"), S.detail_valid_tickets),
                    columns=rx.breakpoints(initial="2", sm="3"),
                    spacing="3",
                    width="100%",
                ),
                _list(
                    t("Workspaces"),
                    S.detail_workspaces,
                    lambda w: rx.text(
                        rx.link(w.workspace.name, href=w.url), " · ", role_name(w.workspace.role), size="2"
                    ),
                    t("No workspaces."),
                ),
                _list(
                    t("Latest orders"),
                    S.detail_orders,
                    lambda o: rx.text(
                        o.order.reference, " · ", o.order.event_title, " · ", o.amount, " · ", o.order.status, size="2"
                    ),
                    t("No orders."),
                ),
                _list(
                    t("Latest tickets"),
                    S.detail_tickets,
                    lambda ticket: rx.text(
                        rx.code(ticket.short_code), " ", ticket.event_title, " · ", ticket.status, size="2"
                    ),
                    t("No tickets."),
                ),
                rx.separator(),
                _actions(),
                spacing="3",
                width="100%",
                margin_top="12px",
            ),
            rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray", margin_top="16px")),
            max_width="640px",
        ),
        open=S.detail_open,
        on_open_change=S.set_detail_open,
    )
