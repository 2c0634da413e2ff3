"""/tickets: every ticket of the signed-in person, upcoming first (SPEC §6 getUserTickets)."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.holder_announcements import holder_announcements
from eventpalour.components.layout import loading, page
from eventpalour.components.ticket_card import qr_dialog, ticket_card, transfer_dialog
from eventpalour.state.language import t
from eventpalour.state.tickets import TicketsState

S = TicketsState


def _section(title: str | rx.Var, tickets: rx.Var) -> rx.Component:
    return rx.cond(
        tickets.length() > 0,
        rx.vstack(
            rx.heading(title, size="5", as_="h2"),
            rx.grid(
                rx.foreach(tickets, ticket_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
            ),
            width="100%",
            spacing="3",
        ),
    )


def _summary() -> rx.Component:
    """Events attended, upcoming events, tickets to use: a line of small cards."""
    return rx.flex(
        rx.foreach(
            S.summary,
            lambda words: rx.card(
                rx.text(words, weight="medium", size="3"), flex="1 1 150px", data_testid="ticket-summary"
            ),
        ),
        wrap="wrap",
        gap="12px",
        width="100%",
        role="group",
        aria_label=t("Your tickets at a glance"),
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("ticket", size=36, color=rx.color("violet", 9)),
            rx.text(t("No tickets yet."), weight="bold", size="4"),
            rx.text(t("Tickets you buy, register for or receive from friends appear here."), color_scheme="gray"),
            rx.link(rx.button(t("Browse events")), href=routes.EVENTS),
            align="center",
            text_align="center",
            padding="24px",
            spacing="3",
        ),
        width="100%",
    )


@page(routes.MY_TICKETS, "My tickets", on_load=S.load_tickets, require="user")
def my_tickets() -> rx.Component:
    return rx.vstack(
        rx.heading(t("My tickets"), size="7", as_="h1"),
        rx.cond(
            ~S.tickets_loaded,
            loading(t("Loading your tickets…")),
            rx.cond(
                (S.upcoming.length() == 0) & (S.past.length() == 0),
                _empty(),
                rx.vstack(
                    _summary(),
                    _section(t("Upcoming"), S.upcoming),
                    holder_announcements(S.announcements, with_event=True),
                    _section(t("Past"), S.past),
                    spacing="6",
                    width="100%",
                ),
            ),
        ),
        qr_dialog(),
        transfer_dialog(),
        spacing="4",
        width="100%",
    )
