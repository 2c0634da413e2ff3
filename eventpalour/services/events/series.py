"""Recurring events (#22 §3): repeat an event as a series of dates, each a real event of its own.

`create_series` turns an event into the first date of a series and adds the other dates as
copies of it (details, partners and tiers with their own capacity, nothing sold), all in one
transaction. Each date then lives as any event does: its own tickets, check-in, edits, postponing
and cancelling (whose refunds touch that date's orders only). Buyers pick a date from
`list_series_dates`; organizers see every date with `get_event_series`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from eventpalour import routes
from eventpalour.db import read_only, transaction
from eventpalour.models import SELLING_EVENT_STATUSES, Event, EventSeries, EventStatus, SeriesRule, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.events.copies import clone_event
from eventpalour.services.events.discovery import is_public
from eventpalour.services.events.series_rules import Occurrence, SeriesInput, expand_series, rule_label
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    Conflict,
    count_words,
    event_when,
    gettext,
)
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

# A copy of a published date is published too; a postponed first date's copies are simply on sale.
COPY_STATUS = {EventStatus.POSTPONED: EventStatus.ACTIVE}


@dataclass(frozen=True)
class SeriesDate:
    """One date of a series as a buyer or organizer sees it in the date list."""

    event_id: str
    short_id: str
    label: str  # "Fri 12 Dec · 18:00 EAT"
    status: str
    availability: str  # "12 left", "Sold out", "Tickets available"
    is_current: bool  # the event whose page shows the list
    can_buy: bool  # on sale and not sold out
    public_path: str
    manage_path: str


@dataclass(frozen=True)
class SeriesView:
    """The series an event belongs to, for its organizers; `can_repeat` when it may become one."""

    series_id: str
    label: str
    dates: list[SeriesDate]
    can_repeat: bool
    can_change_rule: bool = False  # the rule may be changed from this date on (series_changes.py)


def repeat_refusal(event: Event) -> str | None:
    """Why `event` cannot be repeated now, or None: it must be a one-off that has not ended."""
    if event.series_id:
        return N_("This event already repeats; edit or cancel its dates one by one.")
    if event.status in (EventStatus.CANCELLED, EventStatus.COMPLETED) or event.end_at <= utcnow():
        return N_("Only an upcoming event can repeat.")
    return None


def rule_change_refusal(event: Event) -> str | None:
    """Why the series' rule cannot be changed from `event` on, or None: the rule applies from an
    upcoming date, so the dates before it (and their buyers) are never touched."""
    if event.status in (EventStatus.CANCELLED, EventStatus.COMPLETED) or event.start_at <= utcnow():
        return N_("Pick an upcoming date of the series to change the rule from.")
    return None


def create_series(
    *, actor: UserSummary | None, event_id: str, data: SeriesInput, language: str = DEFAULT_LANGUAGE
) -> SeriesView:
    """Make the event the first date of a series and add its other dates (moderators and above).

    Each new date copies the event's details, partners and tiers (own capacity, nothing sold) at the
    event's local time on its day, and takes the event's status (a published event's dates are on
    sale at once). Raises the access errors, Conflict (already a series, or ended) and
    ValidationFailed (the rule's field errors; nothing is created).
    """
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        if refusal := repeat_refusal(event):
            raise Conflict(refusal)
        occurrences = expand_series(event.start_at, event.end_at, event.timezone, data)
        series = EventSeries(
            workspace_id=event.workspace_id,
            rule=data.rule,
            interval=data.interval,
            until_date=data.until_date.strip() or None,
            count=data.count,
            dates=list(data.dates) if data.rule == SeriesRule.DATES else [],
            timezone=event.timezone,
            created_by_id=actor.id,
        )
        session.add(series)
        session.flush()
        event.series_id = series.id
        for occurrence in occurrences[1:]:
            add_series_date(session, event, occurrence, actor_id=actor.id)
        admin.record_audit(
            session,
            action="event.repeat",
            actor_id=actor.id,
            target=("event", event.id),
            details={"series": series.id, "rule": data.rule, "dates": len(occurrences)},
        )
        session.flush()
        return series_view(session, event, series, language)


def add_series_date(session: Session, template: Event, occurrence: Occurrence, *, actor_id: str) -> Event:
    """A new date of `template`'s series at `occurrence`: a copy of the template (details, partners,
    tiers with their own capacity, nothing sold) in the template's status, so a published series'
    new dates are on sale at once."""
    status = COPY_STATUS.get(template.status, template.status)
    copy = clone_event(
        session,
        template,
        title=template.title,
        start_at=occurrence.start_at,
        end_at=occurrence.end_at,
        actor_id=actor_id,
    )
    copy.series_id, copy.status = template.series_id, status
    copy.is_listed = status in SELLING_EVENT_STATUSES
    copy.published_at = utcnow() if status == EventStatus.ACTIVE else None
    return copy


def _availability(tiers: list[TicketTier], language: str) -> tuple[str, bool]:
    """What is left across the date's public tiers, in `language`: a count, sold out, or open when
    unlimited."""
    shown = [tier for tier in tiers if not tier.hidden]
    if any(tier.seats_left is None for tier in shown):
        return gettext(language, "Tickets available"), True
    left = sum(tier.seats_left for tier in shown)
    if not left:
        return gettext(language, "Sold out"), False
    return count_words(left, N_("{count} ticket left"), N_("{count} tickets left"), language), True


def _dates(
    session: Session, series_id: str, current: Event, *, public: bool, language: str = DEFAULT_LANGUAGE
) -> list[SeriesDate]:
    query = select(Event).where(Event.series_id == series_id)
    if public:
        query = query.where(col(Event.status).in_(SELLING_EVENT_STATUSES), Event.end_at > utcnow())
    events = list(session.exec(query.order_by(col(Event.start_at), col(Event.id))).all())
    if public and current.id not in {e.id for e in events}:
        events = sorted([*events, current], key=lambda e: (e.start_at, e.id))
    tiers: dict[str, list[TicketTier]] = {}
    for tier in session.exec(select(TicketTier).where(col(TicketTier.event_id).in_([e.id for e in events]))):
        tiers.setdefault(tier.event_id, []).append(tier)
    rows = []
    for e in events:
        availability, has_seats = _availability(tiers.get(e.id, []), language)
        on_sale = e.status in SELLING_EVENT_STATUSES and e.end_at > utcnow()
        rows.append(
            SeriesDate(
                event_id=e.id,
                short_id=e.short_id,
                label=event_when(e.start_at, e.timezone, language=language),
                status=e.status,
                availability=availability if on_sale else gettext(language, "Not on sale"),
                is_current=e.id == current.id,
                can_buy=on_sale and has_seats,
                public_path=routes.event_url(e.short_id) if is_public(e.status) else "",
                manage_path=routes.event_manage_url(e.workspace_id, e.short_id),
            )
        )
    return rows


def series_view(
    session: Session, event: Event, series: EventSeries | None, language: str = DEFAULT_LANGUAGE
) -> SeriesView:
    """The series as its organizers see it from `event`'s management page, in the reader's `language`."""
    if series is None:
        return SeriesView(series_id="", label="", dates=[], can_repeat=repeat_refusal(event) is None)
    dates = _dates(session, series.id, event, public=False, language=language)
    return SeriesView(
        series_id=series.id,
        label=rule_label(series.rule, series.interval, len(dates)),
        dates=dates,
        can_repeat=False,
        can_change_rule=rule_change_refusal(event) is None,
    )


def get_event_series(*, actor: UserSummary | None, event_id: str, language: str = DEFAULT_LANGUAGE) -> SeriesView:
    """The event's series with every date (any member of its workspace); empty when a one-off. Its
    dates and seats in the reader's `language`."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW)
        series = session.get(EventSeries, event.series_id) if event.series_id else None
        return series_view(session, event, series, language)


def list_series_dates(*, short_id: str, language: str = DEFAULT_LANGUAGE) -> list[SeriesDate]:
    """The dates a buyer can pick on a public event page: the series' upcoming dates on sale (and the
    page's own date), in order, with what is left, in the buyer's `language`; [] for a one-off or a
    hidden event."""
    with read_only() as session:
        event = session.exec(select(Event).where(Event.short_id == short_id)).first()
        if event is None or not event.series_id or not is_public(event.status):
            return []
        return _dates(session, event.series_id, event, public=True, language=language)
