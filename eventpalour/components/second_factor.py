"""The notice a money action shows before its button when the session has not passed two-factor
(the services' SecondFactorNeed), so the organizer learns the need and where to meet it first,
rather than from a refusal after the click."""

from __future__ import annotations

import reflex as rx


def second_factor_notice(need: rx.Var, label: str) -> rx.Component:
    """`need` (an identity.SecondFactorNeed Var) as a callout with its link; nothing when not needed."""
    return rx.cond(
        need.needed,
        rx.callout(
            rx.text(need.message, " ", rx.link(need.link_label, href=need.setup_url, weight="bold")),
            icon="shield-alert",
            color_scheme="amber",
            width="100%",
            role="note",
            aria_label=label,
        ),
    )


def blocked_button(text: str, **props) -> rx.Component:
    """The action's button, disabled while two-factor is missing: the notice beside it says why."""
    return rx.button(text, disabled=True, variant="soft", color_scheme="gray", **props)
