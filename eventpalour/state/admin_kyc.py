"""/admin/kyc: the KYC review queue, one submission open at a time with its ID document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.models import PayoutMethod
from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, said, utc_moment
from eventpalour.state.admin import admin_entered
from eventpalour.state.base import AuthState, call_service

DECISION_TOASTS = {
    "approved": N_("KYC of {workspace} approved. The organizer is emailed."),
    "rejected": N_("KYC of {workspace} rejected. The organizer is emailed."),
    "requires_update": N_("KYC of {workspace} sent back for an update. The organizer is emailed."),
}


@dataclass(frozen=True)
class KycReview:
    """A filing as the review queue shows it: the service's view, its document's link, its payout
    account in words and its time."""

    view: workspaces.KycView
    document_url: str
    document_is_image: bool  # shown inline; anything else (a PDF) in a frame
    payout: str
    submitted: str
    holder: str = ""  # "Individual" or "Company", in the reader's language


def kyc_review(view: workspaces.KycView, language: str) -> KycReview:
    return KycReview(
        view=view,
        document_url=routes.file_url(view.id_document_key),
        document_is_image=view.id_document_type.startswith("image/"),
        payout=(
            f"M-Pesa {view.payout_account_number} ({view.payout_account_name})"
            if view.payout_method == PayoutMethod.MPESA
            else f"{view.payout_bank_name} {view.payout_account_number} ({view.payout_account_name})"
        ),
        submitted=utc_moment(view.created_at, language),
        holder=said(language, view.holder_label),
    )


class AdminKycState(AuthState):
    queue_status: str = "pending"
    submissions: list[KycReview] = []
    kyc_loaded: bool = False
    selected: KycReview | None = None  # the one open for review
    decision: str = ""
    note_error: str = ""
    deciding: bool = False

    @rx.event
    async def load_queue(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.kyc_loaded = False
        try:
            actor = await self.require_user()
            rows = await call_service(workspaces.list_kyc_queue, actor=actor, status=self.queue_status)
        except DomainError as error:
            self.submissions, self.kyc_loaded = [], True
            return self.show_error(error)
        self.submissions = [kyc_review(v, self._language()) for v in rows]
        self.kyc_loaded = True
        return None

    @rx.event
    def set_queue_status(self, value: str):
        self.queue_status, self.selected = value, None
        return AdminKycState.load_queue

    @rx.event
    def select(self, submission_id: str) -> None:
        self.selected = next((s for s in self.submissions if s.view.id == submission_id), None)
        self.decision, self.note_error = "", ""

    @rx.event
    def close(self) -> None:
        self.selected = None

    @rx.event
    def set_decision(self, value: str) -> None:
        self.decision, self.note_error = value, ""

    @rx.event
    async def decide(self, form: dict[str, Any]):
        self.deciding, self.note_error = True, ""
        yield
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.review_kyc,
                actor=actor,
                submission_id=self.selected.view.id if self.selected else "",
                decision=self.decision,
                note=str(form.get("note", "")),
                client=self._client(),
            )
        except DomainError as error:
            self.deciding = False
            self.note_error = error.details[0].in_language(self._language()) if error.details else ""
            yield self.show_error(error)
            return
        self.deciding, self.selected = False, None
        yield rx.toast.success(self._t(DECISION_TOASTS[view.status]).format(workspace=view.workspace_name))
        yield AdminKycState.load_queue
