"""Duplicating an event (#24 §6): a new draft with the original's details, partners and tiers, and
none of its sales, holds, discount codes or scans. Its dates move forward by whole weeks to the
first start in the future, so the weekday and the local times stay those of the original.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from eventpalour.db import transaction
from eventpalour.models import Category, Event, EventPartner, EventStatus, TicketTier, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.events.lifecycle import new_short_id, search_text_for
from eventpalour.services.events.tiers import list_tiers
from eventpalour.services.identity import UserSummary
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

COPIED_EVENT_FIELDS = (
    "workspace_id",
    "description",
    "category_id",
    "type",
    "pricing",
    "venue",
    "city",
    "city_key",
    "country",
    "online_link",
    "meeting_platform",
    "timezone",
    "banner_url",
    "currency",
    "fee_mode",
    "sms_tickets",
)
COPIED_TIER_FIELDS = ("name", "description", "price", "quantity", "max_per_order", "sort_order", "hidden")
WEEK = timedelta(days=7)


def weeks_ahead(start: datetime, now: datetime) -> timedelta:
    """How far to move a copy: one week or more, in whole weeks, until its start is after `now`."""
    weeks = max(1, (now - start) // WEEK + 1)
    return WEEK * weeks


def _copy_title(title: str) -> str:
    return f"{title[:248]} (copy)"


def clone_event(
    session: Session, original: Event, *, title: str, start_at: datetime, end_at: datetime, actor_id: str
) -> Event:
    """A new draft like `original` at the given dates, with its partners and its tiers (nothing sold
    or held; sales windows moved as far as the start moved), flushed. Also how a series' dates are
    made (services/events/series.py)."""
    shift = start_at - original.start_at
    copy = Event(
        short_id=new_short_id(session),
        title=title,
        start_at=start_at,
        end_at=end_at,
        status=EventStatus.DRAFT,
        created_by_id=actor_id,
        **{name: getattr(original, name) for name in COPIED_EVENT_FIELDS},
    )
    category = session.get(Category, original.category_id) if original.category_id else None
    workspace_name = session.get(Workspace, original.workspace_id).name
    copy.search_text = search_text_for(copy, workspace_name, category.name if category else "")
    session.add(copy)
    session.flush()
    partners = session.exec(
        select(EventPartner).where(EventPartner.event_id == original.id).order_by(col(EventPartner.sort_order))
    ).all()
    for partner in partners:
        session.add(
            EventPartner(
                event_id=copy.id,
                name=partner.name,
                url=partner.url,
                logo_url=partner.logo_url,
                sort_order=partner.sort_order,
            )
        )
    for tier in list_tiers(session, original.id):
        session.add(
            TicketTier(
                event_id=copy.id,
                sales_start=tier.sales_start + shift if tier.sales_start else None,
                sales_end=tier.sales_end + shift if tier.sales_end else None,
                **{name: getattr(tier, name) for name in COPIED_TIER_FIELDS},
            )
        )
    session.flush()
    return copy


def duplicate_event(*, actor: UserSummary | None, event_id: str) -> Event:
    """A new draft copying the event (moderators and above of its workspace), returned with its short id.

    Tiers keep their names, prices, quantities and limits with nothing sold or held; their sales
    windows move with the dates. Raises the access errors.
    """
    with transaction() as session:
        original = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        shift = weeks_ahead(original.start_at, utcnow())
        copy = clone_event(
            session,
            original,
            title=_copy_title(original.title),
            start_at=original.start_at + shift,
            end_at=original.end_at + shift,
            actor_id=actor.id,
        )
        admin.record_audit(
            session,
            action="event.duplicate",
            actor_id=actor.id,
            target=("event", copy.id),
            details={"from": original.id},
        )
        session.flush()
        return copy
