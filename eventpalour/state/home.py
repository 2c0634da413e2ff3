"""/: the soonest public events, for everyone (signed in or not), as the /events cards."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import events
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.discovery import ListedEvent, listed_event

HOME_EVENTS = 6


class HomeState(AuthState):
    """A handful of upcoming events from the listing's own query."""

    upcoming: list[ListedEvent] = []
    upcoming_loaded: bool = False

    @rx.event
    async def load_upcoming(self):
        """on_load: the soonest listed events not over yet."""
        cards = await call_service(events.upcoming_events, limit=HOME_EVENTS)
        self.upcoming = [listed_event(card, self._language()) for card in cards]
        self.upcoming_loaded = True
