"""The workspace billing page: balances, the 12-month chart, transactions and withdrawals.

Every handler resolves the user and lets the services decide (admin and owner only); the page
only turns their results into text for display.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import billing, billing_transactions, withdrawals
from eventpalour.services.billing import Balance, MonthPoint
from eventpalour.services.billing_transactions import TransactionFilter, TransactionRow
from eventpalour.services.errors import DomainError
from eventpalour.services.money import MINOR_DIGITS, format_money
from eventpalour.services.withdrawals import WithdrawalInput, WithdrawalView
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.workspace import workspace_in

KIND_LABELS = {"sale": "Sale", "refund": "Refund", "withdrawal": "Payout"}
METHOD_LABELS = {"bank": "Bank transfer", "mpesa": "M-Pesa"}
STATUS_LABELS = {
    "completed": "Paid",
    "partially_refunded": "Partly refunded",
    "refunded": "Refunded",
    "queued": "Queued",
    "pending": "Pending",
    "processing": "Processing",
    "needs-attention": "Needs attention",
    "processed": "Processed",
    "failed": "Failed",
    "requested": "Requested",
    "paid": "Paid",
    "rejected": "Rejected",
}


def balance_dict(b: Balance) -> dict[str, str]:
    return {
        "currency": b.currency,
        "available": format_money(b.available, b.currency),
        "gross": format_money(b.gross, b.currency),
        "platform_fees": format_money(b.platform_fees, b.currency),
        "provider_fees": format_money(b.provider_fees, b.currency),
        "refunds": format_money(b.refunds, b.currency),
        "net": format_money(b.net, b.currency),
        "withdrawn": format_money(b.withdrawn, b.currency),
        "pending": format_money(b.pending, b.currency),
        "paid_orders": str(b.paid_orders),
        "minimum": format_money(withdrawals.minimum_for(b.currency), b.currency),
        "can_withdraw": "yes" if b.available >= withdrawals.minimum_for(b.currency) else "",
    }


def chart_points(points: list[MonthPoint], currency: str) -> list[dict[str, Any]]:
    """Whole major units for the chart's bars (display only; every stored figure stays in minor units)."""
    unit = 10 ** MINOR_DIGITS.get(currency, 2)
    return [
        {"month": p.month, "Revenue": p.revenue // unit, "Fees": p.fees // unit, "Net": p.net // unit} for p in points
    ]


def transaction_dict(row: TransactionRow) -> dict[str, str]:
    detail = METHOD_LABELS.get(row.detail, row.detail) if row.kind == "withdrawal" else row.detail
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "date": row.at.strftime("%d %b %Y %H:%M"),
        "reference": row.reference or "—",
        "detail": detail,
        "amount": format_money(row.amount, row.currency),
        "fees": format_money(row.fees, row.currency) if row.fees else "—",
        "net": format_money(row.net, row.currency),
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
    }


def withdrawal_dict(w: WithdrawalView) -> dict[str, str]:
    note = f"Ref {w.reference}" if w.reference else w.rejection_reason
    return {
        "id": w.id,
        "amount": format_money(w.amount, w.currency),
        "destination": w.destination,
        "status": w.status,
        "status_label": STATUS_LABELS.get(w.status, w.status),
        "note": note,
        "requested": w.created_at.strftime("%d %b %Y"),
        "requested_by": w.requested_by,
    }


class BillingState(FormMixin, AuthState):
    billing_loaded: bool = False
    billing_problem: str = ""
    balances: list[dict[str, str]] = []
    chart_currency: str = "KES"
    chart_currencies: list[str] = []
    chart_data: list[dict[str, Any]] = []
    _series: dict[str, list[dict[str, Any]]] = {}
    tx_rows: list[dict[str, str]] = []
    tx_total: int = 0
    tx_page: int = 1
    tx_kind: str = "all"
    tx_currency: str = "all"
    tx_from: str = ""
    tx_to: str = ""
    tx_loading: bool = False
    withdrawal_rows: list[dict[str, str]] = []
    withdraw_open: bool = False
    withdraw_method: str = "bank"
    withdraw_currency: str = "KES"

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    @rx.var
    def tx_has_next(self) -> bool:
        return self.tx_page * billing_transactions.PAGE_SIZE < self.tx_total

    @rx.var
    def csv_url(self) -> str:
        filters = {
            "type": "" if self.tx_kind == "all" else self.tx_kind,
            "currency": "" if self.tx_currency == "all" else self.tx_currency,
            "from": self.tx_from,
            "to": self.tx_to,
        }
        workspace_id = workspace_in(self.router.url.path)
        return settings.api_url + routes.billing_csv_url(workspace_id, filters) if workspace_id else ""

    @rx.var
    def balance_currencies(self) -> list[str]:
        return [b["currency"] for b in self.balances]

    @rx.var
    def withdraw_minimum(self) -> str:
        return next((b["minimum"] for b in self.balances if b["currency"] == self.withdraw_currency), "")

    @rx.var
    def withdraw_available(self) -> str:
        return next((b["available"] for b in self.balances if b["currency"] == self.withdraw_currency), "")

    def _filters(self) -> TransactionFilter:
        return TransactionFilter(
            kind="" if self.tx_kind == "all" else self.tx_kind,
            currency="" if self.tx_currency == "all" else self.tx_currency,
            date_from=self.tx_from,
            date_to=self.tx_to,
        )

    @rx.event
    async def load_billing(self):
        """on_load (after the workspace): balances, chart and payouts, then the first transactions."""
        self.billing_loaded, self.billing_problem = False, ""
        try:
            actor = await self.require_user()
            overview = await call_service(billing.billing_overview, actor=actor, workspace_id=self._workspace_id())
            history = await call_service(withdrawals.list_withdrawals, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            self.billing_problem, self.billing_loaded = error.message, True
            return None
        self.balances = [balance_dict(b) for b in overview.balances]
        self._series = {c: chart_points(points, c) for c, points in overview.series.items()}
        self.chart_currencies = list(self._series)
        self.chart_currency = overview.main_currency
        self.chart_data = self._series.get(overview.main_currency, [])
        self.withdrawal_rows = [withdrawal_dict(w) for w in history]
        self.billing_loaded = True
        return BillingState.load_transactions

    @rx.event
    async def load_transactions(self):
        self.tx_loading = True
        yield
        try:
            actor = await self.require_user()
            found = await call_service(
                billing_transactions.list_transactions,
                actor=actor,
                workspace_id=self._workspace_id(),
                filters=self._filters(),
                page=self.tx_page,
            )
        except DomainError as error:
            self.tx_loading = False
            yield self.show_error(error)
            return
        self.tx_rows = [transaction_dict(row) for row in found.rows]
        self.tx_total, self.tx_loading = found.total, False

    @rx.event
    def pick_chart_currency(self, currency: str):
        self.chart_currency = currency
        self.chart_data = self._series.get(currency, [])

    @rx.event
    def filter_transactions(self, form: dict[str, Any]):
        self.tx_kind = str(form.get("kind") or "all")
        self.tx_currency = str(form.get("currency") or "all")
        self.tx_from = str(form.get("from") or "")[:10]
        self.tx_to = str(form.get("to") or "")[:10]
        self.tx_page = 1
        return BillingState.load_transactions

    @rx.event
    def turn_tx_page(self, step: int):
        self.tx_page = max(1, self.tx_page + (1 if step > 0 else -1))
        return BillingState.load_transactions

    @rx.event
    def set_withdraw_open(self, is_open: bool):
        self.withdraw_open = is_open
        self.field_errors, self.form_error, self.is_submitting = {}, "", False
        if is_open:
            ready = [b["currency"] for b in self.balances if b["can_withdraw"]]
            self.withdraw_currency = (ready or [b["currency"] for b in self.balances] or ["KES"])[0]

    @rx.event
    def pick_withdraw_method(self, method: str):
        self.withdraw_method = method if method in METHOD_LABELS else "bank"

    @rx.event
    def pick_withdraw_currency(self, currency: str):
        self.withdraw_currency = currency

    @rx.event
    async def request_withdrawal(self, form: dict[str, Any]):
        self._start()
        yield
        data = WithdrawalInput(
            currency=self.withdraw_currency,
            amount=str(form.get("amount", "")),
            method=self.withdraw_method,
            bank_name=str(form.get("bank_name", "")),
            account_number=str(form.get("account_number", "")),
            account_name=str(form.get("account_name", "")),
            phone_number=str(form.get("phone_number", "")),
        )
        try:
            actor = await self.require_user()
            made = await call_service(
                withdrawals.request_withdrawal, actor=actor, workspace_id=self._workspace_id(), data=data
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.withdraw_open = False, False
        yield rx.toast.success(f"Withdrawal of {format_money(made.amount, made.currency)} requested.")
        yield BillingState.load_billing
