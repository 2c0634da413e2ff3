"""The manage page's "Who can buy" (#24 §1): the organizer's "Buyers must have an account" (no guest
checkout) and "Ask guests for a phone number", each saved as it is switched (events.set_buyer_options)."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import events
from eventpalour.services.platform import N_, DomainError
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import event_in


class EventBuyerOptionsState(AuthState):
    requires_account: bool = False
    asks_phone: bool = False
    can_edit: bool = False
    is_saving: bool = False

    def _show(self, options: events.BuyerOptions) -> None:
        self.requires_account, self.asks_phone, self.can_edit = (
            options.requires_account,
            options.asks_phone,
            options.can_edit,
        )

    @rx.event
    async def load_options(self) -> None:
        try:
            actor = await self.require_user()
            self._show(await call_service(events.buyer_options, actor=actor, event_id=event_in(self.router.url.path)))
        except DomainError:
            self.can_edit = False  # the page itself says what is wrong (EventManageState)

    async def _save(self, requires_account: bool, asks_phone: bool):
        self.is_saving = True
        yield
        try:
            actor = await self.require_user()
            options = await call_service(
                events.set_buyer_options,
                actor=actor,
                event_id=event_in(self.router.url.path),
                requires_account=requires_account,
                asks_phone=asks_phone,
            )
        except DomainError as error:
            self.is_saving = False
            yield self.show_error(error)
            return
        self._show(options)
        self.is_saving = False
        if options.requires_account:
            done = N_("Buyers must sign in to get tickets.")
        elif options.asks_phone:
            done = N_("Buyers may check out as guests. Guests are asked a phone number.")
        else:
            done = N_("Buyers may check out as guests.")
        yield rx.toast.success(self._t(done))

    @rx.event
    async def set_requires_account(self, value: bool):
        async for step in self._save(bool(value), self.asks_phone):
            yield step

    @rx.event
    async def set_asks_phone(self, value: bool):
        async for step in self._save(self.requires_account, bool(value)):
            yield step
