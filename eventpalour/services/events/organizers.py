"""The public organizer page /o/{slug} (#20 §6): a workspace's logo, description, links and badge,
with its public events, upcoming and past.

Only events in SELLING_EVENT_STATUSES (on sale, or postponed) and completed ones appear: drafts,
hidden and cancelled events stay off the page. An event on sale whose end has passed is past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import SELLING_EVENT_STATUSES, Event, EventStatus, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services.events.discovery import EventCard, cards_for, summary_text
from eventpalour.services.platform import N_, Message, NotFound, clean_line

UPCOMING_LIMIT = 48
PAST_LIMIT = 12
PUBLIC_PAST_STATUSES = (*SELLING_EVENT_STATUSES, EventStatus.COMPLETED)
"""Events that ended in public: on sale until their end (housekeeping completes them), or completed."""


@dataclass(frozen=True)
class SocialLink:
    """One of the workspace's links: "Website", "X", "Instagram"…, and its address."""

    label: str
    url: str


@dataclass(frozen=True)
class OrganizerProfile:
    """A workspace as the public sees it; `more_upcoming`/`more_past` say a list was cut at its cap."""

    slug: str
    name: str
    description: str
    summary: str
    logo_url: str
    verified: bool
    links: list[SocialLink] = field(default_factory=list)
    upcoming: list[EventCard] = field(default_factory=list)
    past: list[EventCard] = field(default_factory=list)
    more_upcoming: bool = False
    more_past: bool = False


@dataclass(frozen=True)
class SitemapOrganizer:
    """An organizer page worth listing in sitemap.xml, and when its workspace last changed."""

    slug: str
    updated_at: datetime


LINK_LABELS = (
    ("website", N_("Website")),  # the others are the services' own names
    ("social_x", "X"),
    ("social_facebook", "Facebook"),
    ("social_instagram", "Instagram"),
    ("social_linkedin", "LinkedIn"),
    ("social_github", "GitHub"),
)


def _upcoming(session: Session, workspace_id: str, now: datetime, limit: int) -> list[Event]:
    return list(
        session.exec(
            select(Event)
            .where(
                Event.workspace_id == workspace_id,
                col(Event.status).in_(SELLING_EVENT_STATUSES),
                Event.end_at > now,
            )
            .order_by(col(Event.start_at), col(Event.id))
            .limit(limit)
        )
    )


def _past(session: Session, workspace_id: str, now: datetime, limit: int) -> list[Event]:
    return list(
        session.exec(
            select(Event)
            .where(
                Event.workspace_id == workspace_id,
                col(Event.status).in_(PUBLIC_PAST_STATUSES),
                Event.end_at <= now,
            )
            .order_by(col(Event.start_at).desc(), col(Event.id))
            .limit(limit)
        )
    )


def get_organizer_profile(slug: str) -> OrganizerProfile:
    """The organizer page of the workspace with `slug`: up to UPCOMING_LIMIT upcoming events, soonest
    first, and up to PAST_LIMIT past ones, latest first.

    Raises:
        NotFound: no workspace has that slug.
    """
    wanted = clean_line(slug or "").lower()
    now = utcnow()
    with read_only() as session:
        workspace = session.exec(select(Workspace).where(Workspace.slug == wanted)).first() if wanted else None
        if workspace is None:
            raise NotFound(N_("There is no organizer at this address."))
        upcoming = _upcoming(session, workspace.id, now, UPCOMING_LIMIT + 1)
        past = _past(session, workspace.id, now, PAST_LIMIT + 1)
        return OrganizerProfile(
            slug=workspace.slug,
            name=workspace.name,
            description=workspace.description,
            summary=summary_text(workspace.description),
            logo_url=workspace.logo_url or "",
            verified=workspace.verified,
            links=[SocialLink(Message(label), url) for name, label in LINK_LABELS if (url := getattr(workspace, name))],
            upcoming=cards_for(session, upcoming[:UPCOMING_LIMIT]),
            past=cards_for(session, past[:PAST_LIMIT]),
            more_upcoming=len(upcoming) > UPCOMING_LIMIT,
            more_past=len(past) > PAST_LIMIT,
        )


def list_sitemap_organizers() -> list[SitemapOrganizer]:
    """Every workspace with at least one public event, upcoming or past: their pages go in sitemap.xml."""
    with read_only() as session:
        public = select(Event.workspace_id).where(col(Event.status).in_(PUBLIC_PAST_STATUSES)).distinct()
        rows = session.exec(
            select(Workspace.slug, Workspace.updated_at)
            .where(col(Workspace.id).in_(public))
            .order_by(col(Workspace.slug))
        ).all()
    return [SitemapOrganizer(slug, updated_at) for slug, updated_at in rows]
