"""/workspace/{id}/verification: the workspace's KYC filing and its blue-ticket request.

The ID document goes to the private KYC bucket as soon as it is picked; only its key is kept here
(a backend-only var), and the form sends it with the rest. The services check the role again, and
say which forms to offer (`can_file_kyc`, `can_request_badge`) by the rules their actions enforce.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour.models import KycHolderType, UploadBucket
from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, PermissionDenied
from eventpalour.services.workspaces import BlueTicketInput, KycInput
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.workspace import KYC_LABELS, workspace_in

KYC_UPLOAD_ID = "kyc-document"
BLUE_UPLOAD_ID = "blue-ticket-document"


class WorkspaceVerificationState(FormMixin, AuthState):
    kyc_status: str = ""
    kyc_status_text: str = ""
    kyc_note: str = ""
    can_file_kyc: bool = False
    kyc_allowed: bool = False
    verified: bool = False
    blue_status: str = ""
    blue_reason: str = ""
    blue_in_review: bool = False
    can_request_badge: bool = False
    payout_method: str = "mpesa"
    holder_type: str = KycHolderType.INDIVIDUAL.value  # or "company", which also gives its registration number
    tax_country: str = "KE"
    kyc_document_name: str = ""
    blue_document_name: str = ""
    uploading: str = ""
    verification_loaded: bool = False
    _kyc_document_key: str = ""
    _blue_document_key: str = ""

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    @rx.event
    async def load_verification(self):
        self.verification_loaded, self.kyc_allowed = False, False
        self.can_file_kyc = self.can_request_badge = False
        self._kyc_document_key = self._blue_document_key = ""
        self.kyc_document_name = self.blue_document_name = ""
        try:
            actor = await self.require_user()
            filed = await call_service(workspaces.workspace_kyc, actor=actor, workspace_id=self._workspace_id())
            badge = await call_service(workspaces.workspace_blue_ticket, actor=actor, workspace_id=self._workspace_id())
        except PermissionDenied:
            self.verification_loaded = True
            return None
        except DomainError as error:
            self.verification_loaded = True
            return self.show_error(error)
        self.kyc_status, self.can_file_kyc = filed.status, filed.can_file
        self.kyc_status_text = self._t(filed.status_text)
        self.kyc_note = filed.latest.review_note if filed.latest else ""
        self.verified, self.blue_in_review, self.can_request_badge = badge.verified, badge.in_review, badge.can_request
        self.blue_status = badge.latest.status if badge.latest else ""
        self.blue_reason = badge.latest.reason if badge.latest else ""
        self.kyc_allowed = self.verification_loaded = True
        return None

    @rx.event
    def set_payout_method(self, value: str) -> None:
        self.payout_method = value

    @rx.event
    def set_holder_type(self, value: str) -> None:
        self.holder_type = value

    @rx.event
    def set_tax_country(self, value: str) -> None:
        self.tax_country = value

    @rx.var
    def kyc_label(self) -> str:
        """The KYC state in the reader's words, as the workspace header says it."""
        return self._t(KYC_LABELS.get(self.kyc_status, self.kyc_status))

    @rx.var
    def tax_id_label(self) -> str:
        """What the tax identifier is called where the holder pays tax: "KRA PIN", "TIN"..."""
        return self._t(workspaces.tax_id_label(self.tax_country))

    @rx.var
    def tax_id_hint(self) -> str:
        """The form the country's tax identifier takes, in the reader's words."""
        rule = workspaces.TAX_ID_RULES.get(self.tax_country)
        return self._t(rule.hint) if rule else ""

    async def _store(self, files: list[rx.UploadFile], field: str) -> tuple[str, str] | None:
        """Put the picked file in the private KYC bucket; errors go under `field`."""
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != field}
        if not files:
            return None
        self.uploading = field
        try:
            result = await self._store_picked_file(files, UploadBucket.KYC, "kyc")
        except DomainError as error:
            self.uploading = ""
            self.field_errors = {**self.field_errors, field: error.in_language(self._language())}
            return None
        self.uploading = ""
        return result.key, files[0].name or "document"

    @rx.event
    async def upload_kyc_document(self, files: list[rx.UploadFile]):
        stored = await self._store(files, "id_document_key")
        if stored:
            self._kyc_document_key, self.kyc_document_name = stored
            return rx.toast.success(self._t(N_("ID document uploaded.")))
        return None

    @rx.event
    async def upload_blue_document(self, files: list[rx.UploadFile]):
        stored = await self._store(files, "document_key")
        if stored:
            self._blue_document_key, self.blue_document_name = stored
            return rx.toast.success(self._t(N_("Document attached.")))
        return None

    @rx.event
    async def submit_kyc(self, form: dict[str, Any]):
        self._start()
        yield
        text = {k: str(v or "") for k, v in form.items()}
        data = KycInput(
            legal_name=text.get("legal_name", ""),
            id_number=text.get("id_number", ""),
            id_document_key=self._kyc_document_key,
            phone=text.get("phone", ""),
            business_name=text.get("business_name", ""),
            payout_method=self.payout_method,
            payout_account_name=text.get("payout_account_name", ""),
            payout_account_number=text.get("payout_account_number", ""),
            payout_bank_name=text.get("payout_bank_name", ""),
            holder_type=self.holder_type,
            tax_country=self.tax_country,
            tax_id=text.get("tax_id", ""),
            business_registration_number=text.get("business_registration_number", "")
            if self.holder_type == "company"
            else "",
        )
        try:
            actor = await self.require_user()
            await call_service(
                workspaces.submit_kyc, actor=actor, workspace_id=self._workspace_id(), data=data, client=self._client()
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        yield rx.toast.success(self._t(N_("KYC submitted. We'll email you when it is reviewed.")))
        yield WorkspaceVerificationState.load_verification

    @rx.event
    async def request_badge(self, form: dict[str, Any]):
        self._start()
        yield
        links = [line.strip() for line in str(form.get("links", "")).splitlines() if line.strip()]
        data = BlueTicketInput(
            statement=str(form.get("statement", "")), links=links, document_key=self._blue_document_key
        )
        try:
            actor = await self.require_user()
            await call_service(
                workspaces.request_verification,
                actor=actor,
                workspace_id=self._workspace_id(),
                data=data,
                client=self._client(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        yield rx.toast.success(self._t(N_("Verification requested. We'll email you when it is decided.")))
        yield WorkspaceVerificationState.load_verification
