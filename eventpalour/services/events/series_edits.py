"""Edits to "this and all future dates" of a series (#22 §3): the edited date's details are copied
onto the series' later dates that can still change (not cancelled or completed).

Dates, pricing, currency and tiers stay each date's own: a date's times move with Postpone (its
holders are told) and its prices are fixed once it has sales, so neither is overwritten in bulk.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from eventpalour.models import Event, EventPartner, EventStatus
from eventpalour.models.types import utcnow

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
