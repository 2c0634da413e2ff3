"""The tickets panel's choice for a signed-out buyer (#24 §1): sign in, or "Continue as guest" with a
name and an email (and a phone when the organizer asks). Hidden when the event requires accounts."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.forms import field
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.language import t

S = EventDetailState


def _free() -> rx.Var:
    return S.total_is_free


def _guest_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(t("Continue as guest"), size="3", as_="h3"),
            field(t("Your name"), "guest_name", S.guest_errors, auto_complete="name"),
            field(
                t("Email"),
                "guest_email",
                S.guest_errors,
                type_="email",
                auto_complete="email",
                hint=t("Your tickets and a link to see them are sent here."),
            ),
            rx.cond(
                S.guest_asks_phone,
                field(t("Phone"), "guest_phone", S.guest_errors, type_="tel", auto_complete="tel"),
            ),
            rx.button(
                rx.cond(_free(), t("Register as guest"), t("Pay as guest")),
                type="submit",
                size="3",
                width="100%",
                loading=S.is_checking_out,
            ),
            rx.button(t("Back"), type="button", variant="ghost", size="2", on_click=S.close_guest_form),
            spacing="3",
            width="100%",
        ),
        on_submit=S.checkout_as_guest,
        aria_label=t("Guest checkout"),
        width="100%",
    )


def guest_choice() -> rx.Component:
    """Sign in (then back here with the tickets picked) or check out as a guest."""
    return rx.cond(
        S.guest_open,
        _guest_form(),
        rx.vstack(
            rx.button(
                rx.cond(_free(), t("Sign in and register"), t("Sign in and check out")),
                size="3",
                width="100%",
                loading=S.is_checking_out,
                on_click=S.checkout,
            ),
            rx.button(t("Continue as guest"), size="3", width="100%", variant="outline", on_click=S.open_guest_form),
            spacing="2",
            width="100%",
        ),
    )


def guest_registered() -> rx.Component:
    """After a free guest registration: where the tickets went."""
    return rx.callout(
        rx.text(
            t("You're registered! We emailed your tickets to "),
            rx.text.strong(S.guest_sent_to),
            t(", with a link to see them any time."),
        ),
        icon="mail-check",
        color_scheme="green",
        role="status",
        width="100%",
    )
