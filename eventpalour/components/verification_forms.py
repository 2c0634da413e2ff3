"""The two forms of a workspace's Verification tab: KYC (with the ID document upload and payout
details) and the blue-ticket request (statement, links, optional document)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.forms import field, submit_button
from eventpalour.state.workspace_verification import BLUE_UPLOAD_ID, KYC_UPLOAD_ID
from eventpalour.state.workspace_verification import WorkspaceVerificationState as S

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


def kyc_form() -> rx.Component:
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


def badge_form() -> rx.Component:
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
