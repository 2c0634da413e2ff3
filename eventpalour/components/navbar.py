"""The top bar: brand, colour mode, and who is signed in (or the way to sign in)."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.brand import logo
from eventpalour.state.base import AuthState
from eventpalour.state.language import t
from eventpalour.state.navigation import AuthLinksState
from eventpalour.state.workspaces import WorkspaceSwitcherState


def _workspace_item(ws: rx.Var) -> rx.Component:
    return rx.menu.item(
        rx.avatar(src=ws.logo_url, fallback=ws.initials, size="1", radius="large", custom_attrs={"alt": ""}),
        ws.name,
        on_click=rx.redirect(ws.url),
    )


def workspace_items() -> rx.Component:
    """The switcher: every workspace the user belongs to, and a way to create one."""
    return rx.fragment(
        rx.text(t("Workspaces"), size="1", color_scheme="gray", padding="4px 12px"),
        rx.foreach(WorkspaceSwitcherState.my_workspaces, _workspace_item),
        rx.cond(
            AuthState.account_type == "organizer",
            rx.menu.item(rx.icon("plus", size=16), t("New workspace"), on_click=rx.redirect(routes.WORKSPACE_NEW)),
        ),
        rx.menu.item(rx.icon("layout-grid", size=16), t("All workspaces"), on_click=rx.redirect(routes.WORKSPACES)),
        rx.menu.separator(),
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            # Named by its content, "Account menu" (read, not shown) and the user's name where it shows:
            # an aria-label would hide the visible name from speech users who say what they see. The
            # initials repeat the name, so the avatar is hidden from assistive technology.
            rx.button(
                rx.box(
                    rx.avatar(fallback=AuthState.user_initials, size="2", radius="full"),
                    aria_hidden="true",
                    display="flex",
                ),
                rx.el.span(t("Account menu"), class_name="rt-sr-only"),
                rx.text(AuthState.user_name, display=["none", "none", "block"]),
                rx.icon("chevron-down", size=16),
                variant="ghost",
                id="account-menu",
            )
        ),
        rx.menu.content(
            rx.box(
                rx.text(AuthState.user_name, weight="bold"),
                rx.text(AuthState.user_email, size="1", color_scheme="gray"),
                padding="8px 12px",
            ),
            rx.menu.separator(),
            workspace_items(),
            rx.cond(
                AuthState.admin_level != "",
                rx.menu.item(rx.icon("shield-check", size=16), t("Admin"), on_click=rx.redirect(routes.ADMIN)),
            ),
            rx.menu.item(rx.icon("ticket", size=16), t("My tickets"), on_click=rx.redirect(routes.MY_TICKETS)),
            rx.menu.item(rx.icon("receipt", size=16), t("Your orders"), on_click=rx.redirect(routes.MY_ORDERS)),
            rx.menu.item(rx.icon("user", size=16), t("Account"), on_click=rx.redirect(routes.ACCOUNT)),
            rx.menu.item(rx.icon("log-out", size=16), t("Sign out"), on_click=AuthState.sign_out, color="red"),
        ),
        on_open_change=WorkspaceSwitcherState.refresh_on_open,
    )


def guest_actions() -> rx.Component:
    # nowrap + no shrinking: on a 390px phone the labels otherwise broke onto two lines. Below 480px
    # only "Sign in" fits beside the other icons; sign-up is one tap away on the sign-in page and the home page.
    return rx.hstack(
        rx.link(rx.button(t("Sign in"), variant="soft", white_space="nowrap"), href=AuthLinksState.sign_in_url),
        rx.link(
            rx.button(t("Sign up"), white_space="nowrap"), href=AuthLinksState.sign_up_url, display=["none", "inline"]
        ),
        spacing="2",
        flex_shrink="0",
    )


def verify_banner() -> rx.Component:
    return rx.cond(
        AuthState.is_authenticated & ~AuthState.is_verified,
        rx.callout(
            rx.hstack(
                rx.text(t("Verify your email to buy tickets and create workspaces.")),
                rx.link(t("Enter your code"), href=AuthLinksState.verify_url, weight="bold"),
                wrap="wrap",
                spacing="2",
            ),
            icon="mail-warning",
            color_scheme="amber",
            size="1",
            width="100%",
            border_radius="0",
        ),
    )


def events_link() -> rx.Component:
    """Discovery from every page: a compass on phones, "Events" beside it from 480px up."""
    # The name sits on the button (the link reads it from there): on phones the button shows only the
    # icon, and a nameless button inside a named link is still a nameless button.
    return rx.link(
        rx.button(
            rx.icon("compass", size=18),
            rx.text(t("Events"), display=["none", "inline"]),
            variant="ghost",
            white_space="nowrap",
            aria_label=t("Events"),
        ),
        href=routes.EVENTS,
        display="flex",
        flex_shrink="0",
    )


def navbar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            logo(),
            rx.spacer(),
            events_link(),
            rx.color_mode.button(variant="ghost", aria_label=t("Toggle dark mode")),
            rx.cond(
                AuthState.auth_checked,
                rx.cond(AuthState.is_authenticated, user_menu(), guest_actions()),
                rx.skeleton(rx.box(width="120px", height="32px")),
            ),
            align="center",
            spacing=rx.breakpoints(initial="2", sm="3"),
            padding_x=["16px", "24px"],
            padding_y="12px",
            max_width="1200px",
            margin="0 auto",
        ),
        verify_banner(),
        id="site-header",  # the scanner scrolls its result below it (components/qr_scanner.jsx, ScanSignal)
        position="sticky",
        top="0",
        z_index="10",
        background=rx.color("gray", 1),
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )
