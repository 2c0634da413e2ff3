"""/admin/audit (the filterable log) and /admin/admins (super admins manage the other admins)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour.services import admin
from eventpalour.services.platform import N_, DomainError, date_label
from eventpalour.state.admin import admin_entered
from eventpalour.state.admin_users import admin_level_words
from eventpalour.state.base import AuthState, call_service


@dataclass(frozen=True)
class AuditEntry:
    """A line of the log: the service's row, its time in UTC and its details as one line of JSON."""

    row: admin.AuditRow
    when: str
    details: str


def audit_entry(row: admin.AuditRow) -> AuditEntry:
    return AuditEntry(
        row=row,
        when=row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        details=json.dumps(row.details, ensure_ascii=False, default=str) if row.details else "",
    )


@dataclass(frozen=True)
class AdminEntry:
    """A platform admin, with the day the level was granted."""

    admin: admin.AdminRow
    since: str


class AdminAuditState(AuthState):
    filter_action: str = ""
    filter_actor: str = ""
    filter_from: str = ""
    filter_to: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    entries: list[AuditEntry] = []
    audit_loaded: bool = False
    filter_errors: dict[str, str] = {}

    @rx.event
    async def load_audit(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.audit_loaded, self.filter_errors = False, {}
        filters = admin.AuditFilters(self.filter_action, self.filter_actor, self.filter_from, self.filter_to)
        try:
            actor = await self.require_user()
            found = await call_service(admin.list_audit, actor=actor, filters=filters, page=self.page)
        except DomainError as error:
            self.audit_loaded = True
            self.filter_errors = {str(d.path[0]): d.in_language(self._language()) for d in error.details}
            return self.show_error(error)
        self.entries = [audit_entry(r) for r in found.rows]
        self.page, self.pages, self.total, self.audit_loaded = found.page, found.pages, found.total, True
        return None

    @rx.event
    def apply_filters(self, form: dict[str, Any]):
        self.filter_action = str(form.get("action", ""))
        self.filter_actor = str(form.get("actor", ""))
        self.filter_from = str(form.get("date_from", ""))
        self.filter_to = str(form.get("date_to", ""))
        self.page = 1
        return AdminAuditState.load_audit

    @rx.event
    def go_to_page(self, delta: int):
        self.page = max(1, min(self.pages, self.page + delta))
        return AdminAuditState.load_audit


class AdminAdminsState(AuthState):
    admin_rows: list[AdminEntry] = []
    admins_loaded: bool = False
    grant_errors: dict[str, str] = {}
    grant_level: str = "support"

    @rx.event
    async def load_admins(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.admins_loaded = False
        try:
            actor = await self.require_user()
            rows = await call_service(admin.list_admins, actor=actor)
        except DomainError as error:
            self.admins_loaded = True
            return self.show_error(error)
        self.admin_rows = [AdminEntry(r, date_label(r.granted_at, self._language(), "UTC")) for r in rows]
        self.admins_loaded = True
        return None

    @rx.event
    def set_grant_level(self, value: str) -> None:
        self.grant_level = value

    async def _grant(self, email: str, level: str):
        self.grant_errors = {}
        try:
            actor = await self.require_user()
            row = await call_service(admin.grant_admin, actor=actor, email=email, level=level, client=self._client())
        except DomainError as error:
            self.grant_errors = {str(d.path[0]): d.in_language(self._language()) for d in error.details}
            return self.show_error(error)
        now = self._t(N_("{email} is now {level}.")).format(
            email=row.email, level=admin_level_words(row.level, self._language())
        )
        return [rx.toast.success(now), AdminAdminsState.load_admins]

    @rx.event
    async def grant(self, form: dict[str, Any]):
        return await self._grant(str(form.get("email", "")), self.grant_level)

    @rx.event
    async def change_level(self, email: str, level: str):
        return await self._grant(email, level)

    @rx.event
    async def revoke(self, user_id: str):
        try:
            actor = await self.require_user()
            await call_service(admin.revoke_admin, actor=actor, user_id=user_id, client=self._client())
        except DomainError as error:
            return self.show_error(error)
        return [rx.toast.success(self._t(N_("Admin access revoked."))), AdminAdminsState.load_admins]
