"""An event page's facts in words, shared by the live page (state/event_detail.py) and the HTML the
server sends before any script runs (api/first_paint.py), so both say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from eventpalour import routes
from eventpalour.models import EventStatus, EventType
from eventpalour.services.events.discovery import PublicEvent
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    event_schedule,
    gettext,
    message,
    price_from_label,
    price_label,
    said,
)
from eventpalour.services.sales import SaleState

PLATFORMS = {"google-meet": "Google Meet", "zoom": "Zoom", "teams": "Microsoft Teams"}
STATUS_NOTES = {
    EventStatus.CANCELLED: N_("This event was cancelled. Tickets are no longer on sale."),
    EventStatus.COMPLETED: N_("This event has ended."),
    EventStatus.POSTPONED: N_("This event was postponed to the dates below. Tickets already issued stay valid."),
}


def map_url(address: str) -> str:
    """A map search for the venue (a link out, so the page loads no map scripts)."""
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address})


def online_label(event: PublicEvent) -> str:
    """ "Online event on Zoom" (or "Also online, on Zoom" for hybrid); empty for in-person events."""
    if event.type == EventType.PHYSICAL:
        return ""
    platform = PLATFORMS.get(event.meeting_platform, "")
    if event.type == EventType.HYBRID:
        return message(N_("Also online, on {platform}"), platform=platform) if platform else N_("Also online")
    return message(N_("Online event on {platform}"), platform=platform) if platform else N_("Online event")


def place_of(event: PublicEvent) -> str:
    """ "Nairobi, KE": the city and country of an in-person or hybrid event ("" for an online one)."""
    if event.type == EventType.ONLINE:
        return ""
    return ", ".join(part for part in (event.city, event.country) if part)


@dataclass(frozen=True)
class TierWords:
    """A tier as the page first shows it: its name, price and sale state in words."""

    name: str
    description: str
    price: str  # "KES 1,500.00" or "Free"
    sale_label: str  # "On sale", "Sold out", "Sales start 5 Dec, 18:00"
    sold_out: bool
    on_sale: bool


@dataclass(frozen=True)
class EventWords:
    """What the first paint of an event page shows, every value plain text (the renderer escapes it)."""

    title: str
    category: str
    schedule: str  # "Fri 5 Dec 2025 · 18:00 – 23:00 EAT", in the event's time zone
    zone: str  # "Africa/Nairobi" as "Africa/Nairobi" with spaces for underscores
    venue: str  # "" for an online event
    place: str
    online: str  # "" for an in-person event
    banner_url: str
    status_note: str
    organizer: str
    organizer_url: str
    verified: bool
    price_from: str  # "From KES 1,500.00", "Free", or "" when no tier is on sale now
    tiers: tuple[TierWords, ...]
    language: str = DEFAULT_LANGUAGE  # what the words are in (the static copy's own labels follow it)


def event_words(event: PublicEvent, language: str = DEFAULT_LANGUAGE) -> EventWords:
    """The facts of `event`'s public page in words, in the reader's `language` (the tiers it offers
    without a code)."""
    offered = [tier for tier in event.tiers if not tier.unlocked]
    selling = [tier.price for tier in offered if tier.sale_state == SaleState.ON_SALE]
    online, note = online_label(event), STATUS_NOTES.get(event.status, "")
    return EventWords(
        title=event.title,
        category=event.category,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone, language),
        zone=event.timezone.replace("_", " "),
        venue=event.venue if event.type != EventType.ONLINE else "",
        place=place_of(event),
        online=gettext(language, online) if online else "",
        banner_url=event.banner_url,
        status_note=gettext(language, note) if note else "",
        organizer=event.organizer_name,
        organizer_url=routes.organizer_url(event.organizer_slug),
        verified=event.organizer_verified,
        price_from=price_from_label(min(selling), max(selling), event.currency, language) if selling else "",
        tiers=tuple(
            TierWords(
                name=tier.name,
                description=tier.description,
                price=price_label(tier.price, event.currency, language),
                sale_label=said(language, tier.sale_label),
                sold_out=tier.sale_state == SaleState.SOLD_OUT,
                on_sale=tier.sale_state == SaleState.ON_SALE,
            )
            for tier in offered
        ),
        language=language,
    )
