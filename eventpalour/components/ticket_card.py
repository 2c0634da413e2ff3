"""A ticket as its holder sees it on /tickets, and the two dialogs it opens: the full-screen QR code
for the door, and the transfer form with its confirmation."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.workspace import verified_badge
from eventpalour.state.language import t
from eventpalour.state.tickets import TicketsState

S = TicketsState


def _line(icon: str, *children: rx.Component | rx.Var | str, **props) -> rx.Component:
    """One fact of the card with its icon beside the first line of text, also when the text wraps."""
    return rx.hstack(
        rx.icon(icon, size=14, flex_shrink="0", margin_top="4px"),
        rx.text(*children, size="2", **props),
        spacing="2",
        align="start",
    )


def qr_image(ticket: rx.Var, size: str) -> rx.Component:
    """The QR code on white in both colour modes: scanners need dark modules on a light ground."""
    return rx.box(
        rx.image(src=ticket.qr_data_uri, alt=t("QR code for ticket ") + ticket.short_code, width="100%", height="auto"),
        background="white",
        border_radius="12px",
        padding="8px",
        width=size,
        max_width="100%",
    )


def file_link(label: str | rx.Var, icon: str, href: rx.Var, **props) -> rx.Component:
    """A link to a file from the API (sent with the session cookie). A full page load: client-side
    routing would look for a page at an /api/ path and show a 404."""
    return rx.link(
        rx.button(rx.icon(icon, size=16), label, variant="soft", size="2", tab_index=-1),
        href=href,
        reload_document=True,
        underline="none",
        **props,
    )


def _actions(card: rx.Var) -> rx.Component:
    ticket = card.ticket
    return rx.flex(
        rx.cond(
            ticket.qr_data_uri != "",
            rx.button(
                rx.icon("maximize", size=16),
                t("Show at the door"),
                size="2",
                on_click=S.show_qr(ticket.ticket_id),
                aria_label=t("Show at the door: ticket ") + ticket.short_code,
            ),
        ),
        rx.cond(ticket.has_calendar, file_link(t("Add to calendar"), "calendar-plus", card.calendar_url)),
        rx.cond(
            ticket.can_download,
            file_link(t("Download"), "download", card.image_url, download=True),
        ),
        rx.cond(
            ticket.can_transfer,
            rx.button(
                rx.icon("send", size=16),
                t("Transfer"),
                variant="soft",
                color_scheme="gray",
                size="2",
                on_click=S.open_transfer(ticket.ticket_id),
            ),
        ),
        wrap="wrap",
        gap="8px",
    )


def ticket_card(card: rx.Var) -> rx.Component:
    ticket = card.ticket
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(ticket.event_title, href=card.event_url, weight="bold", size="4"),
                rx.spacer(),
                status_badge(ticket.status, "ticket", card.status_label, size="2"),
                width="100%",
                align="start",
            ),
            _line("calendar", card.when),
            rx.cond(ticket.place != "", _line("map-pin", ticket.place)),
            rx.hstack(
                _line("users", t("By "), ticket.organizer),
                verified_badge(ticket.organizer_verified),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(ticket.tier_name, " · ", card.price, size="2", color_scheme="gray"),
            rx.cond(ticket.attendee_name != "", _line("user", t("Attendee: "), ticket.attendee_name)),
            rx.cond(
                ticket.transferred_from != "",
                _line("gift", t("Transferred from "), ticket.transferred_from, color_scheme="violet"),
            ),
            rx.cond(
                ticket.transferred_to != "",
                _line("send", t("Transferred to "), ticket.transferred_to, color_scheme="gray"),
            ),
            rx.cond(card.used_at != "", rx.text(t("Checked in at "), card.used_at, size="2")),
            rx.cond(
                ticket.qr_data_uri != "",
                rx.vstack(
                    qr_image(ticket, "180px"), rx.code(ticket.short_code, size="4", weight="bold"), align="center"
                ),
                rx.text(t("Code "), rx.code(ticket.short_code), size="2", color_scheme="gray"),
            ),
            _actions(card),
            spacing="2",
            width="100%",
            align="stretch",
        ),
        width="100%",
        data_testid="my-ticket",
    )


def qr_dialog() -> rx.Component:
    """The chosen ticket's QR code as large as the screen allows, for the door scanner."""
    shown = S.shown_ticket
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title(shown.ticket.event_title, size="5"),
                rx.dialog.description(shown.ticket.tier_name, " · ", shown.when, size="2"),
                rx.cond(shown, qr_image(shown.ticket, "min(88vw, 70vh)")),
                rx.code(shown.ticket.short_code, size="8", weight="bold"),
                rx.dialog.close(rx.button(t("Close"), variant="soft", size="3", width="100%")),
                align="center",
                spacing="3",
            ),
            max_width="min(96vw, 640px)",
        ),
        open=S.shown_qr_id != "",
        on_open_change=S.hide_qr,
    )


