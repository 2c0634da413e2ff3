"""/workspace/{id}/verification: file KYC (needed to publish paid events) and ask for the blue
verified badge. Owners and admins only (SPEC §1.3); the services check again on submit."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.forms import field, form_error, submit_button
from eventpalour.components.layout import loading, page
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_VERIFICATION
from eventpalour.state.workspace import WorkspaceState
from eventpalour.state.workspace_verification import BLUE_UPLOAD_ID, KYC_UPLOAD_ID
from eventpalour.state.workspace_verification import WorkspaceVerificationState as S

KYC_COLORS = [("approved", "green"), ("pending", "amber"), ("rejected", "red"), ("requires_update", "orange")]
PDF_OR_IMAGE = {
    "application/pdf": [".pdf"],
    "image/png": [".png"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/webp": [".webp"],
}


def _uploader(upload_id: str, label: str, name: str, picked: rx.Var, handler: rx.EventHandler) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=upload_id, style={"font-weight": "600", "font-size": "14px"}),
        rx.upload(
            rx.vstack(
                rx.icon("file-up", size=20),
                rx.cond(
                    picked != "",
                    rx.text("Uploaded: ", picked, size="2", weight="medium"),
                    rx.text("Drop a PDF, PNG, JPG or WebP here, or click to choose", size="2"),
                ),
                rx.text("Up to 5 MB. Only you and our reviewers can open it.", size="1", color_scheme="gray"),
                align="center",
                spacing="1",
            ),
            id=upload_id,
            accept=PDF_OR_IMAGE,
            max_files=1,
            on_drop=handler(rx.upload_files(upload_id=upload_id)),
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="12px",
            padding="16px",
            width="100%",
            cursor="pointer",
        ),
        rx.cond(S.uploading == name, rx.hstack(rx.spinner(size="1"), rx.text("Uploading…", size="2"))),
        rx.cond(
            S.field_errors.contains(name), rx.text(S.field_errors[name], color_scheme="red", size="2", role="alert")
        ),
        width="100%",
        spacing="1",
    )


def _payout_fields() -> rx.Component:
    errors = S.field_errors
    return rx.vstack(
        rx.el.label("Payouts to", html_for="payout-method", style={"font-weight": "600", "font-size": "14px"}),
        rx.select.root(
            rx.select.trigger(id="payout-method"),
            rx.select.content(rx.select.item("M-Pesa", value="mpesa"), rx.select.item("Bank account", value="bank")),
            value=S.payout_method,
            on_change=S.set_payout_method,
        ),
        rx.grid(
            field("Name on the account", "payout_account_name", errors),
            field(
                rx.cond(S.payout_method == "mpesa", "M-Pesa number", "Account number"), "payout_account_number", errors
            ),
            rx.cond(S.payout_method == "bank", field("Bank name", "payout_bank_name", errors)),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def _kyc_form() -> rx.Component:
    errors = S.field_errors
    return rx.form(
        rx.vstack(
            rx.grid(
                field("Full legal name", "legal_name", errors, auto_complete="name"),
                field("ID or passport number", "id_number", errors),
                field("Phone", "phone", errors, type_="tel", hint="With the country code, like +254 712 345678."),
                field("Business name (optional)", "business_name", errors),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            _uploader(KYC_UPLOAD_ID, "ID document", "id_document_key", S.kyc_document_name, S.upload_kyc_document),
            _payout_fields(),
            rx.box(submit_button("Submit KYC", S.is_submitting, "Submitting…"), max_width="240px"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit_kyc,
        width="100%",
    )


def _section(title: str, description: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _kyc() -> rx.Component:
    return _section(
        "KYC",
        "Who runs this workspace and where payouts go. Required before paid events can be published.",
        rx.hstack(
            rx.badge(S.kyc_status.replace("_", " "), color_scheme=rx.match(S.kyc_status, *KYC_COLORS, "gray")),
            rx.text(S.kyc_status_text, size="2"),
            wrap="wrap",
            align="center",
        ),
        rx.cond(S.kyc_note != "", rx.callout(S.kyc_note, icon="message-square", size="1")),
        rx.cond(S.can_file_kyc, _kyc_form()),
    )


def _badge_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(
                "Why should attendees trust you?",
                html_for="field-statement",
                style={"font-weight": "600", "font-size": "14px"},
            ),
            rx.text_area(
                id="field-statement",
                name="statement",
                rows="4",
                width="100%",
                placeholder="Who you are, events you have run, your audience. At least 20 characters.",
            ),
            rx.cond(
                S.field_errors.contains("statement"),
                rx.text(S.field_errors["statement"], color_scheme="red", size="2", role="alert"),
            ),
            rx.el.label(
                "Links (one per line)", html_for="field-links", style={"font-weight": "600", "font-size": "14px"}
            ),
            rx.text_area(
                id="field-links",
                name="links",
                rows="3",
                width="100%",
                placeholder="https://yourwebsite.com\nhttps://instagram.com/yourteam",
            ),
            rx.cond(
                S.field_errors.contains("links"),
                rx.text(S.field_errors["links"], color_scheme="red", size="2", role="alert"),
            ),
            _uploader(
                BLUE_UPLOAD_ID,
                "Supporting document (optional)",
                "document_key",
                S.blue_document_name,
                S.upload_blue_document,
            ),
            rx.box(submit_button("Request verification", S.is_submitting, "Sending…"), max_width="260px"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.request_badge,
        width="100%",
    )


def _badge() -> rx.Component:
    return _section(
        "Verified organizer badge",
        "The blue badge shows on your workspace, your events and their tickets once we verify you.",
        rx.cond(
            S.verified,
            rx.callout("Your workspace is verified.", icon="badge-check", color_scheme="blue"),
            rx.cond(
                S.blue_status == "pending",
                rx.callout("Your request is in review.", icon="hourglass", color_scheme="amber"),
            ),
        ),
        rx.cond(
            (S.blue_reason != "") & ~S.verified & (S.blue_status != "pending"),
            rx.callout("Last decision (" + S.blue_status + "): " + S.blue_reason, icon="info", size="1"),
        ),
        rx.cond(S.can_request_badge, _badge_form()),
    )


@page(
    WORKSPACE_VERIFICATION, "Verification", on_load=[WorkspaceState.load_workspace, S.load_verification], require="user"
)
def workspace_verification() -> rx.Component:
    return workspace_shell(
        rx.cond(
            ~S.verification_loaded,
            loading(),
            rx.cond(
                S.kyc_allowed,
                rx.vstack(form_error(S.form_error), _kyc(), _badge(), spacing="4", width="100%", max_width="820px"),
                rx.callout("Only the workspace owner and admins can manage KYC and verification.", icon="lock"),
            ),
        )
    )
