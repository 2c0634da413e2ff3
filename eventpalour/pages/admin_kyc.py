"""/admin/kyc: KYC submissions waiting for review; open one to see the ID document and decide."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, heading, not_found, review_filter
from eventpalour.components.badges import status_badge
from eventpalour.components.layout import loading
from eventpalour.components.lists import empty_card
from eventpalour.routes import ADMIN_KYC
from eventpalour.services.platform import N_
from eventpalour.state.admin import AdminState
from eventpalour.state.admin_kyc import AdminKycState as S
from eventpalour.state.language import fill, t

QUEUES = ["pending", "approved", "rejected", "requires_update"]


def _item(row: rx.Var) -> rx.Component:
    view = row.view
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(view.workspace_name, weight="bold"),
                rx.text(view.legal_name, " · ", view.owner_email, size="2", color_scheme="gray"),
                rx.text(fill(t("Submitted {when}"), when=row.submitted), size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            status_badge(view.status, "review"),
            rx.button(
                t("Review"),
                size="2",
                on_click=S.select(view.id),
                aria_label=fill(t("Review KYC of {workspace}"), workspace=view.workspace_name),
            ),
            align="center",
            wrap="wrap",
        ),
        width="100%",
    )


def _fact(label: str | rx.Var, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"), rx.text(value, size="2", overflow_wrap="anywhere"), spacing="0"
    )


def _preview(s: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            s.document_is_image,
            rx.image(
                src=s.document_url,
                alt=fill(t("ID document of {name}"), name=s.view.legal_name),
                max_height="360px",
                border_radius="8px",
            ),
            rx.el.iframe(
                src=s.document_url,
                title=t("ID document"),
                width="100%",
                height="360px",
                style={"border": "1px solid var(--gray-6)", "border-radius": "8px"},
            ),
        ),
        rx.link(
            rx.icon("external-link", size=14), t("Open the document"), href=s.document_url, is_external=True, size="2"
        ),
        width="100%",
    )


def _decision_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.hstack(
                    rx.el.label(
                        rx.radio_group.item(value="approved"), t("Approve"), style={"display": "flex", "gap": "6px"}
                    ),
                    rx.el.label(
                        rx.radio_group.item(value="requires_update"),
                        t("Needs an update"),
                        style={"display": "flex", "gap": "6px"},
                    ),
                    rx.el.label(
                        rx.radio_group.item(value="rejected"), t("Reject"), style={"display": "flex", "gap": "6px"}
                    ),
                    wrap="wrap",
                    spacing="4",
                ),
                value=S.decision,
                on_change=S.set_decision,
                aria_label=t("Decision"),
            ),
            rx.el.label(
                t("Note to the organizer"), html_for="kyc-note", style={"font-weight": "600", "font-size": "14px"}
            ),
            rx.text_area(
                id="kyc-note", name="note", rows="3", width="100%", placeholder=t("Required unless you approve.")
            ),
            rx.cond(S.note_error != "", rx.text(S.note_error, color_scheme="red", size="2", role="alert")),
            rx.hstack(
                rx.button(
                    rx.cond(S.deciding, rx.spinner(size="1"), t("Save decision")),
                    type="submit",
                    disabled=(S.decision == "") | S.deciding,
                ),
                rx.button(t("Back to the queue"), type="button", variant="soft", color_scheme="gray", on_click=S.close),
            ),
            width="100%",
        ),
        on_submit=S.decide,
        width="100%",
    )


def _review() -> rx.Component:
    s = S.selected
    view = s.view
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(view.workspace_name, size="5", as_="h2"),
                status_badge(view.status, "review"),
                align="center",
                wrap="wrap",
            ),
            rx.grid(
                _fact(t("Legal name"), view.legal_name),
                _fact(t("ID number"), view.id_number),
                _fact(t("Phone"), view.phone),
                _fact(t("Business name"), rx.cond(view.business_name != "", view.business_name, "—")),
                _fact(t("Filing as"), s.holder),
                _fact(view.tax_id_label, rx.cond(view.tax_id != "", view.tax_id + " (" + view.tax_country + ")", "—")),
                _fact(
                    t("Business registration number"),
                    rx.cond(view.business_registration_number != "", view.business_registration_number, "—"),
                ),
                _fact(t("Payouts"), s.payout),
                _fact(t("Owner"), view.owner_email),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="3",
                width="100%",
            ),
            _preview(s),
            rx.cond(
                view.review_note != "",
                rx.callout(fill(t("Note: {note}"), note=view.review_note), icon="info", size="1"),
            ),
            rx.cond(
                view.can_decide,
                _decision_form(),
                rx.button(t("Back to the queue"), variant="soft", on_click=S.close),
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def _queue() -> rx.Component:
    return rx.vstack(
        review_filter(QUEUES, t("Show submissions"), value=S.queue_status, on_change=S.set_queue_status),
        rx.cond(
            ~S.kyc_loaded,
            loading(),
            rx.cond(
                S.submissions.length() == 0,
                empty_card(t("Nothing here: the queue is clear."), "circle-check"),
                rx.vstack(rx.foreach(S.submissions, _item), width="100%"),
            ),
        ),
        spacing="3",
        width="100%",
    )


@admin_page(ADMIN_KYC, N_("Admin · KYC review"), on_load=S.load_queue)
def admin_kyc() -> rx.Component:
    return rx.cond(
        AdminState.can_review_kyc,
        rx.vstack(
            heading(t("KYC review"), t("Check who is behind each workspace before it can sell paid tickets.")),
            rx.cond(S.selected, _review(), _queue()),
            spacing="4",
            width="100%",
        ),
        not_found(),
    )
