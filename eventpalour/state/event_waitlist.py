"""The Orders tab's "Waitlists" section of an event's manage page (#19 §4): each tier's line, its
offers and how they ended, as `sales.tier_waitlists` tells them."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import sales
from eventpalour.services.platform import DomainError, event_when, gettext, said
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import EventManageState, event_in

# The badge colour of each state word (a label lookup: it decides nothing).
STATE_TONES = {"Waiting": "blue", "Offered": "amber", "Claimed": "green"}


@dataclass(frozen=True)
class WaitlistLine:
    position: str  # "1" while waiting, else ""
    person: str
    email: str
    wanted: str  # "2", or "2 (1 offered)" for a partial offer
    joined: str
    offered: str  # when seats were held for them, or "—"
    state: str
    tone: str  # the badge's colour
    reference: str


@dataclass(frozen=True)
class WaitlistTable:
    tier: str
    counts: str  # "3 waiting · 1 offered · 2 claimed · 1 expired"
    off: bool  # the waitlist is switched off now (past entries still listed)
    lines: list[WaitlistLine]


def waitlist_table(view: sales.TierWaitlistView, zone_name: str, language: str = "en") -> WaitlistTable:
    def line(row: sales.WaitlistRow) -> WaitlistLine:
        partial = row.offered_quantity is not None and row.offered_quantity != row.quantity
        return WaitlistLine(
            position="" if row.position is None else str(row.position),
            person=row.name,
            email=row.email,
            wanted=gettext(language, "{wanted} ({offered} offered)").format(
                wanted=row.quantity, offered=row.offered_quantity
            )
            if partial
            else str(row.quantity),
            joined=event_when(row.joined_at, zone_name, language=language),
            offered=event_when(row.offered_at, zone_name, language=language) if row.offered_at else "—",
            state=said(language, row.state),
            tone=STATE_TONES.get(row.state, "gray"),
            reference=row.order_reference,
        )

    counts = gettext(language, "{waiting} waiting · {offered} offered · {claimed} claimed · {expired} expired").format(
        waiting=view.waiting, offered=view.offered, claimed=view.claimed, expired=view.expired
    )
    lines = [line(row) for row in view.rows]
    return WaitlistTable(tier=view.tier_name, counts=counts, off=not view.waitlist_on, lines=lines)


class EventWaitlistState(AuthState):
    waitlists: list[WaitlistTable] = []
    waitlists_loaded: bool = False
    waitlists_problem: str = ""

    @rx.event
    async def load_waitlists(self):
        self.waitlists_loaded, self.waitlists_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            views = await call_service(sales.tier_waitlists, actor=actor, event_id=event_in(self.router.url.path))
        except DomainError as error:
            self.waitlists, self.waitlists_problem, self.waitlists_loaded = (
                [],
                error.in_language(self._language()),
                True,
            )
            return
        zone_name = (await self.get_state(EventManageState)).event.timezone
        self.waitlists = [waitlist_table(view, zone_name, self._language()) for view in views]
        self.waitlists_loaded = True
