"""The public event page's date picker (#22 §3): the other dates of the event's series, each with
what is left, so a buyer picks the date they want and buys on that date's page."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import events
from eventpalour.services.platform import DomainError
from eventpalour.state.base import call_service


@dataclass(frozen=True)
class DateChoice:
    """One date a buyer can pick: its day and time, what is left, and its page."""

    short_id: str
    label: str
    availability: str
    is_current: bool
    can_buy: bool
    path: str


class EventDatesState(rx.State):
    """Public data only (the dates on sale of a public event), so no signed-in user is needed."""

    date_choices: list[DateChoice] = []

    @rx.event
    async def load_dates(self):
        """on_load of /e/{short_id}: [] for a one-off event, which then shows no picker."""
        short_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            rows = await call_service(events.list_series_dates, short_id=short_id)
        except DomainError:  # an id no event can have: the page itself says not found
            rows = []
        self.date_choices = [
            DateChoice(d.short_id, d.label, d.availability, d.is_current, d.can_buy, d.public_path) for d in rows
        ]