def _transfer_name_field() -> rx.Component:
    """The new attendee's name: the event names each ticket's attendee (the door greets them by it)."""
    return rx.vstack(
        rx.el.label(t("New attendee's name"), html_for="transfer-name", style={"font-weight": "600"}),
        rx.input(
            id="transfer-name",
            name="attendee_name",
            default_value=S.transfer_name,
            auto_complete="off",
            size="3",
            width="100%",
            aria_invalid=rx.cond(S.transfer_errors.contains("attendee_name"), "true", "false"),
            aria_describedby="transfer-name-error",
        ),
        rx.cond(
            S.transfer_errors.contains("attendee_name"),
            rx.text(
                S.transfer_errors["attendee_name"], color_scheme="red", size="2", role="alert", id="transfer-name-error"
            ),
        ),
        spacing="1",
        width="100%",
    )


def _transfer_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(t("Recipient's email"), html_for="transfer-email", style={"font-weight": "600"}),
            rx.input(
                id="transfer-email",
                name="email",
                type="email",
                default_value=S.transfer_email,
                placeholder="friend@example.com",
                auto_complete="email",
                size="3",
                width="100%",
                aria_invalid=rx.cond(S.transfer_errors.contains("email"), "true", "false"),
                aria_describedby="transfer-email-note",
            ),
            rx.cond(
                S.transfer_errors.contains("email"),
                rx.text(
                    S.transfer_errors["email"], color_scheme="red", size="2", role="alert", id="transfer-email-note"
                ),
                rx.text(
                    t("They need a verified EventPalour account with this email."),
                    size="1",
                    color_scheme="gray",
                    id="transfer-email-note",
                ),
            ),
            rx.cond(S.transfer_asks_name, _transfer_name_field()),
            rx.hstack(
                rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray", type="button")),
                rx.button(t("Continue"), type="submit", loading=S.is_transferring),
                justify="end",
                width="100%",
            ),
            spacing="2",
        ),
        on_submit=S.review_transfer,
        reset_on_submit=False,
    )


def _transfer_confirmation() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.vstack(
                rx.text(
                    t("Transfer ticket "),
                    rx.code(S.transfer_code),
                    t(" to "),
                    rx.text.strong(S.transfer_email),
                    rx.cond(S.transfer_name != "", rx.fragment(t(" for "), rx.text.strong(S.transfer_name))),
                    "?",
                ),
                rx.el.ul(
                    rx.el.li(t("Your code and QR code stop working at the door immediately.")),
                    rx.el.li(t("They get a new ticket with a new code, by email and on their My tickets page.")),
                    rx.el.li(t("You cannot undo this; only they can transfer it back.")),
                    style={"paddingLeft": "18px", "margin": "0", "listStyle": "disc"},
                ),
                spacing="2",
            ),
            icon="info",
            color_scheme="amber",
        ),
        rx.hstack(
            rx.button(
                t("Back"), variant="soft", color_scheme="gray", on_click=S.edit_transfer, disabled=S.is_transferring
            ),
            rx.button(t("Transfer ticket"), on_click=S.confirm_transfer, loading=S.is_transferring),
            justify="end",
            width="100%",
        ),
        spacing="3",
    )


def transfer_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Transfer ticket")),
            rx.dialog.description(
                t("Give this ticket to someone else. The event's capacity does not change."), size="2"
            ),
            rx.box(rx.cond(S.transfer_confirming, _transfer_confirmation(), _transfer_form()), margin_top="12px"),
            max_width="480px",
        ),
        open=S.transfer_id != "",
        on_open_change=S.close_transfer,
    )
