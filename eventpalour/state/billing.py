"""The workspace billing page: balances, the 12-month chart, transactions and withdrawals.

Every handler resolves the user and lets the services decide (admin and owner only); the page
only turns their results into text for display.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import finance, identity
from eventpalour.services.finance import (
    Balance,
    MonthPoint,
    TransactionFilter,
    TransactionRow,
    WithdrawalInput,
    WithdrawalView,
)
from eventpalour.services.platform import N_, DomainError, date_label, format_money, gettext
from eventpalour.state.base import AuthState, call_service, second_factor_words
from eventpalour.state.forms import FormMixin
from eventpalour.state.money_text import BalanceText, balance_text, whole_units
from eventpalour.state.workspace import workspace_in

KIND_LABELS = {"sale": N_("Sale"), "refund": N_("Refund"), "withdrawal": N_("Payout")}
METHOD_LABELS = {"bank": N_("Bank transfer"), "mpesa": N_("M-Pesa")}
STATUS_LABELS = {
    "completed": N_("Paid"),
    "partially_refunded": N_("Partly refunded"),
    "refunded": N_("Refunded"),
    "queued": N_("Queued"),
    "pending": N_("Pending"),
    "processing": N_("Processing"),
    "needs-attention": N_("Needs attention"),
    "processed": N_("Processed"),
    "failed": N_("Failed"),
    "requested": N_("Requested"),
    "paid": N_("Paid"),
    "rejected": N_("Rejected"),
}


def _label(labels: dict[str, str], key: str, language: str) -> str:
    """`key`'s words in `language` (the key itself when it has none)."""
    return gettext(language, labels[key]) if key in labels else key


@dataclass(frozen=True)
class WorkspaceBalanceText(BalanceText):
    """A workspace's balance with the smallest payout it may ask for, and whether it may ask."""

    minimum: str = ""
    can_withdraw: bool = False


def workspace_balance_text(b: Balance, language: str) -> WorkspaceBalanceText:
    minimum = finance.minimum_for(b.currency)
    return WorkspaceBalanceText(
        **asdict(balance_text(b, language)),
        minimum=format_money(minimum, b.currency, language),
        can_withdraw=b.available >= minimum,
    )


@dataclass(frozen=True)
class MonthBar:
    """One month of the chart, in whole major units."""

    month: str
    revenue: int
    fees: int
    net: int


def month_bars(points: list[MonthPoint], currency: str) -> list[MonthBar]:
    return [
        MonthBar(p.month, whole_units(p.revenue, currency), whole_units(p.fees, currency), whole_units(p.net, currency))
        for p in points
    ]


@dataclass(frozen=True)
class TransactionText:
    """One movement as the table shows it."""

    id: str
    kind: str
    kind_label: str
    date: str
    reference: str
    detail: str
    amount: str
    fees: str
    net: str
    status: str
    status_label: str


def transaction_text(row: TransactionRow, language: str) -> TransactionText:
    detail = _label(METHOD_LABELS, row.detail, language) if row.kind == "withdrawal" else row.detail
    if row.discount_code:
        discount = gettext(language, "code {code} (− {amount})").format(
            code=row.discount_code, amount=format_money(row.discount, row.currency, language)
        )
        detail += f" · {discount}"
    return TransactionText(
        id=row.id,
        kind=row.kind,
        kind_label=_label(KIND_LABELS, row.kind, language),
        date=f"{date_label(row.at, language, 'UTC')} {row.at:%H:%M}",
        reference=row.reference or "—",
        detail=detail,
        amount=format_money(row.amount, row.currency, language),
        fees=format_money(row.fees, row.currency, language) if row.fees else "—",
        net=format_money(row.net, row.currency, language),
        status=row.status,
        status_label=_label(STATUS_LABELS, row.status, language),
    )


@dataclass(frozen=True)
class WithdrawalText:
    """One payout request as the list shows it."""

    id: str
    amount: str
    destination: str
    status: str
    status_label: str
    note: str
    requested: str
    requested_by: str


def withdrawal_text(w: WithdrawalView, language: str) -> WithdrawalText:
    return WithdrawalText(
        id=w.id,
        amount=format_money(w.amount, w.currency, language),
        destination=w.destination,
        status=w.status,
        status_label=_label(STATUS_LABELS, w.status, language),
        note=gettext(language, "Ref {reference}").format(reference=w.reference) if w.reference else w.rejection_reason,
        requested=date_label(w.created_at, language, "UTC"),
        requested_by=w.requested_by,
    )


class BillingState(FormMixin, AuthState):
    billing_loaded: bool = False
    billing_problem: str = ""
    balances: list[WorkspaceBalanceText] = []
    chart_currency: str = "KES"
    chart_currencies: list[str] = []
    chart_data: list[MonthBar] = []
    _series: dict[str, list[MonthBar]] = {}
    tx_rows: list[TransactionText] = []
    tx_total: int = 0
    tx_page: int = 1
    tx_kind: str = "all"
    tx_currency: str = "all"
    tx_from: str = ""
    tx_to: str = ""
    tx_loading: bool = False
    withdrawal_rows: list[WithdrawalText] = []
    withdraw_open: bool = False
    withdraw_method: str = "bank"
    withdraw_currency: str = "KES"
    # A withdrawal request needs two-factor: the page says so instead of opening the form.
    withdrawal_second_factor: identity.SecondFactorNeed = identity.SECOND_FACTOR_NOT_NEEDED

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    @rx.var
    def tx_has_next(self) -> bool:
        return self.tx_page * finance.PAGE_SIZE < self.tx_total

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
        return [b.currency for b in self.balances]

    @rx.var
    def withdraw_minimum(self) -> str:
        return next((b.minimum for b in self.balances if b.currency == self.withdraw_currency), "")

    @rx.var
    def withdraw_available(self) -> str:
        return next((b.available for b in self.balances if b.currency == self.withdraw_currency), "")

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
            overview = await call_service(finance.billing_overview, actor=actor, workspace_id=self._workspace_id())
            history = await call_service(finance.list_withdrawals, actor=actor, workspace_id=self._workspace_id())
        except DomainError as error:
            self.billing_problem, self.billing_loaded = error.in_language(self._language()), True
            return None
        self.balances = [workspace_balance_text(b, self._language()) for b in overview.balances]
        self._series = {c: month_bars(points, c) for c, points in overview.series.items()}
        self.chart_currencies = list(self._series)
        self.chart_currency = overview.main_currency
        self.chart_data = self._series.get(overview.main_currency, [])
        self.withdrawal_rows = [withdrawal_text(w, self._language()) for w in history]
        self.withdrawal_second_factor = second_factor_words(overview.withdrawal_second_factor, self._language())
        self.billing_loaded = True
        return BillingState.load_transactions

    @rx.event
    async def load_transactions(self):
        self.tx_loading = True
        yield
        try:
            actor = await self.require_user()
            found = await call_service(
                finance.list_transactions,
                actor=actor,
                workspace_id=self._workspace_id(),
                filters=self._filters(),
                page=self.tx_page,
            )
        except DomainError as error:
            self.tx_loading = False
            yield self.show_error(error)
            return
        self.tx_rows = [transaction_text(row, self._language()) for row in found.rows]
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
            ready = [b.currency for b in self.balances if b.can_withdraw]
            self.withdraw_currency = (ready or [b.currency for b in self.balances] or ["KES"])[0]

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
                finance.request_withdrawal, actor=actor, workspace_id=self._workspace_id(), data=data
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.withdraw_open = False, False
        amount = format_money(made.amount, made.currency, self._language())
        yield rx.toast.success(self._t(N_("Withdrawal of {amount} requested.")).format(amount=amount))
        yield BillingState.load_billing
