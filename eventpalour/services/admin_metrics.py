"""The /admin dashboard's figures (SPEC §7), each with the period before it for comparison.

Definitions, so every figure can be checked against a direct count:
- organizers: users whose account type is organizer; KYC-approved organizers: distinct owners of a
  workspace whose KYC is approved.
- tickets sold: tickets as issued by orders (not the copies a transfer makes), minus refunded and
  cancelled ones; "this week" counts by issue time.
- revenue: orders paid and not fully refunded (completed, partially refunded), per currency;
  gross is what buyers paid, platform fee our cut; weeks count by payment time.
Days are UTC days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import (
    MONEY_HELD_STATUSES,
    VOID_TICKET_STATUSES,
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
from eventpalour.services import admins
from eventpalour.services.accounts import UserSummary
from eventpalour.services.admins import AdminCapability
from eventpalour.services.money import MINOR_DIGITS

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


def _sold_ticket_filters() -> tuple:
    return (col(Ticket.transferred_from_id).is_(None), col(Ticket.status).not_in(VOID_TICKET_STATUSES))


def _revenue(session: Session, now: datetime) -> list[CurrencyRevenue]:
    paid = col(Order.status).in_(MONEY_HELD_STATUSES)

    def sums(*where: object) -> dict[str, tuple[int, int]]:
        rows = session.exec(
            select(Order.currency, func.sum(Order.amount), func.sum(Order.platform_fee))
            .where(paid, col(Order.amount) > 0, *where)
            .group_by(col(Order.currency))
        ).all()
        return {currency: (int(gross or 0), int(fee or 0)) for currency, gross, fee in rows}

    week = timedelta(days=7)
    totals = sums()
    this_week = sums(col(Order.paid_at) >= now - week, col(Order.paid_at) < now)
    last_week = sums(col(Order.paid_at) >= now - 2 * week, col(Order.paid_at) < now - week)
    return [
        CurrencyRevenue(
            currency=currency,
            gross=gross,
            platform_fee=fee,
            gross_week=Change(this_week.get(currency, (0, 0))[0], last_week.get(currency, (0, 0))[0]),
            fee_week=Change(this_week.get(currency, (0, 0))[1], last_week.get(currency, (0, 0))[1]),
        )
        for currency, (gross, fee) in sorted(totals.items(), key=lambda item: -item[1][0])
    ]


def _days(session: Session, now: datetime) -> list[DayPoint]:
    """The last 30 UTC days, today included; bucketed here so SQLite and PostgreSQL agree on days."""
    first = (now - timedelta(days=CHART_DAYS - 1)).date()
    since = datetime(first.year, first.month, first.day, tzinfo=now.tzinfo)
    signups: dict[date, int] = defaultdict(int)
    tickets: dict[date, int] = defaultdict(int)
    fees: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for created in session.exec(select(User.created_at).where(col(User.created_at) >= since)).all():
        signups[created.date()] += 1
    for created in session.exec(
        select(Ticket.created_at).where(col(Ticket.created_at) >= since, *_sold_ticket_filters())
    ).all():
        tickets[created.date()] += 1
    for paid_at, currency, fee in session.exec(
        select(Order.paid_at, Order.currency, Order.platform_fee).where(
            col(Order.status).in_(MONEY_HELD_STATUSES), col(Order.paid_at) >= since, col(Order.amount) > 0
        )
    ).all():
        fees[paid_at.date()][currency] += fee
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    return [DayPoint(d, signups[d], tickets[d], dict(fees[d])) for d in days]


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
            tickets_sold=_count(session, Ticket, *_sold_ticket_filters()),
            tickets_week=_window(
                session, Ticket, col(Ticket.created_at), now, timedelta(days=7), *_sold_ticket_filters()
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


def major_units(minor: int, currency: str) -> int:
    """Whole major units for a chart axis (charts plot shape, the cards show exact money)."""
    return minor // (10 ** MINOR_DIGITS.get(currency, 2))
