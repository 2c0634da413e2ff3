"""The admin area's shared state: who may see it (recorded in the audit log on entry), what their
level may do (for the sidebar), and the dashboard's figures.

The sidebar's flags only hide links; every handler below calls a service that checks the level again.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import admin
from eventpalour.services.admin import AdminCapability
from eventpalour.services.platform import DomainError, SecondFactorRequired, format_money
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.money_text import whole_units


def change_label(change: admin.MetricChange, unit: str) -> str:
    """ "+25% vs previous 7 days", or the previous figure when there is no percentage."""
    if change.percent is None:
        return f"{change.previous} in the previous {unit}" if change.current == 0 else f"new in the last {unit}"
    sign = "+" if change.percent > 0 else ""
    return f"{sign}{change.percent}% vs previous {unit}"


def trend(change: admin.MetricChange) -> str:
    if change.percent is None or change.percent == 0:
        return "flat"
    return "up" if change.percent > 0 else "down"


@dataclass(frozen=True)
class FigureCard:
    """One dashboard count: its value, a note under it, its icon and which way it went."""

    label: str
    value: str
    note: str
    icon: str
    trend: str = "flat"


@dataclass(frozen=True)
class RevenueCard:
    """One currency's gross and platform fees with their change over 7 days."""

    currency: str
    gross: str
    fee: str
    gross_note: str
    fee_note: str
    trend: str


@dataclass(frozen=True)
class FeesDay:
    """One day of the revenue chart: platform fees per currency, in whole major units."""

    day: str
    fees: dict[str, int]


@dataclass(frozen=True)
class ActivityDay:
    day: str
    signups: int
    tickets: int


class AdminState(AuthState):
    """The admin area's shell (components/admin.py): set by `enter_admin` on every /admin page;
    `admin_allowed` false shows the not-found view. Page states ask `admin_entered`."""

    admin_checked: bool = False
    admin_allowed: bool = False
    _entry_recorded: bool = False

    def _can(self, capability: AdminCapability) -> bool:
        return admin.admin_allows(self.admin_level or None, capability)

    @rx.var
    def can_manage_users(self) -> bool:
        return self._can(AdminCapability.MANAGE_USERS)

    @rx.var
    def can_review_kyc(self) -> bool:
        return self._can(AdminCapability.REVIEW_KYC)

    @rx.var
    def can_review_blue_tickets(self) -> bool:
        return self._can(AdminCapability.REVIEW_BLUE_TICKETS)

    @rx.var
    def can_review_categories(self) -> bool:
        return self._can(AdminCapability.REVIEW_CATEGORIES)

    @rx.var
    def can_see_revenue(self) -> bool:
        return self._can(AdminCapability.MANAGE_REVENUE)

    @rx.var
    def can_manage_admins(self) -> bool:
        return self._can(AdminCapability.MANAGE_ADMINS)

    @rx.event
    async def enter_admin(self):
        """on_load of every admin page: resolve the user, record the first entry of this browser
        session (and every refusal) in the audit log, and decide whether to show the page. An admin
        whose session did not pass two-factor sign-in is sent to set it up, with the reason."""
        self.admin_checked = False
        user = await self.current_user()
        if user and user.admin_level and user.second_factor_passed and self._entry_recorded:
            self.admin_allowed, self.admin_checked = True, True
            return None
        try:
            await call_service(admin.record_admin_sign_in, actor=user, client=self._client(), path=self.router.url.path)
        except SecondFactorRequired as error:
            self.admin_allowed, self.admin_checked = False, True
            return self.show_error(error)
        except DomainError:
            self.admin_allowed, self.admin_checked = False, True
            return None
        self._entry_recorded = True
        self.admin_allowed, self.admin_checked = True, True
        return None


async def admin_entered(page: AuthState) -> bool:
    """Whether this browser passed the admin entry check (`enter_admin`, the first load of every admin
    page): each admin page's load asks it before loading anything, since the not-found view shows
    otherwise. It only spares work; the services check the admin level again."""
    return (await page.get_state(AdminState)).admin_allowed


class AdminDashboardState(AuthState):
    cards: list[FigureCard] = []
    revenue_cards: list[RevenueCard] = []
    revenue_days: list[FeesDay] = []
    currencies: list[str] = []
    activity_days: list[ActivityDay] = []
    dashboard_loaded: bool = False
    dashboard_error: str = ""

    @rx.event
    async def load_dashboard(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.dashboard_loaded, self.dashboard_error = False, ""
        try:
            actor = await self.require_user()
            metrics = await call_service(admin.dashboard_metrics, actor=actor)
        except DomainError as error:
            self.dashboard_loaded, self.dashboard_error = True, error.message
            return None
        self._show(metrics)
        self.dashboard_loaded = True
        return None

    def _show(self, m: admin.DashboardMetrics) -> None:
        def card(label: str, value: int, note: str, icon: str, direction: str = "flat") -> FigureCard:
            return FigureCard(label, f"{value:,}", note, icon, direction)

        self.cards = [
            card("Users", m.users_total, f"{m.users_week.current:,} new this week", "users"),
            card(
                "New users (24 h)",
                m.users_day.current,
                change_label(m.users_day, "24 h"),
                "user-plus",
                trend(m.users_day),
            ),
            card(
                "New users (7 days)",
                m.users_week.current,
                change_label(m.users_week, "7 days"),
                "user-plus",
                trend(m.users_week),
            ),
            card("Organizers", m.organizers, f"{m.kyc_approved_organizers:,} KYC approved", "briefcase"),
            card("Events", m.events_total, f"{m.events_active:,} active", "calendar"),
            card(
                "Tickets sold", m.tickets_sold, change_label(m.tickets_week, "7 days"), "ticket", trend(m.tickets_week)
            ),
            card("Failed payments", m.failed_payments, f"{m.failed_week.current:,} in the last 7 days", "circle-x"),
            card("Pending KYC", m.pending_kyc, "Waiting for review", "id-card"),
            card("Pending blue tickets", m.pending_blue_tickets, "Waiting for review", "badge-check"),
        ]
        self.revenue_cards = [
            RevenueCard(
                currency=r.currency,
                gross=format_money(r.gross, r.currency),
                fee=format_money(r.platform_fee, r.currency),
                gross_note=change_label(r.gross_week, "7 days"),
                fee_note=change_label(r.fee_week, "7 days"),
                trend=trend(r.gross_week),
            )
            for r in m.revenue
        ]
        self.currencies = [r.currency for r in m.revenue] or ["KES"]
        self.revenue_days = [
            FeesDay(d.day.strftime("%d %b"), {c: whole_units(d.platform_fee.get(c, 0), c) for c in self.currencies})
            for d in m.days
        ]
        self.activity_days = [ActivityDay(d.day.strftime("%d %b"), d.signups, d.tickets) for d in m.days]
