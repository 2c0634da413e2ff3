"""Edits to "this and all future dates" of a series (#22 §3): the edited date's details are copied
onto the series' later dates that can still change (not cancelled or completed).

Pricing and currency stay each date's own (fixed once it has sales). Tiers follow through
series_tiers.py. Times follow through Postpone (`moved_like`): each later date moves on the
event's wall clock as the edited date did, so 18:00 becomes 19:00 local on every date, across a
daylight-saving change too, and each date's holders are told.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from eventpalour.models import Event, EventPartner, EventStatus
from eventpalour.models.types import utcnow
from eventpalour.services.platform import time_zone

SHARED_FIELDS = (
    "title",
    "description",
    "category_id",
    "type",
    "venue",
    "city",
    "city_key",
    "country",
    "online_link",
    "meeting_platform",
    "banner_url",
    "fee_mode",
    "refund_policy",
    "refund_days",
    "refund_policy_text",
    "waitlist_offer_minutes",
    "search_text",  # made of the fields above and the workspace, so it is the same text
)
FINAL_STATUSES = (EventStatus.CANCELLED, EventStatus.COMPLETED)


def later_dates(session: Session, event: Event) -> list[Event]:
    """The dates of the event's series after it that can still be edited, in order."""
    if not event.series_id:
        return []
    return list(
        session.exec(
            select(Event)
            .where(
                Event.series_id == event.series_id,
                Event.start_at > event.start_at,
                col(Event.status).not_in(FINAL_STATUSES),
            )
            .order_by(col(Event.start_at))
        ).all()
    )


def copy_to_later_dates(session: Session, event: Event) -> int:
    """Give every later date of the series the event's details and partners, in the caller's
    transaction; returns how many dates changed."""
    session.flush()
    partners = session.exec(
        select(EventPartner).where(EventPartner.event_id == event.id).order_by(col(EventPartner.sort_order))
    ).all()
    dates = later_dates(session, event)
    for other in dates:
        for name in SHARED_FIELDS:
            setattr(other, name, getattr(event, name))
        other.updated_at = utcnow()
        session.execute(delete(EventPartner).where(col(EventPartner.event_id) == other.id))
        for partner in partners:
            session.add(
                EventPartner(
                    event_id=other.id,
                    name=partner.name,
                    url=partner.url,
                    logo_url=partner.logo_url,
                    sort_order=partner.sort_order,
                )
            )
    return len(dates)


def moved_like(
    other: Event, before: tuple[datetime, datetime], after: tuple[datetime, datetime], timezone: str
) -> tuple[datetime, datetime]:
    """`other`'s new (start, end) when the edited date moved from `before` to `after`: its local
    start moves by the same wall-clock amount and it lasts as long on the wall clock as the edited
    date now does. Worked on naive local times, then UTC, so the local hour holds across DST."""
    place = time_zone(timezone)

    def local(moment: datetime) -> datetime:
        return moment.astimezone(place).replace(tzinfo=None)

    start = local(other.start_at) + (local(after[0]) - local(before[0]))
    end = start + (local(after[1]) - local(after[0]))
    return start.replace(tzinfo=place).astimezone(UTC), end.replace(tzinfo=place).astimezone(UTC)
