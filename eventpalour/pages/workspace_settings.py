"""/workspace/{id}/settings: profile, branding, social links, ticket templates, invite link, API tokens, webhooks
and the danger zone, each shown only to the roles SPEC §1.3 allows (the services check again on save)."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.api_tokens import api_tokens_section
from eventpalour.components.forms import field, form_error, settings_section, submit_button
from eventpalour.components.layout import page
from eventpalour.components.tier_templates import tier_templates_section
from eventpalour.components.webhooks import webhooks_section
from eventpalour.components.workspace import general_fields, logo_uploader, social_fields, workspace_shell
from eventpalour.routes import WORKSPACE_SETTINGS
from eventpalour.state.api_tokens import ApiTokensState
from eventpalour.state.language import t
from eventpalour.state.tier_templates import TierTemplatesState
from eventpalour.state.webhooks import WebhooksState
from eventpalour.state.workspace import WorkspaceSettingsState, WorkspaceState


def _profile_form() -> rx.Component:
    errors, values = WorkspaceSettingsState.field_errors, WorkspaceState.workspace
    return rx.form(
        rx.vstack(
            form_error(WorkspaceSettingsState.form_error),
            settings_section(
                t("General"), t("How your workspace appears on events and tickets."), general_fields(errors, values)
            ),
            settings_section(
                t("Branding"), t("Without a logo, your initials are shown."), logo_uploader(WorkspaceSettingsState)
            ),
            settings_section(
                t("Social links"), t("Optional links shown on your organizer profile."), social_fields(errors, values)
            ),
            rx.box(
                submit_button(t("Save settings"), WorkspaceSettingsState.is_submitting, t("Saving…")), max_width="240px"
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=WorkspaceSettingsState.save_settings,
        width="100%",
    )


ORGANIZER_PREFIX = routes.organizer_url("")  # "/o/": slugs are [a-z0-9-], nothing to quote


def _public_page() -> rx.Component:
    """The organizer page's address, and for the owner the form that changes it."""
    return settings_section(
        t("Public page"),
        t("Your organizer page shows your profile and public events. Changing the address breaks old links."),
        rx.hstack(
            rx.link(
                WorkspaceState.workspace.public_url,
                href=ORGANIZER_PREFIX + WorkspaceState.workspace.slug,
                is_external=True,
                overflow_wrap="anywhere",
            ),
            wrap="wrap",
            align="center",
        ),
        rx.cond(
            WorkspaceState.is_owner,
            rx.form(
                rx.vstack(
                    field(
                        t("Page address"),
                        "slug",
                        WorkspaceSettingsState.field_errors,
                        hint=t("Lowercase letters, digits and dashes, like nairobi-jazz."),
                        default_value=WorkspaceState.workspace.slug,
                        key=WorkspaceState.workspace.slug,
                    ),
                    rx.box(
                        submit_button(t("Save address"), WorkspaceSettingsState.is_submitting, t("Saving…")),
                        max_width="240px",
                    ),
                    width="100%",
                    align="start",
                ),
                on_submit=WorkspaceSettingsState.change_slug,
                width="100%",
            ),
        ),
    )


def _invite_link() -> rx.Component:
    return settings_section(
        t("Invite link"),
        t("Anyone signed in with this link joins as a member. Regenerate it to stop old links working."),
        rx.hstack(
            rx.code(WorkspaceState.workspace.invite_link, overflow_wrap="anywhere"),
            rx.button(
                rx.icon("copy", size=14), t("Copy link"), variant="soft", on_click=WorkspaceState.copy_invite_link
            ),
            rx.button(
                rx.icon("refresh-cw", size=14),
                t("Regenerate"),
                variant="outline",
                on_click=WorkspaceSettingsState.regenerate_invite_code,
            ),
            wrap="wrap",
            align="center",
        ),
    )


def _transfer() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(t("New owner"), html_for="new-owner", style={"font-weight": "600", "font-size": "14px"}),
            rx.cond(
                WorkspaceSettingsState.admins.length() == 0,
                rx.text(t("Make someone an admin first; ownership goes to an admin."), size="2", color_scheme="gray"),
                rx.hstack(
                    rx.el.select(
                        rx.foreach(
                            WorkspaceSettingsState.admins,
                            lambda a: rx.el.option(a.name, " (", a.email, ")", value=a.user_id),
                        ),
                        id="new-owner",
                        name="new_owner_id",
                        style={"padding": "6px", "border-radius": "8px", "min-width": "220px"},
                    ),
                    rx.button(t("Transfer ownership"), color_scheme="red", variant="soft", type="submit"),
                    wrap="wrap",
                ),
            ),
            width="100%",
        ),
        on_submit=WorkspaceSettingsState.transfer_ownership,
    )


def _delete() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                t("Type the workspace name to delete it"),
                "confirm_name",
                WorkspaceSettingsState.field_errors,
                placeholder=WorkspaceState.workspace.name,
            ),
            rx.button(t("Delete workspace"), color_scheme="red", type="submit"),
            width="100%",
            align="start",
        ),
        on_submit=WorkspaceSettingsState.delete_workspace,
        width="100%",
    )


def _read_only_notice() -> rx.Component:
    return rx.callout(t("Only moderators, admins and the owner can change these settings."), icon="lock")


@page(
    WORKSPACE_SETTINGS,
    "Workspace settings",
    on_load=[
        WorkspaceState.load_workspace,
        WorkspaceSettingsState.load_settings,
        TierTemplatesState.reset_form,
        TierTemplatesState.load_templates,
        ApiTokensState.reset_form,
        ApiTokensState.load_tokens,
        WebhooksState.reset_form,
        WebhooksState.load_webhooks,
    ],
    require="user",
    form=WorkspaceSettingsState,
)
def workspace_settings() -> rx.Component:
    return workspace_shell(
        rx.vstack(
            rx.cond(WorkspaceState.can_edit, _profile_form(), _read_only_notice()),
            _public_page(),
            rx.cond(WorkspaceState.can_manage_events, tier_templates_section()),
            rx.cond(WorkspaceState.can_manage_members, _invite_link()),
            rx.cond(WorkspaceState.can_manage_integrations, api_tokens_section()),
            rx.cond(WorkspaceState.can_manage_integrations, webhooks_section()),
            rx.cond(
                WorkspaceState.is_owner,
                settings_section(
                    t("Danger zone"), t("These cannot be undone."), _transfer(), rx.separator(), _delete(), danger=True
                ),
            ),
            spacing="4",
            width="100%",
            max_width="820px",
        )
    )
