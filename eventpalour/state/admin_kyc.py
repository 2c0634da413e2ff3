"""/admin/kyc: KYC reviewers set each workspace's KYC status."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import kyc
from eventpalour.services.errors import DomainError, PermissionDenied
from eventpalour.state.base import AuthState, call_service


class AdminKycState(AuthState):
    rows: list[dict[str, str]] = []
    allowed: bool = False
    loaded: bool = False
    search: str = ""

    @rx.event
    async def load(self):
        self.loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(kyc.list_workspaces_for_review, actor=actor, search=self.search)
        except PermissionDenied:
            self.rows, self.allowed, self.loaded = [], False, True
            return None
        except DomainError as error:
            self.loaded = True
            return self.show_error(error)
        self.rows = [
            {"id": r.workspace_id, "name": r.workspace_name, "owner": r.owner_email, "status": r.kyc_status}
            for r in found
        ]
        self.allowed, self.loaded = True, True
        return None

    @rx.event
    async def filter(self, value: str):
        self.search = value
        return AdminKycState.load

    @rx.event
    async def decide(self, workspace_id: str, status: str):
        try:
            actor = await self.require_user()
            await call_service(kyc.set_kyc_status, actor=actor, workspace_id=workspace_id, status=status)
        except DomainError as error:
            return self.show_error(error)
        self.rows = [{**r, "status": status} if r["id"] == workspace_id else r for r in self.rows]
        return rx.toast.success(f"KYC set to {status.replace('_', ' ')}.")
