"""The creator's unfinished event, offered again on the workspace's dashboard and event list."""

from __future__ import annotations

import reflex as rx

from eventpalour.state.event_drafts import DraftNoticeMixin
from eventpalour.state.language import fill, t


def unfinished_draft(state: type[DraftNoticeMixin]) -> rx.Component:
    """ "Unfinished event: <title> · saved …" with Continue editing and Discard draft; nothing without one."""
    return rx.cond(
        state.draft_title != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("file-pen-line")),
            rx.flex(
                rx.text(
                    fill(t("Unfinished event: {title}"), title=state.draft_title),
                    " · ",
                    state.draft_saved,
                ),
                rx.spacer(),
                rx.hstack(
                    rx.link(rx.button(t("Continue editing"), size="1"), href=state.creator_url),
                    rx.button(
                        t("Discard draft"), size="1", variant="soft", color_scheme="red", on_click=state.discard_draft
                    ),
                    spacing="2",
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap="2",
                width="100%",
                align=rx.breakpoints(initial="start", sm="center"),
            ),
            width="100%",
        ),
    )
