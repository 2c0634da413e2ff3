"""The /admin dashboard's figures (SPEC §7), each with the period before it for comparison.

Definitions, so every figure can be checked against a direct count:
- organizers: users whose account type is organizer; KYC-approved organizers: distinct owners of a
  workspace whose KYC is approved.
- tickets sold, gross and platform fee: as services/finance/money_figures.py defines them for every screen
  (sales include fully refunded ones, which were sold and then refunded), per currency for money;
  "this week" counts tickets by issue time and sales by payment time.
Days are UTC days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import (
    AccountType,
    BlueTicketRequest,
    BlueTicketStatus,
    Event,
    EventStatus,
    KycStatus,
    Order,
    OrderStatus,
    Ticket,
    User,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services.admin import admins
from eventpalour.services.admin.admins import AdminCapability
from eventpalour.services.finance import (
    SOLD_TICKET_CONDITIONS,
    MoneyFigures,
    Period,
    figures_by_currency,
    figures_by_period,
    tickets_sold,
)
from eventpalour.services.identity import UserSummary

CHART_DAYS = 30


@dataclass(frozen=True)
class Change:
    """A figure for the latest period and the one before it."""

    current: int
    previous: int

    @property
    def percent(self) -> int | None:
        """Whole-percent change, or None when there was nothing to compare with."""
        if self.previous == 0:
            return None
        return round((self.current - self.previous) * 100 / self.previous)


@dataclass(frozen=True)
class CurrencyRevenue:
    currency: str
    gross: int
    platform_fee: int
    gross_week: Change
    fee_week: Change


@dataclass(frozen=True)
class DayPoint:
    day: date
    signups: int
    tickets: int
    platform_fee: dict[str, int]  # minor units per currency


@dataclass(frozen=True)
class DashboardMetrics:
    users_total: int
    users_day: Change
    users_week: Change
    organizers: int
    kyc_approved_organizers: int
    events_total: int
    events_active: int
    tickets_sold: int
    tickets_week: Change
    revenue: list[CurrencyRevenue]
    failed_payments: int
    failed_week: Change
    pending_kyc: int
    pending_blue_tickets: int
    days: list[DayPoint]


def _count(session: Session, model: type, *where: object) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _window(session: Session, model: type, column: object, now: datetime, span: timedelta, *where: object) -> Change:
    current = _count(session, model, column >= now - span, column < now, *where)
    previous = _count(session, model, column >= now - 2 * span, column < now - span, *where)
    return Change(current, previous)


def _revenue(session: Session, now: datetime) -> list[CurrencyRevenue]:
    week = timedelta(days=7)
    totals = figures_by_currency(session)
    this_week = figures_by_currency(session, start=now - week, end=now)
    last_week = figures_by_currency(session, start=now - 2 * week, end=now - week)

    def change(currency: str, figure: str) -> Change:
        return Change(*(getattr(w.get(currency, MoneyFigures(currency)), figure) for w in (this_week, last_week)))

    return [
        CurrencyRevenue(
            currency=currency,
            gross=figures.gross,
            platform_fee=figures.platform_fees,
            gross_week=change(currency, "gross"),
            fee_week=change(currency, "platform_fees"),
        )
        for currency, figures in sorted(totals.items(), key=lambda item: -item[1].gross)
    ]


def _days(session: Session, now: datetime) -> list[DayPoint]:
    """The last 30 UTC days, today included; tickets bucketed here so SQLite and PostgreSQL agree on days."""
    first = (now - timedelta(days=CHART_DAYS - 1)).date()
    since = datetime(first.year, first.month, first.day, tzinfo=now.tzinfo)
    signups: dict[date, int] = defaultdict(int)
    tickets: dict[date, int] = defaultdict(int)
    for created in session.exec(select(User.created_at).where(col(User.created_at) >= since)).all():
        signups[created.date()] += 1
    for created in session.exec(
        select(Ticket.created_at).where(col(Ticket.created_at) >= since, *SOLD_TICKET_CONDITIONS)
    ).all():
        tickets[created.date()] += 1
    by_day = figures_by_period(session, Period.DAY, since)
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    return [
        DayPoint(
            d,
            signups[d],
            tickets[d],
            {c: f.platform_fees for c, figures in by_day.items() if (f := figures.get(d.isoformat()))},
        )
        for d in days
    ]


def dashboard_metrics(*, actor: UserSummary | None) -> DashboardMetrics:
    """Every figure of the admin dashboard as of now (every admin level may see them)."""
    now = utcnow()
    with read_only() as session:
        admins.require(session, actor, AdminCapability.VIEW_DASHBOARD)
        failed = col(Order.status) == OrderStatus.FAILED
        return DashboardMetrics(
            users_total=_count(session, User),
            users_day=_window(session, User, col(User.created_at), now, timedelta(days=1)),
            users_week=_window(session, User, col(User.created_at), now, timedelta(days=7)),
            organizers=_count(session, User, col(User.account_type) == AccountType.ORGANIZER),
            kyc_approved_organizers=session.exec(
                select(func.count(func.distinct(Workspace.owner_id))).where(Workspace.kyc_status == KycStatus.APPROVED)
            ).one(),
            events_total=_count(session, Event),
            events_active=_count(session, Event, col(Event.status) == EventStatus.ACTIVE),
            tickets_sold=tickets_sold(session),
            tickets_week=_window(
                session, Ticket, col(Ticket.created_at), now, timedelta(days=7), *SOLD_TICKET_CONDITIONS
            ),
            revenue=_revenue(session, now),
            failed_payments=_count(session, Order, failed),
            failed_week=_window(session, Order, col(Order.created_at), now, timedelta(days=7), failed),
            pending_kyc=_count(session, Workspace, col(Workspace.kyc_status) == KycStatus.PENDING),
            pending_blue_tickets=_count(
                session, BlueTicketRequest, col(BlueTicketRequest.status) == BlueTicketStatus.PENDING
            ),
            days=_days(session, now),
        )
