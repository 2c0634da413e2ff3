"""/workspace/{id}/events/{short_id}: one event for its organizers: edit, tickets and status actions."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.announcements import announcements_tab
from eventpalour.components.badges import status_badge
from eventpalour.components.buyer_options import buyer_options_section
from eventpalour.components.checkin_lists import checkin_lists_tab
from eventpalour.components.dialogs import confirm_button
from eventpalour.components.discount_codes import codes_tab
from eventpalour.components.event_form import EventFormParts
from eventpalour.components.event_orders import orders_tab
from eventpalour.components.event_series import repeat_tab
from eventpalour.components.layout import page
from eventpalour.components.questions import questions_tab
from eventpalour.components.second_factor import blocked_button, second_factor_notice
from eventpalour.components.waiting_room import waiting_room_section
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_EVENT
from eventpalour.services import platform
from eventpalour.state.announcements import EventAnnouncementsState
from eventpalour.state.buyer_options import EventBuyerOptionsState
from eventpalour.state.checkin_lists import EventCheckInListsState
from eventpalour.state.discount_codes import EventCodesState
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.event_series import EventSeriesState
from eventpalour.state.events import EventManageState
from eventpalour.state.language import fill, t
from eventpalour.state.questions import EventQuestionsState
from eventpalour.state.waiting_room import EventWaitingRoomState
from eventpalour.state.workspace import WorkspaceState

S = EventManageState
FORM = EventFormParts(S)


def _postpone_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(t("Postpone"), variant="soft", color_scheme="orange")),
        rx.dialog.content(
            rx.dialog.title(t("Postpone to new dates")),
            rx.dialog.description(t("Tickets stay valid. Times are in the event's time zone."), size="2"),
            rx.vstack(
                rx.el.label(t("New start"), html_for="postpone-start"),
                rx.input(
                    id="postpone-start",
                    type="datetime-local",
                    value=S.postpone_start,
                    on_change=lambda v: S.set_postpone("start", v),
                ),
                FORM.error_text("start_local"),
                rx.el.label(t("New end"), html_for="postpone-end"),
                rx.input(
                    id="postpone-end",
                    type="datetime-local",
                    value=S.postpone_end,
                    on_change=lambda v: S.set_postpone("end", v),
                ),
                FORM.error_text("end_local"),
                rx.cond(
                    S.actions.is_series_date,
                    rx.checkbox(
                        t("Move the later dates of this series the same way (same local time)"),
                        checked=S.postpone_later,
                        on_change=S.set_postpone_later,
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray")),
                    rx.button(t("Postpone event"), color_scheme="orange", on_click=S.postpone),
                    justify="end",
                    width="100%",
                ),
                spacing="2",
                margin_top="12px",
            ),
        ),
    )


def _actions() -> rx.Component:
    return rx.vstack(
        _action_buttons(),
        second_factor_notice(S.cancel_second_factor, t("Cancelling needs two-factor sign-in")),
        spacing="2",
        width="100%",
    )


def _action_buttons() -> rx.Component:
    can = S.actions
    return rx.hstack(
        rx.cond(can["can_publish"], rx.button(rx.icon("rocket", size=16), t("Publish"), on_click=S.publish)),
        rx.cond(can["can_hide"], rx.button(t("Hide"), variant="soft", color_scheme="amber", on_click=S.hide)),
        rx.cond(can["can_postpone"], _postpone_dialog()),
        rx.cond(
            can["can_cancel"] & S.cancel_second_factor.needed,
            blocked_button(t("Cancel event")),
        ),
        rx.cond(
            can["can_cancel"] & ~S.cancel_second_factor.needed,
            confirm_button(
                t("Cancel event"),
                t("Cancel this event?"),
                t(
                    "It comes off sale for good, its tickets stop being valid, every paid order is refunded in full "
                    "and every ticket holder is emailed. This cannot be undone."
                ),
                t("Cancel event"),
                S.cancel_event,
                keep=t("Keep it"),
            ),
        ),
        rx.cond(
            can["can_delete"],
            confirm_button(
                t("Delete"),
                t("Delete this event?"),
                t("It disappears for good."),
                t("Delete"),
                S.delete_event,
                keep=t("Keep it"),
            ),
        ),
        rx.cond(
            WorkspaceState.can_manage_events,
            rx.button(rx.icon("copy", size=16), t("Duplicate event"), variant="outline", on_click=S.duplicate_event),
        ),
        wrap="wrap",
        spacing="2",
    )


def _header() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(S.event.title, size="6", as_="h2"),
                status_badge(S.event.status, "event"),
                wrap="wrap",
                align="center",
            ),
            rx.text(S.event.when, color_scheme="gray"),
            rx.hstack(
                rx.badge(S.event_money.tickets_sold_label, variant="soft"),
                rx.badge(fill(t("Gross {amount}"), amount=S.event_money.gross), variant="soft", color_scheme="green"),
                rx.cond(
                    S.actions.has_public_page,
                    rx.link(t("View public page"), rx.icon("external-link", size=14), href=S.event.public_path),
                ),
                rx.link(rx.icon("scan-line", size=14), " ", t("Scan tickets"), href=S.event.scan_path),
                rx.cond(
                    WorkspaceState.can_manage_events,
                    rx.fragment(
                        rx.link(rx.icon("users", size=14), " ", t("Attendees"), href=S.event.attendees_path),
                        rx.link(rx.icon("activity", size=14), " ", t("Door dashboard"), href=S.event.door_path),
                    ),
                ),
                wrap="wrap",
                align="center",
            ),
            rx.cond(WorkspaceState.can_manage_events, _actions()),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _section(title: str, body: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h3"), body, width="100%", spacing="3"), size="3", width="100%"
    )


def _details_tab() -> rx.Component:
    return rx.vstack(
        _section(t("Details"), FORM.details_step()),
        _section(
            t("When"),
            rx.vstack(
                FORM.when_step(),
                rx.cond(
                    ~S.actions.can_change_dates,
                    rx.text(
                        t("To move a published event, use Postpone so ticket holders are told."),
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                width="100%",
            ),
        ),
        _section(t("Where"), FORM.where_step()),
        _section(t("Pricing"), FORM.pricing_step()),
        _section(t("Partners"), FORM.partners_step()),
        _section(t("Who can buy"), buyer_options_section()),
        rx.cond(
            S.actions.can_edit & S.actions.is_series_date,
            rx.checkbox(
                t(
                    "Also apply to the later dates of this series "
                    "(times move with Postpone, tickets on the Tickets tab)"
                ),
                checked=S.apply_later,
                on_change=S.set_apply_later,
            ),
        ),
        rx.cond(
            S.actions.can_edit, rx.button(t("Save changes"), on_click=S.save_details, loading=S.is_saving, size="3")
        ),
        spacing="4",
        width="100%",
    )


def _tickets_tab() -> rx.Component:
    return rx.vstack(
        rx.callout(
            t("Prices are fixed once a ticket is sold, and quantities never go below what is sold or reserved."),
            icon="info",
            size="1",
        ),
        FORM.tiers_step(),
        rx.cond(
            S.actions.can_edit_tiers & S.actions.is_series_date,
            rx.checkbox(
                t("Also apply to the later dates of this series (orders already placed keep what they paid)"),
                checked=S.tiers_later,
                on_change=S.set_tiers_later,
            ),
        ),
        rx.cond(
            S.actions.can_edit_tiers,
            rx.button(t("Save tickets"), on_click=S.save_tickets, loading=S.is_saving, size="3"),
        ),
        _section(t("Waiting room"), waiting_room_section()),
        spacing="4",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.cond(
            WorkspaceState.can_manage_events,
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(t("Details"), value="details"),
                    rx.tabs.trigger(t("Tickets"), value="tickets"),
                    rx.tabs.trigger(t("Orders"), value="orders"),
                    rx.tabs.trigger(t("Codes"), value="codes"),
                    rx.tabs.trigger(t("Announcements"), value="announcements"),
                    rx.tabs.trigger(t("Questions"), value="questions"),
                    rx.tabs.trigger(t("Repeat"), value="repeat"),
                    rx.tabs.trigger(t("Check-in lists"), value="checkin"),
                ),
                rx.tabs.content(_details_tab(), value="details", padding_top="16px"),
                rx.tabs.content(_tickets_tab(), value="tickets", padding_top="16px"),
                rx.tabs.content(orders_tab(), value="orders", padding_top="16px"),
                rx.tabs.content(codes_tab(), value="codes", padding_top="16px"),
                rx.tabs.content(announcements_tab(), value="announcements", padding_top="16px"),
                rx.tabs.content(questions_tab(), value="questions", padding_top="16px"),
                rx.tabs.content(repeat_tab(), value="repeat", padding_top="16px"),
                rx.tabs.content(checkin_lists_tab(), value="checkin", padding_top="16px"),
                default_value="details",
                on_change=[
                    EventOrdersState.tab_changed,
                    EventCodesState.tab_changed,
                    EventAnnouncementsState.tab_changed,
                    EventQuestionsState.tab_changed,
                    EventSeriesState.tab_changed,
                    EventCheckInListsState.tab_changed,
                ],
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


@page(
    WORKSPACE_EVENT,
    platform.N_("Manage event"),
    on_load=[
        EventQuestionsState.reset_form,
        WorkspaceState.load_workspace,
        S.load_event,
        EventBuyerOptionsState.load_options,
        EventWaitingRoomState.reset_form,
        EventWaitingRoomState.load_room,
        EventAnnouncementsState.reset_form,
        EventSeriesState.reset_form,
        EventCheckInListsState.reset_form,
    ],
    require="user",
    width="960px",
    form=EventCodesState,
)
def event_manage() -> rx.Component:
    return workspace_shell(
        rx.cond(
            ~S.event_loaded,
            rx.center(rx.spinner(), padding="32px"),
            rx.cond(
                S.event_problem != "", rx.callout(S.event_problem, icon="triangle-alert", color_scheme="red"), _body()
            ),
        )
    )
