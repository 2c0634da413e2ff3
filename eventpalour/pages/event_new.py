"""/workspace/{id}/events/new: create an event in six short steps, checked as you go."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.event_form import EventFormParts
from eventpalour.components.layout import page
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_EVENT_NEW
from eventpalour.state.events import STEPS, EventCreateState
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
                rx.text(f"{i + 1}. {name}"),
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


def _nav() -> rx.Component:
    last = len(STEPS) - 1
    return rx.hstack(
        rx.cond(S.step > 0, rx.button("Back", variant="soft", on_click=S.previous_step, type="button")),
        rx.spacer(),
        rx.cond(
            S.step < last,
            rx.button("Next", rx.icon("arrow-right", size=16), on_click=S.next_step, type="button"),
            rx.button("Save draft", on_click=S.save_draft, loading=S.is_saving, type="button"),
        ),
        width="100%",
    )


def _not_allowed() -> rx.Component:
    return rx.callout("Only moderators, admins and the owner can create events.", icon="lock")


@page(WORKSPACE_EVENT_NEW, "New event", on_load=[WorkspaceState.load_workspace, S.start], require="user", width="860px")
def event_new() -> rx.Component:
    return workspace_shell(
        rx.cond(
            WorkspaceState.can_edit,
            rx.vstack(
                rx.heading("Create an event", size="6", as_="h2"),
                _stepper(),
                rx.card(
                    rx.match(S.step, *[(i, view()) for i, view in enumerate(STEP_VIEWS)], rx.fragment()),
                    size="3",
                    width="100%",
                ),
                _nav(),
                spacing="4",
                width="100%",
            ),
            _not_allowed(),
        )
    )
