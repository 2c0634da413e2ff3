"""/admin/blue-tickets: who asks for the verified-organizer badge, and the decision on each request."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, heading, not_found, review_filter
from eventpalour.components.badges import status_badge
from eventpalour.components.layout import loading
from eventpalour.components.lists import empty_card
from eventpalour.routes import ADMIN_BLUE_TICKETS
from eventpalour.services.platform import N_
from eventpalour.state.admin import AdminState
from eventpalour.state.admin_blue_tickets import AdminBlueTicketsState as S
from eventpalour.state.language import fill, t

QUEUES = ["pending", "approved", "rejected", "revoked"]


def _reason_form() -> rx.Component:
    label = rx.match(S.action, ("approve", t("Approve")), ("reject", t("Reject")), ("revoke", t("Revoke")), "")
    return rx.form(
        rx.vstack(
            rx.el.label(
                rx.cond(S.action == "approve", t("Note (optional)"), t("Reason (sent to the organizer)")),
                html_for="blue-reason",
                style={"font-weight": "600", "font-size": "14px"},
            ),
            rx.text_area(id="blue-reason", name="reason", rows="2", width="100%"),
            rx.cond(S.reason_error != "", rx.text(S.reason_error, color_scheme="red", size="2", role="alert")),
            rx.hstack(
                rx.button(label, type="submit", color_scheme=rx.cond(S.action == "approve", "green", "red")),
                rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray", on_click=S.cancel),
            ),
            width="100%",
        ),
        on_submit=S.decide,
        width="100%",
    )


def _buttons(view: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            view.can_decide,
            rx.fragment(
                rx.button(
                    t("Approve"),
                    color_scheme="green",
                    on_click=S.start(view.id, "approve"),
                    aria_label=fill(t("Approve {workspace}"), workspace=view.workspace_name),
                ),
                rx.button(
                    t("Reject"),
                    color_scheme="red",
                    variant="soft",
                    on_click=S.start(view.id, "reject"),
                    aria_label=fill(t("Reject {workspace}"), workspace=view.workspace_name),
                ),
            ),
        ),
        rx.cond(
            view.can_revoke,
            rx.button(
                t("Revoke"),
                color_scheme="red",
                variant="soft",
                on_click=S.start(view.id, "revoke"),
                aria_label=fill(t("Revoke {workspace}"), workspace=view.workspace_name),
            ),
        ),
    )


def _request(row: rx.Var) -> rx.Component:
    view = row.view
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(view.workspace_name, href=row.workspace_url, weight="bold", size="4"),
                status_badge(view.status, "review"),
                rx.spacer(),
                rx.text(row.submitted, size="1", color_scheme="gray"),
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.text(fill(t("Requested by {email}"), email=view.requested_by_email), size="2", color_scheme="gray"),
            rx.text(view.statement, white_space="pre-wrap"),
            rx.vstack(
                rx.foreach(view.links, lambda link: rx.link(link, href=link, is_external=True, size="2")),
                spacing="0",
            ),
            rx.cond(
                row.document_url != "",
                rx.link(
                    rx.icon("paperclip", size=14),
                    t("Attached document"),
                    href=row.document_url,
                    is_external=True,
                    size="2",
                ),
            ),
            rx.cond(
                view.reason != "",
                rx.text(fill(t("Reason: {reason}"), reason=view.reason), size="2", color_scheme="gray"),
            ),
            rx.cond(S.acting_on == view.id, _reason_form(), _buttons(view)),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


@admin_page(ADMIN_BLUE_TICKETS, N_("Admin · Blue tickets"), on_load=S.load_requests)
def admin_blue_tickets() -> rx.Component:
    return rx.cond(
        AdminState.can_review_blue_tickets,
        rx.vstack(
            heading(
                t("Blue tickets"), t("Verified-organizer requests. Approved workspaces show the blue badge everywhere.")
            ),
            review_filter(QUEUES, t("Show requests"), value=S.request_status, on_change=S.set_request_status),
            rx.cond(
                ~S.requests_loaded,
                loading(),
                rx.cond(
                    S.requests.length() == 0,
                    empty_card(t("No requests here."), "badge-check"),
                    rx.vstack(rx.foreach(S.requests, _request), width="100%", spacing="3"),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        not_found(),
    )
