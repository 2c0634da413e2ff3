"""The admin area's frame: the `admin_page` decorator (sidebar + content, or a not-found view for
everybody who is not a platform admin), and the small pieces its pages share."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import choice_select
from eventpalour.components.layout import loading, page
from eventpalour.services.platform import N_
from eventpalour.state.admin import AdminState
from eventpalour.state.forms import FormMixin
from eventpalour.state.language import fill, t

NAV = [
    (N_("Dashboard"), routes.ADMIN, "layout-dashboard", None),
    (N_("Users"), routes.ADMIN_USERS, "users", None),
    (N_("KYC"), routes.ADMIN_KYC, "id-card", AdminState.can_review_kyc),
    (N_("Blue tickets"), routes.ADMIN_BLUE_TICKETS, "badge-check", AdminState.can_review_blue_tickets),
    (N_("Categories"), routes.ADMIN_CATEGORIES, "tags", AdminState.can_review_categories),
    (N_("Revenue"), routes.ADMIN_REVENUE, "wallet", AdminState.can_see_revenue),
    (N_("Audit log"), routes.ADMIN_AUDIT, "scroll-text", None),
    (N_("Admins"), routes.ADMIN_ADMINS, "shield", AdminState.can_manage_admins),
]


def _nav_link(label: str, href: str, icon: str, current: str) -> rx.Component:
    active = current == href
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16), rx.text(t(label), size="2", white_space="nowrap"), align="center", spacing="2"
        ),
        href=href,
        underline="none",
        padding="8px 12px",
        border_radius="8px",
        color=rx.color("violet", 11) if active else rx.color("gray", 12),
        background=rx.color("violet", 3) if active else "transparent",
        font_weight="600" if active else "400",
        aria_current="page" if active else None,
        _hover={"background": rx.color("gray", 3)},
    )


def admin_nav(current: str) -> rx.Component:
    """Every admin section this level may open: a column on wide screens, a scrolling row on phones."""
    links = [
        _nav_link(label, href, icon, current) if flag is None else rx.cond(flag, _nav_link(label, href, icon, current))
        for label, href, icon, flag in NAV
    ]
    return rx.el.nav(
        rx.flex(*links, direction=rx.breakpoints(initial="row", md="column"), gap="1"),
        aria_label=t("Admin sections"),
        overflow_x="auto",
        min_width=rx.breakpoints(initial="auto", md="200px"),
        padding_bottom=["8px", "8px", "0"],
    )


def not_found() -> rx.Component:
    """What anyone who is not a platform admin sees: the admin area does not admit it exists."""
    return rx.center(
        rx.vstack(
            rx.heading(t("Page not found"), size="7", as_="h1"),
            rx.text(t("This page does not exist."), color_scheme="gray"),
            rx.link(rx.button(t("Go home"), variant="soft"), href=routes.HOME),
            align="center",
            spacing="3",
        ),
        padding_y="64px",
    )


def admin_page(
    route: str, title: str, *, on_load: Callable | list | None = None, form: type[FormMixin] | None = None
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register an admin page: the entry check runs first, then the page's own loads (`form` as in `page`).
    `title` is the whole tab title marked with N_ ("Admin · Users"), so the layout translates it."""
    extra = on_load if isinstance(on_load, list) else ([on_load] if on_load else [])

    def decorator(build: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def content() -> rx.Component:
            return rx.cond(
                ~AdminState.admin_checked,
                loading(),
                rx.cond(
                    AdminState.admin_allowed,
                    rx.flex(
                        admin_nav(route),
                        rx.box(build(), flex="1", min_width="0"),
                        direction=rx.breakpoints(initial="column", md="row"),
                        gap="5",
                        width="100%",
                    ),
                    not_found(),
                ),
            )

        content.__name__, content.__qualname__, content.__module__ = (
            build.__name__,
            build.__qualname__,
            build.__module__,
        )
        return page(route, title, on_load=[AdminState.enter_admin, *extra], form=form, width="1320px")(content)

    return decorator


def heading(title: str | rx.Var, subtitle: str | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="7", as_="h1"),
        rx.text(subtitle, color_scheme="gray", size="2"),
        spacing="1",
    )


def review_status(status: str) -> rx.Var:
    """A review queue's status word in the reader's language ("pending", "en attente")."""
    words = {
        "pending": N_("pending"),
        "approved": N_("approved"),
        "rejected": N_("rejected"),
        "revoked": N_("revoked"),
        "requires_update": N_("needs an update"),
    }
    return t(words[status])


def review_filter(queues: list[str], label: str | rx.Var, **props) -> rx.Component:
    """The picker of a review queue's status, its options in the reader's language."""
    return choice_select([(status, review_status(status)) for status in queues], label, **props)


def error_callout(message: rx.Var) -> rx.Component:
    return rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%")


def pager(
    page_var: rx.Var, pages: rx.Var, total: rx.Var, on_prev: rx.EventHandler, on_next: rx.EventHandler
) -> rx.Component:
    return rx.hstack(
        rx.text(
            fill(t("{total} results · page {page} of {pages}"), total=total, page=page_var, pages=pages),
            size="2",
            color_scheme="gray",
        ),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            t("Previous"),
            variant="soft",
            size="2",
            disabled=page_var <= 1,
            on_click=on_prev,
        ),
        rx.button(
            t("Next"),
            rx.icon("chevron-right", size=16),
            variant="soft",
            size="2",
            disabled=page_var >= pages,
            on_click=on_next,
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )
