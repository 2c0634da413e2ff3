"""/workspace/{id}/verification: file KYC (needed to publish paid events) and ask for the blue
verified badge. Owners and admins only (SPEC §1.3); the services check again on submit."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.badges import status_badge
from eventpalour.components.forms import form_error, settings_section
from eventpalour.components.layout import loading, page
from eventpalour.components.verification_forms import badge_form, kyc_form
from eventpalour.components.workspace import workspace_shell
from eventpalour.routes import WORKSPACE_VERIFICATION
from eventpalour.state.language import fill, t
from eventpalour.state.workspace import WorkspaceState
from eventpalour.state.workspace_verification import WorkspaceVerificationState as S


def _kyc() -> rx.Component:
    return settings_section(
        t("KYC"),
        t("Who runs this workspace and where payouts go. Required before paid events can be published."),
        rx.hstack(
            status_badge(S.kyc_status, "review", label=S.kyc_label),
            rx.text(S.kyc_status_text, size="2"),
            wrap="wrap",
            align="center",
        ),
        rx.cond(S.kyc_note != "", rx.callout(S.kyc_note, icon="message-square", size="1")),
        rx.cond(S.can_file_kyc, kyc_form()),
    )


def _badge() -> rx.Component:
    return settings_section(
        t("Verified organizer badge"),
        t("The blue badge shows on your workspace, your events and their tickets once we verify you."),
        rx.cond(
            S.verified,
            rx.callout(t("Your workspace is verified."), icon="badge-check", color_scheme="blue"),
            rx.cond(
                S.blue_in_review,
                rx.callout(t("Your request is in review."), icon="hourglass", color_scheme="amber"),
            ),
        ),
        # The last decision's reason matters only while a new request may be sent.
        rx.cond(
            (S.blue_reason != "") & S.can_request_badge,
            rx.callout(
                fill(
                    t("Last decision ({status}): {reason}"),
                    status=rx.match(
                        S.blue_status,
                        ("approved", t("approved")),
                        ("rejected", t("rejected")),
                        ("revoked", t("revoked")),
                        ("pending", t("pending")),
                        S.blue_status,
                    ),
                    reason=S.blue_reason,
                ),
                icon="info",
                size="1",
            ),
        ),
        rx.cond(S.can_request_badge, badge_form()),
    )


@page(
    WORKSPACE_VERIFICATION,
    "Verification",
    on_load=[WorkspaceState.load_workspace, S.load_verification],
    require="user",
    form=S,
)
def workspace_verification() -> rx.Component:
    return workspace_shell(
        rx.cond(
            ~S.verification_loaded,
            loading(),
            rx.cond(
                S.kyc_allowed,
                rx.vstack(form_error(S.form_error), _kyc(), _badge(), spacing="4", width="100%", max_width="820px"),
                rx.callout(t("Only the workspace owner and admins can manage KYC and verification."), icon="lock"),
            ),
        )
    )
