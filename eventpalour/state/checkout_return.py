"""/checkout/return: the buyer is back from Paystack; confirm the payment and say how it went."""

from __future__ import annotations

import asyncio

import reflex as rx

from eventpalour.services import payments
from eventpalour.services.errors import DomainError
from eventpalour.state.base import AuthState, call_service

POLL_SECONDS = 3
POLL_TIMES = 40


class CheckoutReturnState(AuthState):
    outcome: str = ""
    message: str = ""
    reference: str = ""

    @rx.event
    async def confirm(self):
        """on_load: verify through the API (the webhook may not have come yet)."""
        params = self.router.url.query_parameters
        self.reference = params.get("reference") or params.get("trxref") or ""
        self.outcome, self.message = "", ""
        if not self.reference:
            self.outcome, self.message = "failed", "This page needs a payment reference."
            return None
        try:
            result = await call_service(payments.verify_payment, reference=self.reference)
        except DomainError as error:
            self.outcome, self.message = "failed", error.message
            return None
        self.outcome, self.message = result.status, result.message
        return CheckoutReturnState.keep_checking if result.status == "pending" else None

    @rx.event(background=True)
    async def keep_checking(self):
        """Still pending: ask again every few seconds for two minutes; the email follows either way."""
        for _ in range(POLL_TIMES):
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                reference = self.reference
            try:
                result = await asyncio.to_thread(payments.verify_payment, reference)
            except DomainError:
                return
            if result.status != "pending":
                async with self:
                    self.outcome, self.message = result.status, result.message
                return
