"""/admin/revenue: platform totals per currency and the withdrawals queue (super admins and finance)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour.services import finance
from eventpalour.services.finance import QueuedWithdrawal, ReturnedPayment, RevenueDay
from eventpalour.services.platform import (
    N_,
    DomainError,
    PermissionDenied,
    format_money,
    gettext,
    short_day,
    utc_moment,
)
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.money_text import BalanceText, balance_text, whole_units


@dataclass(frozen=True)
class QueuedText:
    """A withdrawal waiting for finance, with where to send it."""

    id: str
    workspace: str
    owner: str
    amount: str
    destination: str
    holder: str
    requested: str


def queued_text(w: QueuedWithdrawal, language: str) -> QueuedText:
    if w.method == "mpesa":
        destination, holder = f"M-Pesa {w.phone_number}", ""
    else:
        destination, holder = f"{w.bank_name} · {w.account_number}", w.account_name
    return QueuedText(
        id=w.id,
        workspace=w.workspace_name,
        owner=w.owner_email,
        amount=format_money(w.amount, w.currency, language),
        destination=destination,
        holder=holder,
        requested=utc_moment(w.created_at, language),
    )


@dataclass(frozen=True)
class ReturnedText:
    """A payment that bought nothing, going back."""

    reference: str
    event: str
    workspace: str
    buyer: str
    charged: str
    order_total: str
    label: str
    reason: str
    when: str


def returned_text(r: ReturnedPayment, language: str) -> ReturnedText:
    return ReturnedText(
        reference=r.reference,
        event=r.event_title,
        workspace=r.workspace_name,
        buyer=r.buyer_email,
        charged=format_money(r.amount, r.currency, language),
        order_total=format_money(r.order_amount, r.order_currency, language),
        label=r.label,
        reason=gettext(language, r.reason),
        when=utc_moment(r.created_at, language),
    )


@dataclass(frozen=True)
class DayBar:
    """One day of the chart, in whole major units."""

    day: str
    gross: int
    platform_fees: int
    refunds: int


def day_bars(days: list[RevenueDay], currency: str, language: str) -> list[DayBar]:
    return [
        DayBar(
            short_day(d.day, language),
            whole_units(d.gross, currency),
            whole_units(d.platform_fees, currency),
            whole_units(d.refunds, currency),
        )
        for d in days
    ]


class AdminRevenueState(FormMixin, AuthState):
    allowed: bool = False
    loaded: bool = False
    totals: list[BalanceText] = []
    queue: list[QueuedText] = []
    returned: list[ReturnedText] = []
    chart_currency: str = ""
    chart_currencies: list[str] = []
    chart_data: list[DayBar] = []
    _series: dict[str, list[DayBar]] = {}

    @rx.event
    async def load(self):
        self.loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(finance.platform_totals, actor=actor)
            waiting = await call_service(finance.withdrawal_queue, actor=actor)
            days = await call_service(finance.daily_revenue, actor=actor)
            returned = await call_service(finance.returned_payments, actor=actor)
        except PermissionDenied:
            self.totals, self.queue, self.returned, self.allowed, self.loaded = [], [], [], False, True
            return None
        except DomainError as error:
            self.loaded = True
            return self.show_error(error)
        language = self._language()
        self.totals = [balance_text(t, language) for t in found]
        self.queue = [queued_text(w, language) for w in waiting]
        self.returned = [returned_text(r, language) for r in returned]
        self._series = {currency: day_bars(series, currency, language) for currency, series in days.items()}
        self.chart_currencies = list(self._series)
        busiest = max(found, key=lambda t: t.gross).currency if found else ""
        if self.chart_currency not in self._series:
            self.chart_currency = busiest if busiest in self._series else next(iter(self._series), "")
        self.chart_data = self._series.get(self.chart_currency, [])
        self.allowed, self.loaded = True, True
        return None

    @rx.event
    def pick_chart_currency(self, currency: str):
        if currency in self._series:
            self.chart_currency = currency
            self.chart_data = self._series[currency]

    @rx.event
    async def mark_paid(self, form: dict[str, Any]):
        self._start()
        try:
            actor = await self.require_user()
            await call_service(
                finance.mark_withdrawal_paid,
                actor=actor,
                withdrawal_id=str(form.get("withdrawal_id", "")),
                reference=str(form.get("reference", "")),
                client=self._client(),
            )
        except DomainError as error:
            return self._fail(error)
        self.is_submitting = False
        return [rx.toast.success(self._t(N_("Marked paid. The organizer has been emailed."))), AdminRevenueState.load]

    @rx.event
    async def reject(self, form: dict[str, Any]):
        self._start()
        try:
            actor = await self.require_user()
            await call_service(
                finance.reject_withdrawal,
                actor=actor,
                withdrawal_id=str(form.get("withdrawal_id", "")),
                reason=str(form.get("reason", "")),
                client=self._client(),
            )
        except DomainError as error:
            return self._fail(error)
        self.is_submitting = False
        return [
            rx.toast.success(self._t(N_("Withdrawal rejected. The organizer has been emailed."))),
            AdminRevenueState.load,
        ]
