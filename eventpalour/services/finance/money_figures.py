"""Every money figure, defined once (finance; issue #17): gross, fees, refunds, net to the organizer
and tickets sold, for one event, one workspace or the whole platform, all time, over a window, or
per day or month for the charts. The event page, its Orders tab, workspace billing and its
transactions list, admin revenue and the admin dashboard all read them from here, so no two
screens can show two numbers for the same thing.

Money in different currencies is never added up: every figure belongs to one currency.

The definitions, as an accountant keeps the books:

- A *sale* is an order that was paid: completed, partially refunded or refunded, with `paid_at`
  and `organizer_share` set. A fully refunded order was still sold, then refunded: it counts in
  gross and its refund in refunds. A payment that bought nothing (paid too late after a sell-out,
  or a mismatched charge; services/sales/returned_payments.py) never gets `paid_at` or a share, so it is
  no sale and its refund is no refund of a sale: the organizer never earned it. Free registrations
  are sales of zero.
- *Gross* is what buyers paid on sales (the platform fee included when it is passed on);
  *platform fees* our cut of it, *provider fees* what Paystack kept, *organizer share* the rest.
- *Discounts* are what discount codes took off the ticket prices of sales (`orders.discount_amount`):
  money never charged, so it is in no other figure; a refunded sale keeps its discount.
- *Refunds* are the refunds of sales that have not failed, counted when they are recorded (queued)
  and in the currency they go back in: the money is promised from that moment and claimed on the
  order (`orders.refunded_amount`); a failed refund gives its claim back. Paystack keeps its fee
  and we keep ours on a refunded sale, so a refund comes off the organizer's net.
- *Net* to the organizer is the organizer share less refunds, so gross − platform fees − provider
  fees − refunds = net on every screen.
- Sales count on the UTC day (or month) they were paid, refunds on the day they were recorded.
- *Tickets sold* are the tickets orders issued (not the copies a transfer makes) that were neither
  refunded nor cancelled; free registrations included.
- *Withdrawn* is what paid payouts took; *pending* what requested ones will take; a rejected payout
  takes nothing. *Available* is net less both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from eventpalour.models import (
    SETTLED_ORDER_STATUSES,
    VOID_TICKET_STATUSES,
    Order,
    Refund,
    RefundStatus,
    Ticket,
    Withdrawal,
    WithdrawalStatus,
)


@dataclass(frozen=True)
class MoneyFigures:
    """One currency's sales and refunds in one scope, in minor units."""

    currency: str
    paid_orders: int = 0
    gross: int = 0
    platform_fees: int = 0
    provider_fees: int = 0
    organizer_share: int = 0
    refunds: int = 0
    discounts: int = 0

    @property
    def fees(self) -> int:
        return self.platform_fees + self.provider_fees

    @property
    def net(self) -> int:
        return self.organizer_share - self.refunds


@dataclass(frozen=True)
class Balance(MoneyFigures):
    """One currency's money of a workspace (or, summed over all, of the platform) with its payouts."""

    withdrawn: int = 0
    pending: int = 0

    @property
    def available(self) -> int:
        return self.net - self.withdrawn - self.pending


class Period(StrEnum):
    """How a chart buckets money: by UTC day ("2026-11-05") or UTC month ("2026-11")."""

    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True)
class Scope:
    """Whose money: one event, one workspace, or (both empty) the whole platform."""

    event_id: str | None = None
    workspace_id: str | None = None


PLATFORM = Scope()

# A refund moves money unless it failed; the transactions list shows failed ones at zero.
REFUND_MOVES_MONEY = col(Refund.status) != RefundStatus.FAILED
# A payout takes money unless it was rejected.
WITHDRAWAL_TAKES_MONEY = col(Withdrawal.status) != WithdrawalStatus.REJECTED
SOLD_TICKET_CONDITIONS = (col(Ticket.transferred_from_id).is_(None), col(Ticket.status).not_in(VOID_TICKET_STATUSES))


def sale_conditions(scope: Scope = PLATFORM) -> list[ColumnElement[bool]]:
    """The WHERE clause of "a sale" (see the module docstring) in `scope`."""
    conditions = [
        col(Order.status).in_(SETTLED_ORDER_STATUSES),
        col(Order.paid_at).is_not(None),
        col(Order.organizer_share).is_not(None),
    ]
    if scope.event_id is not None:
        conditions.append(col(Order.event_id) == scope.event_id)
    if scope.workspace_id is not None:
        conditions.append(col(Order.workspace_id) == scope.workspace_id)
    return conditions


def refund_conditions(scope: Scope = PLATFORM, *, include_failed: bool = False) -> list[ColumnElement[bool]]:
    """Refunds of sales in `scope` (join Order on the refund's order); failed ones only when asked,
    since a failed refund takes no money back."""
    conditions = sale_conditions(scope)
    if not include_failed:
        conditions.append(REFUND_MOVES_MONEY)
    return conditions


