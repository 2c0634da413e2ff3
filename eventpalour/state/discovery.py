"""/events: the filters live in the URL, so a search is a link to share and Back undoes it.

Every change of a filter navigates to the new query string; the page's on_load reads it and asks
the discovery service for that page. Public data only, so no handler here needs a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.models import EventType
from eventpalour.services import events
from eventpalour.services.events import CategoryOption, EventCard
from eventpalour.services.platform import DEFAULT_LANGUAGE, event_when, gettext, price_from_label
from eventpalour.state.base import AuthState, call_service

ANY = "all"  # a select's "no filter" value (Radix select items cannot have an empty value)
FILTER_KEYS = ("q", "category", "type", "price", "city", "from", "to")


def place_label(event_type: str, city: str, language: str = DEFAULT_LANGUAGE) -> str:
    """Where, in a word or two: the city, "Online", or both for a hybrid event."""
    if event_type == EventType.ONLINE or not city:
        return gettext(language, "Online")
    return f"{city} · {gettext(language, 'Online')}" if event_type == EventType.HYBRID else city


@dataclass(frozen=True)
class ListedEvent:
    """An event card: the service's card, its link, and its time, place and price in words."""

    card: EventCard
    url: str
    organizer_url: str
    when: str
    place: str
    price: str


def listed_event(card: EventCard, language: str = DEFAULT_LANGUAGE) -> ListedEvent:
    """A card as listed, its date, place and price in the reader's `language`."""
    return ListedEvent(
        card=card,
        url=routes.event_url(card.short_id),
        organizer_url=routes.organizer_url(card.workspace_slug),
        when=event_when(card.start_at, card.timezone, language=language),
        place=place_label(card.type, card.city, language),
        price=price_from_label(
            card.min_price, card.max_price, card.currency, language, several_dates=card.more_dates > 0
        ),
    )


class DiscoveryState(AuthState):
    """One page of public events for the filters in the URL."""

    cards: list[ListedEvent] = []
    categories: list[CategoryOption] = []
    filters: dict[str, str] = {}  # each of FILTER_KEYS to its value in the URL ("" for none)
    page: int = 1
    has_next: bool = False
    total_label: str = ""  # "12 events" matching the filters (the service's count)
    loading: bool = True

    @rx.var
    def has_filters(self) -> bool:
        """Something narrows the list (a later page counts), so an empty page is "no match", not "no events"."""
        return self.page > 1 or any(self.filters.get(key) for key in FILTER_KEYS)

    @rx.var
    def filtered(self) -> bool:
        """A filter is set, so "Clear filters" has something to clear."""
        return any(self.filters.get(key) for key in FILTER_KEYS)

    @rx.var
    def previous_url(self) -> str:
        return routes.events_url({**self.filters, "page": str(self.page - 1) if self.page > 2 else ""})

    @rx.var
    def next_url(self) -> str:
        return routes.events_url({**self.filters, "page": str(self.page + 1)})

    @rx.event
    async def load_events(self):
        """on_load: read the query string, then fetch that page and the category menu."""
        query = events.read_query(self.router.url.query_parameters)
        self.filters = {key: query.params.get(key, "") for key in FILTER_KEYS}
        self.page, self.loading = query.page, True
        yield
        result = await call_service(events.discover_events, filters=query.filters, page=query.page)
        self.categories = await call_service(events.list_categories)
        language = self._language()
        self.cards = [listed_event(card, language) for card in result.cards]
        self.has_next = result.has_next
        self.total_label = result.total_words(language)
        self.loading = False

    def _go(self, changes: dict[str, str]) -> rx.event.EventSpec:
        """Navigate to the filters with `changes`, back on the first page."""
        wanted = {**self.filters, **{key: ("" if value == ANY else value) for key, value in changes.items()}}
        return rx.redirect(routes.events_url({key: wanted.get(key, "") for key in FILTER_KEYS}))

    @rx.event
    def search(self, form: dict[str, Any]) -> rx.event.EventSpec:
        """The search box and city field, submitted together."""
        return self._go({"q": str(form.get("q", "")).strip(), "city": str(form.get("city", "")).strip()})

    @rx.event
    def set_filter(self, key: str, value: str) -> rx.event.EventSpec | None:
        if key not in FILTER_KEYS or self.filters.get(key, "") == ("" if value == ANY else value):
            return None
        return self._go({key: value})

    @rx.event
    def clear_filters(self) -> rx.event.EventSpec:
        return rx.redirect(routes.EVENTS)
