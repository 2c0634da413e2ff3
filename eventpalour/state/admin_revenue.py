"""/admin/revenue: platform totals per currency and the withdrawals queue (super admins and finance)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour.services import revenue, withdrawals
from eventpalour.services.errors import DomainError, PermissionDenied
from eventpalour.services.money import format_money
from eventpalour.services.revenue import PlatformTotals, QueuedWithdrawal
from eventpalour.state.base import call_service
from eventpalour.state.forms import FormState


def totals_dict(t: PlatformTotals) -> dict[str, str]:
    return {
        "currency": t.currency,
        "paid_orders": str(t.paid_orders),
        "gross": format_money(t.gross, t.currency),
        "platform_fees": format_money(t.platform_fees, t.currency),
        "provider_fees": format_money(t.provider_fees, t.currency),
        "refunds": format_money(t.refunds, t.currency),
        "withdrawn": format_money(t.withdrawn, t.currency),
        "pending": format_money(t.pending_withdrawals, t.currency),
    }


def queued_dict(w: QueuedWithdrawal) -> dict[str, str]:
    if w.method == "mpesa":
        destination, holder = f"M-Pesa {w.phone_number}", ""
    else:
        destination, holder = f"{w.bank_name} · {w.account_number}", w.account_name
    return {
        "id": w.id,
        "workspace": w.workspace_name,
        "owner": w.owner_email,
        "amount": format_money(w.amount, w.currency),
        "destination": destination,
        "holder": holder,
        "requested": w.created_at.strftime("%d %b %Y %H:%M UTC"),
    }


class AdminRevenueState(FormState):
    allowed: bool = False
    loaded: bool = False
    totals: list[dict[str, str]] = []
    queue: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(revenue.platform_totals, actor=actor)
            waiting = await call_service(revenue.withdrawal_queue, actor=actor)
        except PermissionDenied:
            self.totals, self.queue, self.allowed, self.loaded = [], [], False, True
            return None
        except DomainError as error:
            self.loaded = True
            return self.show_error(error)
        self.totals = [totals_dict(t) for t in found]
        self.queue = [queued_dict(w) for w in waiting]
        self.allowed, self.loaded = True, True
        return None

    @rx.event
    async def mark_paid(self, form: dict[str, Any]):
        self._start()
        try:
            actor = await self.require_user()
            await call_service(
                withdrawals.mark_withdrawal_paid,
                actor=actor,
                withdrawal_id=str(form.get("withdrawal_id", "")),
                reference=str(form.get("reference", "")),
                client=self._client(),
            )
        except DomainError as error:
            return self._fail(error)
        self.is_submitting = False
        return [rx.toast.success("Marked paid. The organizer has been emailed."), AdminRevenueState.load]

    @rx.event
    async def reject(self, form: dict[str, Any]):
        self._start()
        try:
            actor = await self.require_user()
            await call_service(
                withdrawals.reject_withdrawal,
                actor=actor,
                withdrawal_id=str(form.get("withdrawal_id", "")),
                reason=str(form.get("reason", "")),
                client=self._client(),
            )
        except DomainError as error:
            return self._fail(error)
        self.is_submitting = False
        return [rx.toast.success("Withdrawal rejected. The organizer has been emailed."), AdminRevenueState.load]
