"""The two forms of a workspace's Verification tab: KYC (with the ID document upload and payout
details) and the blue-ticket request (statement, links, optional document)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.forms import field, submit_button
from eventpalour.components.uploads import file_drop
from eventpalour.models import KycHolderType
from eventpalour.services.platform import N_
from eventpalour.services.workspaces import TAX_ID_RULES
from eventpalour.state.language import fill, t
from eventpalour.state.workspace_verification import BLUE_UPLOAD_ID, KYC_UPLOAD_ID
from eventpalour.state.workspace_verification import WorkspaceVerificationState as S

PDF_OR_IMAGE = {
    "application/pdf": [".pdf"],
    "image/png": [".png"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/webp": [".webp"],
}


def _uploader(upload_id: str, label: str | rx.Var, name: str, picked: rx.Var, handler: rx.EventHandler) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=upload_id, style={"font-weight": "600", "font-size": "14px"}),
        file_drop(
            rx.vstack(
                rx.icon("file-up", size=20),
                rx.cond(
                    picked != "",
                    rx.text(fill(t("Uploaded: {file}"), file=picked), size="2", weight="medium"),
                    rx.text(t("Drop a PDF, PNG, JPG or WebP here, or click to choose"), size="2"),
                ),
                rx.text(t("Up to 5 MB. Only you and our reviewers can open it."), size="1", color_scheme="gray"),
                align="center",
                spacing="1",
            ),
            id=upload_id,
            label=label,
            accept=PDF_OR_IMAGE,
            max_files=1,
            on_drop=handler(rx.upload_files(upload_id=upload_id)),
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="12px",
            padding="16px",
            width="100%",
            cursor="pointer",
        ),
        rx.cond(S.uploading == name, rx.hstack(rx.spinner(size="1"), rx.text(t("Uploading…"), size="2"))),
        rx.cond(
            S.field_errors.contains(name), rx.text(S.field_errors[name], color_scheme="red", size="2", role="alert")
        ),
        width="100%",
        spacing="1",
    )


def _payout_fields() -> rx.Component:
    errors = S.field_errors
    return rx.vstack(
        rx.el.label(t("Payouts to"), html_for="payout-method", style={"font-weight": "600", "font-size": "14px"}),
        rx.select.root(
            rx.select.trigger(id="payout-method"),
            rx.select.content(rx.select.item("M-Pesa", value="mpesa"), rx.select.item(t("Bank account"), value="bank")),
            value=S.payout_method,
            on_change=S.set_payout_method,
        ),
        rx.grid(
            field(t("Name on the account"), "payout_account_name", errors),
            field(
                rx.cond(S.payout_method == "mpesa", t("M-Pesa number"), t("Account number")),
                "payout_account_number",
                errors,
            ),
            rx.cond(S.payout_method == "bank", field(t("Bank name"), "payout_bank_name", errors)),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def _choice(
    label: str | rx.Var, name: str, options: list[tuple[str, str]], value: rx.Var, on_change: rx.EventHandler
) -> rx.Component:
    """A labelled select of the KYC form, with its field error under it."""
    select_id = f"field-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=select_id, style={"font-weight": "600", "font-size": "14px"}),
        rx.select.root(
            rx.select.trigger(id=select_id, width="100%"),
            rx.select.content(*[rx.select.item(t(text), value=key) for key, text in options]),
            value=value,
            on_change=on_change,
        ),
        rx.cond(
            S.field_errors.contains(name),
            rx.text(S.field_errors[name], color_scheme="red", size="2", role="alert", id=f"{select_id}-error"),
        ),
        spacing="1",
        width="100%",
    )


def _tax_fields() -> rx.Component:
    """Who the KYC is for, where they pay tax and their tax identifier; a company's registration number."""
    errors = S.field_errors
    countries = [(code, rule.country_name) for code, rule in TAX_ID_RULES.items()]
    return rx.grid(
        _choice(
            t("Filing as"),
            "holder_type",
            [(KycHolderType.INDIVIDUAL, N_("An individual")), (KycHolderType.COMPANY, N_("A company"))],
            S.holder_type,
            S.set_holder_type,
        ),
        _choice(t("Country of tax residence"), "tax_country", countries, S.tax_country, S.set_tax_country),
        rx.vstack(
            rx.el.label(S.tax_id_label, html_for="field-tax_id", style={"font-weight": "600", "font-size": "14px"}),
            rx.input(
                id="field-tax_id",
                name="tax_id",
                size="3",
                width="100%",
                aria_invalid=rx.cond(errors.contains("tax_id"), "true", "false"),
                aria_describedby=rx.cond(errors.contains("tax_id"), "field-tax_id-error", "field-tax_id-hint"),
            ),
            rx.cond(
                errors.contains("tax_id"),
                rx.text(errors["tax_id"], color_scheme="red", size="2", role="alert", id="field-tax_id-error"),
                rx.text(S.tax_id_hint, size="1", color_scheme="gray", id="field-tax_id-hint"),
            ),
            spacing="1",
            width="100%",
            align="stretch",
        ),
        rx.cond(
            S.holder_type == KycHolderType.COMPANY,
            field(
                t("Business registration number"),
                "business_registration_number",
                errors,
                hint=t("As on the certificate of incorporation, like PVT-AB1234XY or RC 123456."),
            ),
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
        width="100%",
    )


def kyc_form() -> rx.Component:
    errors = S.field_errors
    return rx.form(
        rx.vstack(
            rx.grid(
                field(t("Full legal name"), "legal_name", errors, auto_complete="name"),
                field(t("ID or passport number"), "id_number", errors),
                field(t("Phone"), "phone", errors, type_="tel", hint=t("With the country code, like +254 712 345678.")),
                field(
                    rx.cond(S.holder_type == KycHolderType.COMPANY, t("Business name"), t("Business name (optional)")),
                    "business_name",
                    errors,
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            _tax_fields(),
            _uploader(KYC_UPLOAD_ID, t("ID document"), "id_document_key", S.kyc_document_name, S.upload_kyc_document),
            _payout_fields(),
            rx.box(submit_button(t("Submit KYC"), S.is_submitting, t("Submitting…")), max_width="240px"),
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
                t("Why should attendees trust you?"),
                html_for="field-statement",
                style={"font-weight": "600", "font-size": "14px"},
            ),
            rx.text_area(
                id="field-statement",
                name="statement",
                rows="4",
                width="100%",
                placeholder=t("Who you are, events you have run, your audience. At least 20 characters."),
            ),
            rx.cond(
                S.field_errors.contains("statement"),
                rx.text(S.field_errors["statement"], color_scheme="red", size="2", role="alert"),
            ),
            rx.el.label(
                t("Links (one per line)"), html_for="field-links", style={"font-weight": "600", "font-size": "14px"}
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
                t("Supporting document (optional)"),
                "document_key",
                S.blue_document_name,
                S.upload_blue_document,
            ),
            rx.box(submit_button(t("Request verification"), S.is_submitting, t("Sending…")), max_width="260px"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.request_badge,
        width="100%",
    )