def _within(column: ColumnElement, start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    return [*([column >= start] if start else []), *([column < end] if end else [])]


def _bucket(session: Session, column: ColumnElement, period: Period) -> ColumnElement[str]:
    """The UTC day or month of a timestamp as text, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD" if period == Period.DAY else "YYYY-MM")
    # SQLite stores our timestamps as naive UTC text.
    return func.strftime("%Y-%m-%d" if period == Period.DAY else "%Y-%m", column)


def _sums(
    session: Session,
    scope: Scope,
    start: datetime | None,
    end: datetime | None,
    period: Period | None,
) -> dict[tuple[str, str], dict[str, int]]:
    """{(currency, bucket): figures} of sales paid and refunds recorded in [start, end); the bucket
    is "" without a period."""
    sale_keys = [col(Order.currency), *([_bucket(session, col(Order.paid_at), period)] if period else [])]
    refund_keys = [col(Refund.currency), *([_bucket(session, col(Refund.created_at), period)] if period else [])]
    figures: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for *key, count, gross, platform, provider, share, discounts in session.exec(
        select(
            *sale_keys,
            func.count(),
            func.sum(Order.amount),
            func.sum(Order.platform_fee),
            func.coalesce(func.sum(Order.provider_fee), 0),
            func.sum(Order.organizer_share),
            func.coalesce(func.sum(Order.discount_amount), 0),
        )
        .where(*sale_conditions(scope), *_within(col(Order.paid_at), start, end))
        .group_by(*sale_keys)
    ):
        figures[(key[0], key[1] if period else "")].update(
            paid_orders=int(count),
            gross=int(gross),
            platform_fees=int(platform),
            provider_fees=int(provider),
            organizer_share=int(share),
            discounts=int(discounts),
        )
    for *key, refunded in session.exec(
        select(*refund_keys, func.sum(Refund.amount))
        .join(Order, col(Order.id) == col(Refund.order_id))
        .where(*refund_conditions(scope), *_within(col(Refund.created_at), start, end))
        .group_by(*refund_keys)
    ):
        figures[(key[0], key[1] if period else "")]["refunds"] = int(refunded)
    return figures


def figures_by_currency(
    session: Session, scope: Scope = PLATFORM, *, start: datetime | None = None, end: datetime | None = None
) -> dict[str, MoneyFigures]:
    """Each currency with money in `scope`, sorted by code; only sales paid and refunds recorded in
    [start, end) when given."""
    found = _sums(session, scope, start, end, None)
    return {currency: MoneyFigures(currency, **values) for (currency, _), values in sorted(found.items())}


def figures_by_period(
    session: Session, period: Period, since: datetime, scope: Scope = PLATFORM
) -> dict[str, dict[str, MoneyFigures]]:
    """{currency: {day or month: figures}} from `since` on, only the buckets money moved in."""
    series: dict[str, dict[str, MoneyFigures]] = {}
    for (currency, bucket), values in sorted(_sums(session, scope, since, None, period).items()):
        series.setdefault(currency, {})[bucket] = MoneyFigures(currency, **values)
    return series


def balances(session: Session, workspace_id: str | None = None) -> dict[str, Balance]:
    """Each currency's balance of one workspace (or of the whole platform), read in the caller's
    session and under its locks (withdrawals check it before paying out)."""
    payouts: dict[str, dict[str, int]] = defaultdict(lambda: {"withdrawn": 0, "pending": 0})
    query = select(Withdrawal.currency, Withdrawal.status, func.sum(Withdrawal.amount)).where(WITHDRAWAL_TAKES_MONEY)
    if workspace_id is not None:
        query = query.where(col(Withdrawal.workspace_id) == workspace_id)
    for currency, status, total in session.exec(query.group_by(col(Withdrawal.currency), col(Withdrawal.status))):
        payouts[currency]["withdrawn" if status == WithdrawalStatus.PAID else "pending"] += int(total)
    money = figures_by_currency(session, Scope(workspace_id=workspace_id))
    currencies = sorted(set(money) | set(payouts))
    return {
        currency: Balance(**asdict(money.get(currency, MoneyFigures(currency))), **payouts.get(currency, {}))
        for currency in currencies
    }


def tickets_sold(session: Session, scope: Scope = PLATFORM) -> int:
    """Tickets sold in `scope` (see the module docstring)."""
    query = select(func.count()).select_from(Ticket).where(*SOLD_TICKET_CONDITIONS)
    if scope.event_id is not None:
        query = query.where(col(Ticket.event_id) == scope.event_id)
    if scope.workspace_id is not None:
        query = query.join(Order, col(Order.id) == col(Ticket.order_id)).where(
            col(Order.workspace_id) == scope.workspace_id
        )
    return int(session.exec(query).one())
