"""A workspace's money after the sale (SPEC §5): balances and a 12-month series, always per currency.

What counts (sales, refunds, net, payouts) is defined once in services/finance/money_figures.py; this
module picks the workspace's share of it for the billing page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session

from eventpalour.db import read_only
from eventpalour.models.types import utcnow
from eventpalour.services import identity
from eventpalour.services.finance.money_figures import Balance, Period, Scope, balances, figures_by_period
from eventpalour.services.identity import SecondFactorNeed, UserSummary
from eventpalour.services.workspaces import WorkspaceAction, load_workspace_for

DEFAULT_CURRENCY = "KES"
SERIES_MONTHS = 12


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
    # A withdrawal request asks for two-factor (`withdrawals.request_withdrawal`): said before the click.
    withdrawal_second_factor: SecondFactorNeed = identity.SECOND_FACTOR_NOT_NEEDED


def main_currency(balances: list[Balance]) -> str:
    """The currency the workspace sells most in (KES before any sale)."""
    ranked = sorted(balances, key=lambda b: (-b.gross, b.currency != DEFAULT_CURRENCY, b.currency))
    return ranked[0].currency if ranked else DEFAULT_CURRENCY


def month_keys(today: date, months: int = SERIES_MONTHS) -> list[str]:
    """The last `months` calendar months up to `today`'s, oldest first: ["2025-12", …, "2026-11"]."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def series_in(session: Session, workspace_id: str, today: date) -> dict[str, list[MonthPoint]]:
    """Gross, fees and net per month of the last 12 months, per currency with activity in them."""
    keys = month_keys(today)
    start = datetime.strptime(keys[0] + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    by_month = figures_by_period(session, Period.MONTH, start, Scope(workspace_id=workspace_id))
    return {
        currency: [
            MonthPoint(key, f.gross, f.fees, f.net) if (f := months.get(key)) else MonthPoint(key) for key in keys
        ]
        for currency, months in by_month.items()
    }


def billing_overview(*, actor: UserSummary | None, workspace_id: str) -> BillingOverview:
    """Balances per currency and the 12-month series, for workspace admins and the owner.

    Raises NotAuthenticated, NotFound, PermissionDenied (below admin).
    """
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        found = list(balances(session, access.workspace.id).values())
        series = series_in(session, access.workspace.id, utcnow().date())
        need = identity.second_factor_need(session, actor, "withdrawal")
    main = main_currency(found)
    if not found:
        found = [Balance(currency=main)]
    if main not in series:
        series[main] = [MonthPoint(key) for key in month_keys(utcnow().date())]
    return BillingOverview(balances=found, main_currency=main, series=series, withdrawal_second_factor=need)
