"""Workspace pieces: logo-or-initials avatar, role badge, the page header with its tabs, upload box."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from eventpalour.components.forms import field
from eventpalour.components.uploads import file_drop
from eventpalour.state.language import t
from eventpalour.state.workspace import WorkspaceState
from eventpalour.state.workspaces import LOGO_UPLOAD_ID, LogoUploadMixin

ROLE_COLORS = {"owner": "violet", "admin": "blue", "moderator": "cyan", "member": "gray"}
ASSIGNABLE_ROLES = ("admin", "moderator", "member")
"""The roles an invitation or a role change may give (the owner's is only ever handed over)."""


def role_name(role: rx.Var) -> rx.Var:
    """A role in the reader's language, as a noun inside a sentence ("moderator", "modérateur")."""
    return rx.match(
        role,
        ("owner", t("owner")),
        ("admin", t("admin")),
        ("moderator", t("moderator")),
        ("member", t("member")),
        role,
    )


def workspace_avatar(logo_url: rx.Var, initials: rx.Var, size: str = "4") -> rx.Component:
    # alt="": the logo sits beside the workspace's name, which says it (an image without alt fails axe).
    return rx.avatar(
        src=logo_url, fallback=initials, size=size, radius="large", variant="solid", custom_attrs={"alt": ""}
    )


def verified_badge(verified: rx.Var) -> rx.Component:
    """The blue badge, when `verified` is true (a flag, or a non-empty text)."""
    return rx.cond(
        verified,
        rx.tooltip(
            rx.badge(
                rx.icon("badge-check", size=14), t("Verified"), color_scheme="blue", variant="solid", high_contrast=True
            ),
            content=t("Verified organizer"),
        ),
    )


def role_badge(role: rx.Var) -> rx.Component:
    return rx.badge(
        role_name(role),
        color_scheme=rx.match(role, *[(k, v) for k, v in ROLE_COLORS.items()], "gray"),
        variant="soft",
        text_transform="capitalize",
    )


def role_select(value: rx.Var, on_change: Callable, label: str | rx.Var) -> rx.Component:
    """A role picker whose options read in the reader's language and carry the role's own value;
    `label` names its trigger for screen readers."""
    return rx.select.root(
        rx.select.trigger(aria_label=label),
        rx.select.content(*[rx.select.item(role_name(rx.Var.create(role)), value=role) for role in ASSIGNABLE_ROLES]),
        value=value,
        on_change=on_change,
        size="1",
    )


def _tab(label: str | rx.Var, href: rx.Var, icon: str, key: str) -> rx.Component:
    """One header tab; the page's own tab is solid and says so to screen readers (aria-current)."""
    current = WorkspaceState.current_tab == key
    return rx.link(
        rx.button(rx.icon(icon, size=16), label, variant=rx.cond(current, "solid", "soft"), size="2", tab_index=-1),
        href=href,
        underline="none",
        aria_current=rx.cond(current, "page", "false"),
    )


def workspace_header() -> rx.Component:
    ws = WorkspaceState.workspace
    base = f"/workspace/{ws.id}"
    return rx.vstack(
        rx.hstack(
            workspace_avatar(ws.logo_url, ws.initials, size="6"),
            rx.vstack(
                rx.hstack(rx.heading(ws.name, size="7", as_="h1"), verified_badge(ws.verified), wrap="wrap"),
                rx.hstack(
                    role_badge(WorkspaceState.role),
                    rx.text(ws.member_label, size="2", color_scheme="gray"),
                    align="center",
                    wrap="wrap",
                ),
                spacing="1",
            ),
            align="center",
            spacing="4",
        ),
        rx.el.nav(
            rx.hstack(
                _tab(t("Dashboard"), base, "layout-dashboard", "dashboard"),
                _tab(t("Events"), base + "/events", "calendar", "events"),
                _tab(t("Members"), base + "/members", "users", "members"),
                _tab(t("Settings"), base + "/settings", "settings", "settings"),
                rx.cond(
                    WorkspaceState.can_view_analytics,
                    _tab(t("Analytics"), base + "/analytics", "chart-column", "analytics"),
                ),
                rx.cond(WorkspaceState.can_manage_billing, _tab(t("Billing"), base + "/billing", "wallet", "billing")),
                _tab(t("Verification"), base + "/verification", "badge-check", "verification"),
                wrap="wrap",
                spacing="2",
            ),
            aria_label=t("Workspace"),
        ),
        spacing="4",
        width="100%",
    )


def logo_uploader(state: type[LogoUploadMixin]) -> rx.Component:
    """Pick or drop an image; it uploads at once with progress, then shows a preview."""
    return rx.vstack(
        rx.el.label(t("Logo"), html_for=LOGO_UPLOAD_ID, style={"font-weight": "600", "font-size": "14px"}),
        rx.hstack(
            rx.avatar(
                src=state.logo_url, fallback="?", size="7", radius="large", custom_attrs={"alt": t("Current logo")}
            ),
            rx.vstack(
                file_drop(
                    rx.vstack(
                        rx.icon("image-up", size=22),
                        rx.text(t("Drop a PNG, JPG or WebP here, or click to choose"), size="2"),
                        rx.text(t("Up to 2 MB"), size="1", color_scheme="gray"),
                        align="center",
                        spacing="1",
                    ),
                    id=LOGO_UPLOAD_ID,
                    label=t("Workspace logo"),
                    accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]},
                    max_files=1,
                    on_drop=state.upload_logo(
                        rx.upload_files(upload_id=LOGO_UPLOAD_ID, on_upload_progress=state.track_upload)
                    ),
                    border=f"1px dashed {rx.color('gray', 7)}",
                    border_radius="12px",
                    padding="16px",
                    width="100%",
                    cursor="pointer",
                ),
                rx.cond(
                    state.is_uploading,
                    rx.progress(value=state.upload_progress, width="100%", aria_label=t("Uploading the logo")),
                ),
                rx.cond(
                    state.logo_url != "",
                    rx.button(
                        t("Remove logo"),
                        variant="ghost",
                        color_scheme="red",
                        size="1",
                        on_click=state.remove_logo,
                        type="button",
                    ),
                ),
                rx.cond(
                    state.field_errors.contains("logo_url"),
                    rx.text(state.field_errors["logo_url"], color_scheme="red", size="2", role="alert"),
                ),
                width="100%",
                spacing="2",
            ),
            width="100%",
            align="center",
            spacing="4",
        ),
        width="100%",
        spacing="1",
    )


