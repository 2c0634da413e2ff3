"""/admin/users: search, filter and page through users; a user's detail; suspend, block, reactivate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.services import admin
from eventpalour.services.platform import N_, DomainError, gettext, price_label, utc_moment
from eventpalour.state.admin import admin_entered
from eventpalour.state.base import AuthState, call_service

ACCOUNT_TYPES = {"attendee": N_("attendee"), "organizer": N_("organizer")}
ADMIN_LEVELS = {
    "super_admin": N_("super admin"),
    "support": N_("support"),
    "finance": N_("finance"),
    "moderator": N_("moderator"),
}
"""A platform admin level in words (the admins page says the same)."""


def admin_level_words(level: str, language: str) -> str:
    return gettext(language, ADMIN_LEVELS[level]) if level in ADMIN_LEVELS else level.replace("_", " ")


def _when(value: datetime | None, language: str) -> str:
    """ "5 Dec 2026 18:42 UTC" (the admin area keeps platform time), or "Never"."""
    if value is None:
        return gettext(language, "Never")
    return utc_moment(value, language)


@dataclass(frozen=True)
class UserLine:
    """A user as the admin pages show one: the service's row and the words it reads as."""

    user: admin.UserRow
    name: str  # the full name, else the username
    account_type: str  # "not chosen" before onboarding
    admin: str  # the admin level in words, "" for none
    joined: str
    last_sign_in: str


def user_line(row: admin.UserRow, language: str) -> UserLine:
    kind = ACCOUNT_TYPES.get(row.account_type or "", N_("not chosen"))
    return UserLine(
        user=row,
        name=row.full_name or row.username,
        account_type=gettext(language, kind),
        admin=admin_level_words(row.admin_level, language) if row.admin_level else "",
        joined=_when(row.created_at, language),
        last_sign_in=_when(row.last_sign_in_at, language),
    )


@dataclass(frozen=True)
class WorkspaceLink:
    workspace: admin.UserWorkspace
    url: str


@dataclass(frozen=True)
class OrderLine:
    order: admin.UserOrder
    amount: str  # with its currency, or "Free"


class AdminUsersState(AuthState):
    search: str = ""
    account_type: str = "any"
    status: str = "any"
    page: int = 1
    pages: int = 1
    total: int = 0
    rows: list[UserLine] = []
    users_loaded: bool = False
    detail: UserLine | None = None  # the user whose dialog is open, with the facts below
    detail_status_reason: str = ""
    detail_sessions: int = 0
    detail_valid_tickets: int = 0
    detail_workspaces: list[WorkspaceLink] = []
    detail_orders: list[OrderLine] = []
    detail_tickets: list[admin.UserTicket] = []
    detail_open: bool = False
    action_status: str = ""
    action_tone: str = "red"
    can_reactivate: bool = False
    can_suspend: bool = False
    can_block: bool = False
    action_error: str = ""
    acting: bool = False

    @rx.event
    async def load_users(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.users_loaded = False
        filters = admin.UserFilters(
            search=self.search,
            account_type="" if self.account_type == "any" else self.account_type,
            status="" if self.status == "any" else self.status,
        )
        try:
            actor = await self.require_user()
            found = await call_service(admin.search_users, actor=actor, filters=filters, page=self.page)
        except DomainError as error:
            self.users_loaded = True
            return self.show_error(error)
        self.rows = [user_line(r, self._language()) for r in found.rows]
        self.page, self.pages, self.total, self.users_loaded = found.page, found.pages, found.total, True
        return None

    @rx.event
    def apply_filters(self, form: dict[str, Any]):
        self.search = str(form.get("search", ""))
        self.page = 1
        return AdminUsersState.load_users

    @rx.event
    def set_account_type_filter(self, value: str):
        self.account_type, self.page = value, 1
        return AdminUsersState.load_users

    @rx.event
    def set_status_filter(self, value: str):
        self.status, self.page = value, 1
        return AdminUsersState.load_users

    @rx.event
    def go_to_page(self, delta: int):
        self.page = max(1, min(self.pages, self.page + delta))
        return AdminUsersState.load_users

    @rx.event
    async def open_user(self, user_id: str):
        self.action_error, self.action_status = "", ""
        try:
            actor = await self.require_user()
            d = await call_service(admin.user_detail, actor=actor, user_id=user_id)
        except DomainError as error:
            return self.show_error(error)
        language = self._language()
        self.detail, self.detail_status_reason = user_line(d.user, language), d.status_reason
        self.detail_sessions, self.detail_valid_tickets = d.active_sessions, d.ticket_count
        self.can_reactivate, self.can_suspend, self.can_block = d.can_reactivate, d.can_suspend, d.can_block
        self.detail_workspaces = [WorkspaceLink(w, routes.workspace_url(w.id)) for w in d.workspaces]
        self.detail_orders = [OrderLine(o, price_label(o.amount, o.currency, language)) for o in d.orders]
        self.detail_tickets = d.tickets
        self.detail_open = True
        return None

    @rx.event
    def set_detail_open(self, value: bool) -> None:
        self.detail_open = value

    @rx.event
    def choose_action(self, status: str, tone: str) -> None:
        """`tone`: the colour of the button that chose it, kept for the confirm button."""
        self.action_status, self.action_error, self.action_tone = status, "", tone

    @rx.event
    async def change_status(self, form: dict[str, Any]):
        self.acting, self.action_error = True, ""
        yield
        try:
            actor = await self.require_user()
            row = await call_service(
                admin.set_user_status,
                actor=actor,
                user_id=self.detail.user.id if self.detail else "",
                status=self.action_status,
                reason=str(form.get("reason", "")),
                client=self._client(),
            )
        except DomainError as error:
            self.acting = False
            self.action_error = (error.details[0] if error.details else error).in_language(self._language())
            yield self.show_error(error)
            return
        self.acting, self.action_status = False, ""
        done = {
            "active": N_("{email} reactivated."),
            "suspended": N_("{email} suspended and signed out."),
            "blocked": N_("{email} blocked and signed out."),
        }
        yield rx.toast.success(self._t(done[row.status]).format(email=row.email))
        yield AdminUsersState.open_user(row.id)
        yield AdminUsersState.load_users
