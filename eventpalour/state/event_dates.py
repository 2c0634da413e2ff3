"""The public event page's date picker (#22 §3): the other dates of the event's series, each with
what is left, so a buyer picks the date they want and buys on that date's page."""

from __future__ import annotations

from dataclasses import dataclass

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


async def series_date_choices(short_id: str, language: str) -> list[DateChoice]:
    """The dates of the series the event `short_id` belongs to, in the reader's `language` (the event
    page asks only for an event in a series: a one-off event shows no picker and costs no read)."""
    try:
        rows = await call_service(events.list_series_dates, short_id=short_id, language=language)
    except DomainError:  # an id no event can have: the page itself says not found
        return []
    return [DateChoice(d.short_id, d.label, d.availability, d.is_current, d.can_buy, d.public_path) for d in rows]