def _prefill(values: rx.Var | None, name: str) -> dict[str, rx.Var]:
    """Start an input with the saved value; the key remounts it when that value changes."""
    return {} if values is None else {"default_value": getattr(values, name), "key": getattr(values, name)}


def general_fields(errors: rx.Var, values: rx.Var | None = None) -> rx.Component:
    """Name, description, website and phone (SPEC §3), prefilled from `values` when editing."""
    return rx.vstack(
        field(t("Workspace name"), "name", errors, placeholder=t("Nairobi Jazz Society"), **_prefill(values, "name")),
        rx.vstack(
            rx.el.label(
                t("Description"), html_for="field-description", style={"font-weight": "600", "font-size": "14px"}
            ),
            rx.text_area(
                id="field-description",
                name="description",
                placeholder=t("What kind of events do you run? At least 10 characters."),
                rows="4",
                width="100%",
                **_prefill(values, "description"),
            ),
            rx.cond(
                errors.contains("description"),
                rx.text(errors["description"], color_scheme="red", size="2", role="alert"),
            ),
            width="100%",
            spacing="1",
        ),
        rx.grid(
            field(t("Website"), "website", errors, placeholder="https://example.com", **_prefill(values, "website")),
            field(
                t("Phone"),
                "phone",
                errors,
                type_="tel",
                placeholder="+254 712 345678",
                hint=t("With the country code."),
                **_prefill(values, "phone"),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


SOCIALS = (
    ("social_x", "X (Twitter)", "https://x.com/yourteam"),
    ("social_facebook", "Facebook", "https://facebook.com/yourteam"),
    ("social_instagram", "Instagram", "https://instagram.com/yourteam"),
    ("social_linkedin", "LinkedIn", "https://linkedin.com/company/yourteam"),
    ("social_github", "GitHub", "https://github.com/yourteam"),
)


def social_fields(errors: rx.Var, values: rx.Var | None = None) -> rx.Component:
    return rx.grid(
        *[
            field(label, name, errors, placeholder=example, **_prefill(values, name))
            for name, label, example in SOCIALS
        ],
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
        width="100%",
    )


def workspace_shell(content: rx.Component) -> rx.Component:
    """Loading, a clear message for non-members and missing workspaces, or the workspace page."""
    return rx.cond(
        ~WorkspaceState.loaded,
        rx.center(rx.spinner(size="3"), min_height="40vh", role="status"),
        rx.cond(
            WorkspaceState.load_problem != "",
            rx.center(
                rx.card(
                    rx.vstack(
                        rx.icon("lock", size=32, color=rx.color("gray", 9)),
                        rx.heading(t("You can't open this workspace"), size="5", as_="h1"),
                        rx.text(WorkspaceState.load_problem, color_scheme="gray"),
                        rx.link(rx.button(t("Your workspaces"), variant="soft"), href="/workspaces"),
                        align="center",
                        spacing="3",
                    ),
                    size="4",
                    max_width="480px",
                ),
                padding_y="48px",
            ),
            rx.vstack(workspace_header(), content, spacing="5", width="100%"),
        ),
    )
