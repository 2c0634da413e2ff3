"""/onboarding: choose how you will use EventPalour, right after sign-up."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.forms import form_error, submit_button
from eventpalour.components.layout import page
from eventpalour.services import platform
from eventpalour.state.auth import OnboardingState
from eventpalour.state.base import AuthState
from eventpalour.state.language import t


def _choice(value: str, icon: str, title: str | rx.Var, text: str | rx.Var) -> rx.Component:
    return rx.radio_cards.item(
        rx.hstack(
            rx.icon(icon, size=28, color=rx.color("violet", 9), flex_shrink="0"),  # kept whole on phones
            rx.vstack(rx.text(title, weight="bold"), rx.text(text, size="2", color_scheme="gray"), spacing="1"),
            align="center",
            spacing="3",
            width="100%",
        ),
        value=value,
        aria_label=title,
    )


@page(routes.ONBOARDING, platform.N_("Welcome"), require="user", form=OnboardingState)
def onboarding() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(rx.text.span(t("Welcome, "), AuthState.user_name), size="7", as_="h1"),
                    rx.text(
                        t("How will you use EventPalour? You can become an organizer later too."), color_scheme="gray"
                    ),
                    form_error(OnboardingState.form_error),
                    rx.radio_cards.root(
                        _choice(
                            "attendee", "ticket", t("I'm attending events"), t("Discover events, buy and keep tickets.")
                        ),
                        _choice(
                            "organizer",
                            "calendar-plus",
                            t("I'm organizing events"),
                            t("Create a workspace, sell tickets, scan guests in."),
                        ),
                        value=OnboardingState.choice,
                        on_value_change=OnboardingState.choose,
                        columns="1",
                        width="100%",
                        aria_label=t("Account type"),
                    ),
                    submit_button(t("Continue"), OnboardingState.is_submitting, t("Saving…")),
                    spacing="4",
                    width="100%",
                ),
                on_submit=OnboardingState.submit,
            ),
            size="4",
            width="100%",
            max_width="520px",
        ),
        padding_y=["16px", "48px"],
    )
