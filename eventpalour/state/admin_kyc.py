"""/admin/kyc: the KYC review queue, one submission open at a time with its ID document."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.services import kyc
from eventpalour.services.errors import DomainError
from eventpalour.state.admin import admin_entered
from eventpalour.state.base import AuthState, call_service

DECISION_LABELS = {"approved": "approved", "rejected": "rejected", "requires_update": "sent back for an update"}


def kyc_dict(view: kyc.KycView) -> dict[str, str]:
    return {
        "id": view.id,
        "workspace": view.workspace_name,
        "workspace_url": routes.workspace_url(view.workspace_id),
        "owner": view.owner_email,
        "legal_name": view.legal_name,
        "id_number": view.id_number,
        "document_url": routes.file_url(view.id_document_key),
        "document_is_image": "yes" if view.id_document_type.startswith("image/") else "",
        "phone": view.phone,
        "business_name": view.business_name or "—",
        "payout": (
            f"M-Pesa {view.payout_account_number} ({view.payout_account_name})"
            if view.payout_method == "mpesa"
            else f"{view.payout_bank_name} {view.payout_account_number} ({view.payout_account_name})"
        ),
        "status": view.status,
        "can_decide": "yes" if view.can_decide else "",
        "note": view.review_note,
        "submitted": view.created_at.strftime("%d %b %Y %H:%M UTC"),
    }


class AdminKycState(AuthState):
    queue_status: str = "pending"
    submissions: list[dict[str, str]] = []
    kyc_loaded: bool = False
    selected: dict[str, str] = {}
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
            rows = await call_service(kyc.list_kyc_queue, actor=actor, status=self.queue_status)
        except DomainError as error:
            self.submissions, self.kyc_loaded = [], True
            return self.show_error(error)
        self.submissions = [kyc_dict(v) for v in rows]
        self.kyc_loaded = True
        return None

    @rx.event
    def set_queue_status(self, value: str):
        self.queue_status, self.selected = value, {}
        return AdminKycState.load_queue

    @rx.event
    def select(self, submission_id: str) -> None:
        self.selected = next((s for s in self.submissions if s["id"] == submission_id), {})
        self.decision, self.note_error = "", ""

    @rx.event
    def close(self) -> None:
        self.selected = {}

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
                kyc.review_kyc,
                actor=actor,
                submission_id=self.selected.get("id", ""),
                decision=self.decision,
                note=str(form.get("note", "")),
                client=self._client(),
            )
        except DomainError as error:
            self.deciding = False
            self.note_error = error.details[0].message if error.details else ""
            yield self.show_error(error)
            return
        self.deciding, self.selected = False, {}
        yield rx.toast.success(
            f"KYC of {view.workspace_name} {DECISION_LABELS[view.status]}. The organizer is emailed."
        )
        yield AdminKycState.load_queue
