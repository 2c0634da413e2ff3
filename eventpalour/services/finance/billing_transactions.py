"""Every money movement of a workspace in one list (SPEC §5 billing): sales, refunds and payouts,
filtered, paginated, and exported as CSV with exactly the same rows. What counts as each is
services/finance/money_figures.py's, so the rows add up to the balances."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, literal, union_all
from sqlmodel import Session, col, func, select

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.db import read_only
from eventpalour.models import DiscountCode, Event, Order, Refund, Withdrawal
from eventpalour.services.finance.money_figures import (
    REFUND_MOVES_MONEY,
    WITHDRAWAL_TAKES_MONEY,
    Scope,
    refund_conditions,
    sale_conditions,
)
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, FieldError, ValidationFailed, format_amount, spreadsheet_cell
from eventpalour.services.workspaces import WorkspaceAction, load_workspace_for

PAGE_SIZE = 25
CSV_MAX_ROWS = 100_000
CSV_COLUMNS = (
    "date_utc",
    "type",
    "reference",
    "detail",
    "currency",
    "amount",
    "fees",
    "net",
    "status",
    "discount_code",
    "discount",
)


class TransactionKind(StrEnum):
    SALE = "sale"
    REFUND = "refund"
    WITHDRAWAL = "withdrawal"


@dataclass(frozen=True)
class TransactionFilter:
    """The filters as typed: empty strings mean "any". Dates are YYYY-MM-DD, both ends included (UTC)."""

    kind: str = ""
    currency: str = ""
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class TransactionRow:
    """One movement. `net` is its effect on the balance: + for a sale's share, − for a refund or
    payout, 0 for a failed refund or a rejected payout. `detail` is the event title, or for a
    payout its method (`bank` or `mpesa`)."""

    kind: str
    id: str
    at: datetime
    reference: str
    detail: str
    currency: str
    amount: int
    fees: int
    net: int
    status: str
    discount_code: str = ""  # a sale's discount code ("" none) and what it took off
    discount: int = 0


@dataclass(frozen=True)
class TransactionsPage:
    rows: list[TransactionRow]
    total: int


@dataclass(frozen=True)
class _Window:
    kinds: tuple[str, ...]
    currency: str
    start: datetime | None
    end: datetime | None


def _parse_day(text: str, name: str, problems: list[FieldError]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.append(FieldError((name,), N_("Enter a date like 2026-01-31.")))
        return None


def _window(filters: TransactionFilter) -> _Window:
    """Check the filters; raises ValidationFailed naming each wrong one."""
    problems: list[FieldError] = []
    kind = filters.kind.strip()
    if kind and kind not in {k.value for k in TransactionKind}:
        problems.append(FieldError(("kind",), N_("Choose sales, refunds or payouts.")))
    currency = filters.currency.strip().upper()
    if currency and currency not in SUPPORTED_CURRENCIES:
        problems.append(FieldError(("currency",), N_("Choose one of the currencies we support.")))
    first = _parse_day(filters.date_from, "date_from", problems)
    last = _parse_day(filters.date_to, "date_to", problems)
    if first and last and first > last:
        problems.append(FieldError(("date_to",), N_("The end date must be on or after the start date.")))
    if problems:
        raise ValidationFailed(N_("Please check the filters."), details=problems)
    return _Window(
        kinds=(kind,) if kind else tuple(k.value for k in TransactionKind),
        currency=currency,
        start=datetime.combine(first, time.min, UTC) if first else None,
        end=datetime.combine(last + timedelta(days=1), time.min, UTC) if last else None,
    )


def _within(window: _Window, at: ColumnElement, currency: ColumnElement) -> list[ColumnElement[bool]]:
    conditions = []
    if window.currency:
        conditions.append(currency == window.currency)
    if window.start:
        conditions.append(at >= window.start)
    if window.end:
        conditions.append(at < window.end)
    return conditions


def _columns(kind: TransactionKind, *values: ColumnElement) -> Select:
    """One SELECT of the union, its columns named alike whichever kinds are combined."""
    names = ("id", "at", "reference", "detail", "currency", "amount", "fees", "net", "status", "code", "discount")
    return select(
        literal(kind.value).label("kind"), *(value.label(name) for value, name in zip(values, names, strict=True))
    )


def _sales(workspace_id: str, window: _Window) -> Select:
    return (
        _columns(
            TransactionKind.SALE,
            col(Order.id),
            col(Order.paid_at),
            col(Order.reference),
            col(Event.title),
            col(Order.currency),
            col(Order.amount),
            col(Order.platform_fee) + func.coalesce(col(Order.provider_fee), 0),
            col(Order.organizer_share),
            col(Order.status),
            func.coalesce(col(DiscountCode.code), ""),
            col(Order.discount_amount),
        )
        .join(Event, col(Event.id) == col(Order.event_id))
        .outerjoin(DiscountCode, col(DiscountCode.id) == col(Order.discount_code_id))
        .where(
            *sale_conditions(Scope(workspace_id=workspace_id)),
            *_within(window, col(Order.paid_at), col(Order.currency)),
        )
    )


def _refunds(workspace_id: str, window: _Window) -> Select:
    # Failed refunds are listed (the organizer needs to see them) but move no money.
    return (
        _columns(
            TransactionKind.REFUND,
            col(Refund.id),
            col(Refund.created_at),
            col(Order.reference),
            col(Event.title),
            col(Refund.currency),
            col(Refund.amount),
            literal(0),
            case((REFUND_MOVES_MONEY, -col(Refund.amount)), else_=0),
            col(Refund.status),
            literal(""),
            literal(0),
        )
        .join(Order, col(Order.id) == col(Refund.order_id))
        .join(Event, col(Event.id) == col(Refund.event_id))
        .where(
            *refund_conditions(Scope(workspace_id=workspace_id), include_failed=True),
            *_within(window, col(Refund.created_at), col(Refund.currency)),
        )
    )


def _withdrawals(workspace_id: str, window: _Window) -> Select:
    return _columns(
        TransactionKind.WITHDRAWAL,
        col(Withdrawal.id),
        col(Withdrawal.created_at),
        func.coalesce(col(Withdrawal.reference), ""),
        col(Withdrawal.method),
        col(Withdrawal.currency),
        col(Withdrawal.amount),
        literal(0),
        case((WITHDRAWAL_TAKES_MONEY, -col(Withdrawal.amount)), else_=0),
        col(Withdrawal.status),
        literal(""),
        literal(0),
    ).where(
        col(Withdrawal.workspace_id) == workspace_id,
        *_within(window, col(Withdrawal.created_at), col(Withdrawal.currency)),
    )


_BUILDERS = {
    TransactionKind.SALE.value: _sales,
    TransactionKind.REFUND.value: _refunds,
    TransactionKind.WITHDRAWAL.value: _withdrawals,
}


def _query(session: Session, workspace_id: str, window: _Window, *, offset: int, limit: int) -> TransactionsPage:
    parts = [_BUILDERS[kind](workspace_id, window) for kind in window.kinds]
    movements = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    total = session.exec(select(func.count()).select_from(movements)).one()
    # `execute`, not `exec`: sqlmodel would hand back only the first column of each row here.
    found = session.execute(
        select(movements).order_by(movements.c.at.desc(), movements.c.id).offset(offset).limit(limit)
    ).all()
    rows = [
        TransactionRow(
            kind=r.kind,
            id=r.id,
            at=r.at,
            reference=r.reference or "",
            detail=r.detail or "",
            currency=r.currency,
            amount=int(r.amount),
            fees=int(r.fees),
            net=int(r.net),
            status=r.status,
            discount_code=r.code or "",
            discount=int(r.discount or 0),
        )
        for r in found
    ]
    return TransactionsPage(rows=rows, total=int(total))


def list_transactions(
    *, actor: UserSummary | None, workspace_id: str, filters: TransactionFilter, page: int = 1
) -> TransactionsPage:
    """A page of the workspace's money movements, newest first, for admins and the owner.

    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed (bad filters).
    """
    window = _window(filters)
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        return _query(session, access.workspace.id, window, offset=(max(page, 1) - 1) * PAGE_SIZE, limit=PAGE_SIZE)


def transactions_csv(*, actor: UserSummary | None, workspace_id: str, filters: TransactionFilter) -> str:
    """The same rows as `list_transactions` (all pages, up to CSV_MAX_ROWS) as CSV, amounts in major units."""
    window = _window(filters)
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        found = _query(session, access.workspace.id, window, offset=0, limit=CSV_MAX_ROWS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in found.rows:
        writer.writerow(
            [
                row.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                row.kind,
                spreadsheet_cell(row.reference),
                spreadsheet_cell(row.detail),
                row.currency,
                format_amount(row.amount, row.currency),
                format_amount(row.fees, row.currency),
                format_amount(row.net, row.currency),
                row.status,
                row.discount_code,
                format_amount(row.discount, row.currency) if row.discount_code else "",
            ]
        )
    return out.getvalue()
