"""The platform's money as finance sees it (SPEC §1.2, §7 /admin/revenue): totals per currency and
the queue of withdrawals waiting for a decision. Only super admins and finance admins may look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import (
    RETURNED_PAYMENT_KINDS,
    Event,
    Order,
    Refund,
    User,
    Withdrawal,
    WithdrawalStatus,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.admin import AdminCapability
from eventpalour.services.finance.money_figures import Balance, Period, balances, figures_by_period
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import stored_message
from eventpalour.services.sales import refund_label

QUEUE_LIMIT = 200
CHART_DAYS = 30


def require_finance_admin(session: Session, actor: UserSummary | None) -> None:
    """Raise unless the actor's admin level may see revenue and decide withdrawals (the one table in
    services/admins: super admins and finance admins)."""
    admin.require_admin(session, actor, AdminCapability.MANAGE_REVENUE)


@dataclass(frozen=True)
class QueuedWithdrawal:
    """A withdrawal as finance needs it to pay: the full destination, not a masked one."""

    id: str
    workspace_id: str
    workspace_name: str
    owner_email: str
    currency: str
    amount: int
    method: str
    bank_name: str
    account_number: str
    account_name: str
    phone_number: str
    status: str
    reference: str
    rejection_reason: str
    created_at: datetime


def platform_totals(*, actor: UserSummary | None) -> list[Balance]:
    """Gross, fees, refunds, net and payouts of the whole platform, per currency: `available` is what
    organizers have earned and not yet been paid out. Raises PermissionDenied."""
    with read_only() as session:
        require_finance_admin(session, actor)
        return list(balances(session).values())


@dataclass(frozen=True)
class RevenueDay:
    """One UTC day of one currency, in minor units: sales paid and refunds recorded that day."""

    day: date
    gross: int = 0
    platform_fees: int = 0
    refunds: int = 0


def daily_revenue(*, actor: UserSummary | None, days: int = CHART_DAYS) -> dict[str, list[RevenueDay]]:
    """The last `days` UTC days (today included) per currency that had money move in them.
    Raises PermissionDenied."""
    first = utcnow().date() - timedelta(days=days - 1)
    with read_only() as session:
        require_finance_admin(session, actor)
        by_day = figures_by_period(session, Period.DAY, datetime.combine(first, time.min, tzinfo=UTC))
    calendar = [first + timedelta(days=n) for n in range(days)]
    return {
        currency: [
            RevenueDay(d, f.gross, f.platform_fees, f.refunds) if (f := figures.get(d.isoformat())) else RevenueDay(d)
            for d in calendar
        ]
        for currency, figures in by_day.items()
    }


def withdrawal_queue(*, actor: UserSummary | None, status: str = WithdrawalStatus.REQUESTED) -> list[QueuedWithdrawal]:
    """Withdrawals in `status` (waiting ones by default), oldest first so nobody waits longest.

    Decided ones (paid, rejected) come newest first. Raises PermissionDenied.
    """
    with read_only() as session:
        require_finance_admin(session, actor)
        order = col(Withdrawal.created_at)
        rows = session.exec(
            select(Withdrawal, Workspace.name, User.email)
            .join(Workspace, col(Workspace.id) == col(Withdrawal.workspace_id))
            .join(User, col(User.id) == col(Workspace.owner_id))
            .where(Withdrawal.status == status)
            .order_by(order if status == WithdrawalStatus.REQUESTED else order.desc())
            .limit(QUEUE_LIMIT)
        ).all()
    return [
        QueuedWithdrawal(
            id=w.id,
            workspace_id=w.workspace_id,
            workspace_name=name,
            owner_email=email,
            currency=w.currency,
            amount=w.amount,
            method=w.method,
            bank_name=w.bank_name or "",
            account_number=w.account_number or "",
            account_name=w.account_name or "",
            phone_number=w.phone_number or "",
            status=w.status,
            reference=w.reference or "",
            rejection_reason=w.rejection_reason or "",
            created_at=w.created_at,
        )
        for w, name, email in rows
    ]


@dataclass(frozen=True)
class ReturnedPayment:
    """A payment that bought nothing and goes back in full (services/sales/returned_payments.py), e.g.
    USD 50.00 charged for a KES 5,000.00 order: "Payment mismatch, refunded"."""

    reference: str
    event_title: str
    workspace_name: str
    buyer_email: str
    amount: int  # what Paystack charged, in `currency`
    currency: str
    order_amount: int
    order_currency: str
    label: str
    reason: str
    created_at: datetime


def returned_payments(*, actor: UserSummary | None) -> list[ReturnedPayment]:
    """Payments refunded because they bought nothing, newest first: money that came in and is not
    revenue, for finance to follow (a failed one must be refunded by hand). Raises PermissionDenied."""
    with read_only() as session:
        require_finance_admin(session, actor)
        rows = session.exec(
            select(Refund, Order, Event.title, Workspace.name, User.email)
            .join(Order, col(Order.id) == col(Refund.order_id))
            .join(Event, col(Event.id) == col(Refund.event_id))
            .join(Workspace, col(Workspace.id) == col(Refund.workspace_id))
            .join(User, col(User.id) == col(Order.buyer_id))
            .where(col(Refund.kind).in_(RETURNED_PAYMENT_KINDS))
            .order_by(col(Refund.created_at).desc())
            .limit(QUEUE_LIMIT)
        ).all()
    return [
        ReturnedPayment(
            reference=order.reference,
            event_title=title,
            workspace_name=workspace_name,
            buyer_email=email,
            amount=refund.amount,
            currency=refund.currency,
            order_amount=order.amount,
            order_currency=order.currency,
            label=refund_label(refund.kind, refund.status),
            # Paystack's failure words as it sent them; the system's own sentences in the reader's language.
            reason=refund.failure_reason
            or (
                order.flagged_reason
                and stored_message(order.flagged_reason, order.flagged_template, order.flagged_values)
            )
            or stored_message(refund.reason, refund.reason_template, refund.reason_values),
            created_at=refund.created_at,
        )
        for refund, order, title, workspace_name, email in rows
    ]
