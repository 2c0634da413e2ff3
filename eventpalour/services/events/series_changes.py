"""Changing a series' dates after it was made (#22 §3): extend it, or re-rule its future dates.

- **Extend** adds dates after the series' last one: a daily/weekly/monthly rule continuing from it
  (`count` new dates, or up to an inclusive end date), or picked days at its local time.
- **Re-rule** applies a new rule from the date being managed on: its later dates that the rule
  no longer produces go, the rule's new dates come. Dates before it are never touched, and a date
  with tickets sold or held stays as it is (its buyers hold tickets for that day), with the reason.

The same `_plan` makes the preview the organizer confirms and the change itself, so what is shown
is what happens. A series never holds more than MAX_OCCURRENCES dates, cancelled ones included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, EventSeries, SeriesRule
from eventpalour.services import admin
from eventpalour.services.events.series import SeriesView, add_series_date, rule_change_refusal, series_view
from eventpalour.services.events.series_edits import FINAL_STATUSES
from eventpalour.services.events.series_rules import MAX_OCCURRENCES, Occurrence, SeriesInput, expand_series
from eventpalour.services.events.tiers import delete_unsold, list_tiers, seats_taken
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    N_,
    Conflict,
    ValidationFailed,
    WhenWords,
    event_when,
    message,
    plural,
)
from eventpalour.services.workspaces import WorkspaceAction, load_event_for


class SeriesChangeMode(StrEnum):
    EXTEND = "extend"  # more dates after the last one
    RERULE = "rerule"  # a new rule for the managed date and the ones after it


@dataclass(frozen=True)
class KeptDate:
    """A date the new rule would drop that stays, and why: "Fri 19 Dec · 18:00 EAT" has sales."""

    label: str
    reason: str


@dataclass(frozen=True)
class SeriesPlan:
    """What a change would do, in date order: labels of the dates added and removed, the dates kept
    against the rule with their reason, and how many dates the series would then hold."""

    added: list[str]
    removed: list[str]
    kept: list[KeptDate]
    total: int

    @property
    def summary(self) -> str:
        """ "4 dates added, 1 date removed" (what the confirm button's toast says)."""
        parts = [plural(len(self.added), "date") + " added"]
        if self.removed:
            parts.append(plural(len(self.removed), "date") + " removed")
        return ", ".join(parts)


@dataclass
class _Plan:
    added: list[Occurrence]
    removed: list[Event]
    kept: list[tuple[Event, str]]
    template: Event  # the date whose details and tiers the new dates copy
    total: int


def change_refusal(event: Event, mode: str) -> str | None:
    """Why the series of `event` cannot change this way from it now, or None."""
    if not event.series_id:
        return N_("This event does not repeat; make it a series on the Repeat tab first.")
    return rule_change_refusal(event) if mode == SeriesChangeMode.RERULE else None


def _dates(session: Session, series_id: str) -> list[Event]:
    return list(
        session.exec(select(Event).where(Event.series_id == series_id).order_by(col(Event.start_at), col(Event.id)))
    )


def _extension(dates: list[Event], timezone: str, data: SeriesInput) -> tuple[Event, list[Occurrence]]:
    """The new dates after the series' last one (`count` counts new dates only here), and the date
    they copy: the last one still on the calendar (a cancelled date's details may be out of date)."""
    last = dates[-1]
    live = [d for d in dates if d.status not in FINAL_STATUSES]
    if not live:
        raise Conflict(N_("Every date of this series is cancelled or over; repeat a new event instead."))
    if data.rule != SeriesRule.DATES and data.count is not None:
        room = MAX_OCCURRENCES - len(dates)
        if not 1 <= data.count <= room:
            raise ValidationFailed.field("count", _room_message(len(dates)))
        data = replace(data, count=data.count + 1)  # the rule counts the last date itself
    return live[-1], expand_series(last.start_at, last.end_at, timezone, data)[1:]


def _room_message(held: int) -> str:
    room = MAX_OCCURRENCES - held
    if room <= 0:
        return message(N_("This series already has {count} dates, the most a series can have."), count=MAX_OCCURRENCES)
    return message(
        N_("A series has at most {most} dates; this one has {held}, so add 1 to {room}."),
        most=MAX_OCCURRENCES,
        held=held,
        room=room,
    )


def _plan(session: Session, event: Event, mode: str, data: SeriesInput) -> _Plan:
    if mode not in set(SeriesChangeMode):
        raise ValidationFailed.field("mode", N_("Choose to add dates or to change the rule."))
    if refusal := change_refusal(event, mode):
        raise Conflict(refusal)
    series = session.get(EventSeries, event.series_id)
    dates = _dates(session, series.id)
    if mode == SeriesChangeMode.EXTEND:
        template, added = _extension(dates, series.timezone, data)
        removed: list[Event] = []
        kept: list[tuple[Event, str]] = []
    else:
        template, occurrences = event, expand_series(event.start_at, event.end_at, series.timezone, data)
        wanted = {o.start_at for o in occurrences}
        later = [d for d in dates if d.start_at > event.start_at and d.status not in FINAL_STATUSES]
        existing = {d.start_at for d in later} | {event.start_at}
        added = [o for o in occurrences if o.start_at not in existing]
        dropped = [d for d in later if d.start_at not in wanted]
        kept = [
            (d, N_("tickets are sold or reserved for it")) for d in dropped if seats_taken(list_tiers(session, d.id))
        ]
        kept_ids = {d.id for d, _ in kept}
        removed = [d for d in dropped if d.id not in kept_ids]
    total = len(dates) - len(removed) + len(added)
    if total > MAX_OCCURRENCES:
        field = "dates" if data.rule == SeriesRule.DATES else "count" if data.count is not None else "until_date"
        raise ValidationFailed.field(
            field,
            N_("A series has at most {most} dates; this change would make {count}."),
            most=MAX_OCCURRENCES,
            count=total,
        )
    if not added and not removed:
        raise ValidationFailed.field("rule", N_("This rule gives the dates the series already has."))
    return _Plan(added=added, removed=removed, kept=kept, template=template, total=total)


def _preview(plan: _Plan, timezone: str, language: str) -> SeriesPlan:
    return SeriesPlan(
        added=[event_when(o.start_at, timezone, language=language) for o in plan.added],
        removed=[event_when(d.start_at, timezone, language=language) for d in plan.removed],
        kept=[KeptDate(event_when(d.start_at, timezone, language=language), reason) for d, reason in plan.kept],
        total=plan.total,
    )


def preview_series_change(
    *, actor: UserSummary | None, event_id: str, mode: str, data: SeriesInput, language: str = DEFAULT_LANGUAGE
) -> SeriesPlan:
    """The dates a change would add and remove, for the organizer to confirm (moderators and above).
    Raises the access errors, Conflict (not a series, or a past date to re-rule from) and
    ValidationFailed (the rule's field errors, over 100 dates, or nothing would change)."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        plan = _plan(session, event, mode, data)
        return _preview(plan, event.timezone, language)


def change_series_dates(
    *, actor: UserSummary | None, event_id: str, mode: str, data: SeriesInput, language: str = DEFAULT_LANGUAGE
) -> SeriesView:
    """Add and remove the dates `preview_series_change` showed, in one transaction. New dates copy
    the template date's details and tiers (own capacity, nothing sold) and are on sale like it;
    removed dates had nothing sold or held, which the delete re-checks in this transaction."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        plan = _plan(session, event, mode, data)
        for occurrence in plan.added:
            add_series_date(session, plan.template, occurrence, actor_id=actor.id)
        for removed in plan.removed:
            _remove_unsold(session, removed)
        series = session.get(EventSeries, event.series_id)
        if mode == SeriesChangeMode.RERULE:
            series.rule, series.interval = data.rule, data.interval
            series.until_date, series.count = data.until_date.strip() or None, data.count
            series.dates = sorted(data.dates) if data.rule == SeriesRule.DATES else []
        elif data.rule == SeriesRule.DATES:
            series.dates = sorted({*series.dates, *(day.strip() for day in data.dates)})
        admin.record_audit(
            session,
            action=f"event.series_{mode}",
            actor_id=actor.id,
            target=("event", event.id),
            details={"series": series.id, "added": len(plan.added), "removed": len(plan.removed)},
        )
        session.flush()
        return series_view(session, event, series, language)


def _remove_unsold(session: Session, event: Event) -> None:
    """Delete a date the new rule drops. Its tiers go first through the conditional DELETE that
    refuses a tier with seats sold or held, so a checkout holding a seat since the plan was made
    keeps the date (Conflict, nothing changed) rather than losing its order."""
    try:
        for tier in list_tiers(session, event.id):
            delete_unsold(session, tier)
    except Conflict:
        raise Conflict(
            N_("Tickets were just sold for {when}; preview the change again."),
            values={"when": WhenWords(event.start_at, event.timezone)},
        ) from None
    session.delete(event)
    session.flush()
