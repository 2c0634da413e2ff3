"""/workspace/{id}/events/new: create an event in six short steps, checked as you go and kept as a
draft on the server; the last step previews the public page before saving."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.event_form import EventFormParts
from eventpalour.components.event_overview import event_about, event_header
from eventpalour.components.layout import page
from eventpalour.components.tier_panel import tier_list_preview
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_EVENT_NEW
from eventpalour.services.platform import N_
from eventpalour.state.event_creator import STEPS, EventCreateState
from eventpalour.state.language import t
from eventpalour.state.workspace import WorkspaceState

S = EventCreateState
FORM = EventFormParts(S)
STEP_VIEWS = [
    FORM.details_step,
    FORM.when_step,
    FORM.where_step,
    FORM.pricing_step,
    FORM.tiers_step,
    FORM.partners_step,
]


def _stepper() -> rx.Component:
    return rx.hstack(
        *[
            rx.button(
                rx.text(f"{i + 1}. ", t(name)),
                variant=rx.cond(S.step == i, "solid", rx.cond(S.step > i, "soft", "outline")),
                size="1",
                on_click=S.go_to_step(i),
                aria_current=rx.cond(S.step == i, "step", "false"),
                type="button",
            )
            for i, name in enumerate(STEPS)
        ],
        wrap="wrap",
        spacing="2",
    )


def _draft_note() -> rx.Component:
    """Where the kept draft stands, and a way to throw it away and start again."""
    return rx.cond(
        S.draft_saved != "",
        rx.hstack(
            rx.icon("cloud-check", size=16, color=rx.color("green", 11)),
            rx.text(S.draft_saved, size="2", color_scheme="gray", role="status"),
            rx.spacer(),
            rx.button(t("Start over"), variant="ghost", color_scheme="red", size="1", on_click=S.discard_draft),
            align="center",
            width="100%",
        ),
    )


def _nav() -> rx.Component:
    last = len(STEPS) - 1
    return rx.hstack(
        rx.cond(S.step > 0, rx.button(t("Back"), variant="soft", on_click=S.previous_step, type="button")),
        rx.spacer(),
        rx.cond(
            S.step < last,
            rx.button(t("Next"), rx.icon("arrow-right", size=16), on_click=S.next_step, type="button"),
            rx.hstack(
                rx.button(
                    rx.icon("eye", size=16), t("Preview"), variant="soft", on_click=S.show_preview, type="button"
                ),
                rx.button(t("Save draft"), on_click=S.save_draft, loading=S.is_saving, type="button"),
                spacing="2",
            ),
        ),
        width="100%",
    )


def _preview() -> rx.Component:
    """The public page as it will read (its own header and story blocks), with nothing to buy yet."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(t("Preview: not published"), color_scheme="amber", size="2"),
                rx.spacer(),
                rx.button(t("Close preview"), variant="soft", size="1", on_click=S.close_preview, type="button"),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.preview.banner_url != "",
                rx.image(
                    src=S.preview.banner_url,
                    alt=t("Event banner"),
                    width="100%",
                    max_height="260px",
                    object_fit="cover",
                    border_radius="12px",
                ),
            ),
            event_header(S.preview, share=False),
            tier_list_preview(S.preview_tiers),
            event_about(S.preview, S.preview_partners),
            spacing="5",
            width="100%",
        ),
        size="3",
        width="100%",
        role="region",
        aria_label=t("Preview of the event page"),
    )


def _not_allowed() -> rx.Component:
    return rx.callout(t("Only moderators, admins and the owner can create events."), icon="lock")


@page(
    WORKSPACE_EVENT_NEW,
    N_("New event"),
    on_load=[WorkspaceState.load_workspace, S.start],
    require="user",
    width="860px",
)
def event_new() -> rx.Component:
    return workspace_shell(
        rx.cond(
            WorkspaceState.can_edit,
            rx.vstack(
                rx.heading(t("Create an event"), size="6", as_="h2"),
                _stepper(),
                _draft_note(),
                rx.card(
                    rx.match(S.step, *[(i, view()) for i, view in enumerate(STEP_VIEWS)], rx.fragment()),
                    size="3",
                    width="100%",
                ),
                _nav(),
                rx.cond(S.previewing, _preview()),
                spacing="4",
                width="100%",
            ),
            _not_allowed(),
        )
    )
