"""The admin area's shared state: who may see it (recorded in the audit log on entry), what their
level may do (for the sidebar), and the dashboard's figures.

The sidebar's flags only hide links; every handler below calls a service that checks the level again.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from babel.numbers import format_decimal

from eventpalour.services import admin
from eventpalour.services.admin import AdminCapability
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    DomainError,
    SecondFactorRequired,
    format_locale,
    format_money,
    gettext,
    short_day,
)
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.money_text import whole_units

# Each comparison as a whole sentence per period, so each language words it its own way:
# (the previous figure when nothing is new, "all new", the change in percent).
CHANGE_TEXTS = {
    "24 h": (N_("{count} in the previous 24 h"), N_("new in the last 24 h"), N_("{change}% vs previous 24 h")),
    "7 days": (N_("{count} in the previous 7 days"), N_("new in the last 7 days"), N_("{change}% vs previous 7 days")),
}


def change_label(change: admin.MetricChange, unit: str, language: str = DEFAULT_LANGUAGE) -> str:
    """ "+25% vs previous 7 days", or the previous figure when there is no percentage; `unit` is
    "24 h" or "7 days"."""
    previous, all_new, percent = CHANGE_TEXTS[unit]
    if change.percent is None:
        if change.current == 0:
            return gettext(language, previous).format(count=change.previous)
        return gettext(language, all_new)
    sign = "+" if change.percent > 0 else ""
    return gettext(language, percent).format(change=f"{sign}{change.percent}")


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
            self.dashboard_loaded, self.dashboard_error = True, error.in_language(self._language())
            return None
        self._show(metrics)
        self.dashboard_loaded = True
        return None

    def _show(self, m: admin.DashboardMetrics) -> None:
        language = self._language()
        locale = format_locale(language)

        def number(value: int) -> str:
            return format_decimal(value, locale=locale)

        def words(text: str, **values: int) -> str:
            return gettext(language, text).format(**{k: number(v) for k, v in values.items()})

        def card(label: str, value: int, note: str, icon: str, direction: str = "flat") -> FigureCard:
            return FigureCard(gettext(language, label), number(value), note, icon, direction)

        waiting = gettext(language, "Waiting for review")
        self.cards = [
            card(N_("Users"), m.users_total, words(N_("{count} new this week"), count=m.users_week.current), "users"),
            card(
                N_("New users (24 h)"),
                m.users_day.current,
                change_label(m.users_day, "24 h", language),
                "user-plus",
                trend(m.users_day),
            ),
            card(
                N_("New users (7 days)"),
                m.users_week.current,
                change_label(m.users_week, "7 days", language),
                "user-plus",
                trend(m.users_week),
            ),
            card(
                N_("Organizers"),
                m.organizers,
                words(N_("{count} KYC approved"), count=m.kyc_approved_organizers),
                "briefcase",
            ),
            card(N_("Events"), m.events_total, words(N_("{count} active"), count=m.events_active), "calendar"),
            card(
                N_("Tickets sold"),
                m.tickets_sold,
                change_label(m.tickets_week, "7 days", language),
                "ticket",
                trend(m.tickets_week),
            ),
            card(
                N_("Failed payments"),
                m.failed_payments,
                words(N_("{count} in the last 7 days"), count=m.failed_week.current),
                "circle-x",
            ),
            card(N_("Pending KYC"), m.pending_kyc, waiting, "id-card"),
            card(N_("Pending blue tickets"), m.pending_blue_tickets, waiting, "badge-check"),
        ]
        self.revenue_cards = [
            RevenueCard(
                currency=r.currency,
                gross=format_money(r.gross, r.currency, language),
                fee=format_money(r.platform_fee, r.currency, language),
                gross_note=change_label(r.gross_week, "7 days", language),
                fee_note=change_label(r.fee_week, "7 days", language),
                trend=trend(r.gross_week),
            )
            for r in m.revenue
        ]
        self.currencies = [r.currency for r in m.revenue] or ["KES"]
        self.revenue_days = [
            FeesDay(
                short_day(d.day, language),
                {c: whole_units(d.platform_fee.get(c, 0), c) for c in self.currencies},
            )
            for d in m.days
        ]
        self.activity_days = [ActivityDay(short_day(d.day, language), d.signups, d.tickets) for d in m.days]
