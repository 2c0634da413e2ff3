"""Public organizer profiles for API clients (#20 §6): the same profile as the page /o/{slug}.

No sign-in: everything here is public (the workspace's name, description, logo and links, its blue
badge, and its events on sale or over; drafts, hidden and cancelled events never appear).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from eventpalour import routes
from eventpalour.api.errors import answers
from eventpalour.services import events
from eventpalour.services.events import EventCard

router = APIRouter(prefix=routes.API_ORGANIZERS, tags=["organizers"])


class OrganizerEventOut(BaseModel):
    short_id: str = Field(serialization_alias="shortId")
    title: str
    url: str = Field(description="The event's public page.")
    start_at: datetime = Field(serialization_alias="startAt")
    timezone: str
    type: str
    city: str
    venue: str
    category: str
    currency: str
    banner_url: str = Field(serialization_alias="bannerUrl")
    min_price: int | None = Field(serialization_alias="minPrice", description="Minor units; null: no visible tier.")
    max_price: int | None = Field(serialization_alias="maxPrice")
    is_postponed: bool = Field(serialization_alias="isPostponed")


class LinkOut(BaseModel):
    label: str
    url: str


class OrganizerOut(BaseModel):
    slug: str
    name: str
    url: str = Field(description="The organizer's public page.")
    description: str
    logo_url: str = Field(serialization_alias="logoUrl")
    verified: bool = Field(description="The blue badge: a verified organizer.")
    links: list[LinkOut]
    upcoming: list[OrganizerEventOut] = Field(description="Soonest first, at most 48.")
    past: list[OrganizerEventOut] = Field(description="Latest first, at most 12.")
    more_upcoming: bool = Field(serialization_alias="moreUpcoming")
    more_past: bool = Field(serialization_alias="morePast")


def _event(card: EventCard) -> OrganizerEventOut:
    return OrganizerEventOut(
        short_id=card.short_id,
        title=card.title,
        url=routes.event_url(card.short_id),
        start_at=card.start_at,
        timezone=card.timezone,
        type=card.type,
        city=card.city,
        venue=card.venue,
        category=card.category,
        currency=card.currency,
        banner_url=card.banner_url,
        min_price=card.min_price,
        max_price=card.max_price,
        is_postponed=card.is_postponed,
    )


@router.get("/{slug}", responses=answers(404), response_model_by_alias=True)
def read_organizer(slug: str) -> OrganizerOut:
    """A workspace's public profile and its public events; 404 when no workspace has `slug`."""
    profile = events.get_organizer_profile(slug[:200])
    return OrganizerOut(
        slug=profile.slug,
        name=profile.name,
        url=routes.organizer_url(profile.slug),
        description=profile.description,
        logo_url=profile.logo_url,
        verified=profile.verified,
        links=[LinkOut(label=link.label, url=link.url) for link in profile.links],
        upcoming=[_event(card) for card in profile.upcoming],
        past=[_event(card) for card in profile.past],
        more_upcoming=profile.more_upcoming,
        more_past=profile.more_past,
    )
