"""A workspace's money after the sale (SPEC §5): balances and a 12-month series, always per currency.

Money in different currencies is never added up: every figure belongs to one currency. The rules
of what counts live here once and are reused by withdrawals (which must check the balance under a
lock) and by the transactions list.

- A *paid order* is completed, partially refunded or refunded, with `paid_at` and `organizer_share`
  set. The last two exclude a payment that arrived too late and was refunded without ever selling
  tickets: the organizer never earned it.
- *Refunds* are refund rows of paid orders that have not failed (a failed refund gives its claim back).
- *Net* is the organizer share of paid orders less refunds; *available* is net less paid and
  pending withdrawals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import (
    SETTLED_ORDER_STATUSES,
    Order,
    Refund,
    RefundStatus,
    Withdrawal,
    WithdrawalStatus,
)
from eventpalour.models.types import utcnow
from eventpalour.services.access import WorkspaceAction, load_workspace_for
from eventpalour.services.accounts import UserSummary

DEFAULT_CURRENCY = "KES"
SERIES_MONTHS = 12


@dataclass(frozen=True)
class Balance:
    """One currency's money of a workspace, in minor units."""

    currency: str
    paid_orders: int = 0
    gross: int = 0
    platform_fees: int = 0
    provider_fees: int = 0
    organizer_share: int = 0
    refunds: int = 0
    withdrawn: int = 0
    pending: int = 0

    @property
    def net(self) -> int:
        return self.organizer_share - self.refunds

    @property
    def available(self) -> int:
        return self.net - self.withdrawn - self.pending


@dataclass(frozen=True)
class MonthPoint:
    """One month of the chart: `month` is "2026-11"; money in minor units of the series' currency."""

    month: str
    revenue: int = 0
    fees: int = 0
    net: int = 0


@dataclass(frozen=True)
class BillingOverview:
    balances: list[Balance]
    main_currency: str
    series: dict[str, list[MonthPoint]] = field(default_factory=dict)


def paid_order_conditions(workspace_id: str | None = None) -> list[ColumnElement[bool]]:
    """The WHERE clause of "a paid order" (see the module docstring), optionally of one workspace."""
    conditions = [
        col(Order.status).in_(SETTLED_ORDER_STATUSES),
        col(Order.paid_at).is_not(None),
        col(Order.organizer_share).is_not(None),
    ]
    if workspace_id is not None:
        conditions.append(col(Order.workspace_id) == workspace_id)
    return conditions


def refund_conditions(workspace_id: str | None = None, *, include_failed: bool = False) -> list[ColumnElement[bool]]:
    """Refunds of paid orders (join Order on the refund's order); only failed ones when asked,
    since a failed refund takes no money back."""
    conditions = [*paid_order_conditions()]
    if not include_failed:
        conditions.append(col(Refund.status) != RefundStatus.FAILED)
    if workspace_id is not None:
        conditions.append(col(Refund.workspace_id) == workspace_id)
    return conditions


def balances_in(session: Session, workspace_id: str) -> dict[str, Balance]:
    """Every currency the workspace has money in, read in the caller's session (and its locks)."""
    figures: dict[str, dict[str, int]] = {}
    for currency, count, gross, platform, provider, share in session.exec(
        select(
            Order.currency,
            func.count(),
            func.sum(Order.amount),
            func.sum(Order.platform_fee),
            func.coalesce(func.sum(Order.provider_fee), 0),
            func.sum(Order.organizer_share),
        )
        .where(*paid_order_conditions(workspace_id))
        .group_by(col(Order.currency))
    ):
        figures.setdefault(currency, {}).update(
            paid_orders=int(count),
            gross=int(gross),
            platform_fees=int(platform),
            provider_fees=int(provider),
            organizer_share=int(share),
        )
    for currency, refunded in session.exec(
        select(Refund.currency, func.sum(Refund.amount))
        .join(Order, col(Order.id) == col(Refund.order_id))
        .where(*refund_conditions(workspace_id))
        .group_by(col(Refund.currency))
    ):
        figures.setdefault(currency, {})["refunds"] = int(refunded)
    for currency, status, total in session.exec(
        select(Withdrawal.currency, Withdrawal.status, func.sum(Withdrawal.amount))
        .where(Withdrawal.workspace_id == workspace_id, Withdrawal.status != WithdrawalStatus.REJECTED)
        .group_by(col(Withdrawal.currency), col(Withdrawal.status))
    ):
        key = "withdrawn" if status == WithdrawalStatus.PAID else "pending"
        figures.setdefault(currency, {})[key] = figures.get(currency, {}).get(key, 0) + int(total)
    return {currency: Balance(currency=currency, **values) for currency, values in sorted(figures.items())}


def main_currency(balances: list[Balance]) -> str:
    """The currency the workspace sells most in (KES before any sale)."""
    ranked = sorted(balances, key=lambda b: (-b.gross, b.currency != DEFAULT_CURRENCY, b.currency))
    return ranked[0].currency if ranked else DEFAULT_CURRENCY


def _month_key(session: Session, column: ColumnElement) -> ColumnElement[str]:
    """The UTC calendar month of a timestamp as "YYYY-MM", in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)  # SQLite stores our timestamps as naive UTC text


def month_keys(today: date, months: int = SERIES_MONTHS) -> list[str]:
    """The last `months` calendar months up to `today`'s, oldest first: ["2025-12", …, "2026-11"]."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def series_in(session: Session, workspace_id: str, today: date) -> dict[str, list[MonthPoint]]:
    """Revenue, fees and net per month of the last 12 months, per currency with activity in them."""
    keys = month_keys(today)
    start = datetime.strptime(keys[0] + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    month = _month_key(session, col(Order.paid_at))
    totals: dict[str, dict[str, list[int]]] = {}
    for currency, key, revenue, fees, share in session.exec(
        select(
            Order.currency,
            month,
            func.sum(Order.amount),
            func.sum(Order.platform_fee + func.coalesce(Order.provider_fee, 0)),
            func.sum(Order.organizer_share),
        )
        .where(*paid_order_conditions(workspace_id), col(Order.paid_at) >= start)
        .group_by(col(Order.currency), month)
    ):
        totals.setdefault(currency, {})[key] = [int(revenue), int(fees), int(share)]
    refund_month = _month_key(session, col(Refund.created_at))
    for currency, key, refunded in session.exec(
        select(Refund.currency, refund_month, func.sum(Refund.amount))
        .join(Order, col(Order.id) == col(Refund.order_id))
        .where(*refund_conditions(workspace_id), col(Refund.created_at) >= start)
        .group_by(col(Refund.currency), refund_month)
    ):
        row = totals.setdefault(currency, {}).setdefault(key, [0, 0, 0])
        row[2] -= int(refunded)
    return {
        currency: [MonthPoint(key, *by_month.get(key, (0, 0, 0))) for key in keys]
        for currency, by_month in sorted(totals.items())
    }


def billing_overview(*, actor: UserSummary | None, workspace_id: str) -> BillingOverview:
    """Balances per currency and the 12-month series, for workspace admins and the owner.

    Raises NotAuthenticated, NotFound, PermissionDenied (below admin).
    """
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        balances = list(balances_in(session, access.workspace.id).values())
        series = series_in(session, access.workspace.id, utcnow().date())
    main = main_currency(balances)
    if not balances:
        balances = [Balance(currency=main)]
    if main not in series:
        series[main] = [MonthPoint(key) for key in month_keys(utcnow().date())]
    return BillingOverview(balances=balances, main_currency=main, series=series)
