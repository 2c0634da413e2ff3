"""The organizer's side of an event's waiting room (#18): turning it on, when it opens and starts, its
rate, and the live figures (people waiting, admitted, in, time to clear the line).

The rules of the queue itself are in `waiting_room.py`; this module only writes the room's row.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import Event, WaitingRoom, WaitingRoomVisitor
from eventpalour.models.types import utcnow
from eventpalour.models.waiting_room import MAX_RATE_PER_MINUTE
from eventpalour.services import admin
from eventpalour.services.events import parse_local
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import DEFAULT_LANGUAGE, N_, FieldError, Figure, ValidationFailed, event_when
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

_LOCAL_INPUT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class WaitingRoomReport:
    """The live figures of a waiting room. `clear_seconds`: how long the people waiting take to be let
    in at the rate (from the start, when it has not come)."""

    active: bool
    started: bool
    waiting: int
    admitted: int
    entered: int
    rate_per_minute: int
    clear_seconds: int


@dataclass(frozen=True)
class WaitingRoomSettings:
    """The form's values in the event's wall clock, and the live figures (None when there is no room yet)."""

    enabled: bool
    opens_local: str
    starts_local: str
    rate_per_minute: int
    timezone: str
    opens_label: str
    starts_label: str
    report: WaitingRoomReport | None


def _report(session: Session, room: WaitingRoom, now: datetime) -> WaitingRoomReport:
    visitors = WaitingRoomVisitor.__table__.c
    waiting, admitted, entered = (
        session.connection()
        .execute(
            select(
                func.count().filter(visitors.admitted_at.is_(None)),
                func.count(visitors.admitted_at),
                func.count(visitors.entered_at),
            ).where(visitors.event_id == room.event_id)
        )
        .one()
    )
    started = now >= room.starts_at
    until_start = 0 if started else (room.starts_at - now).total_seconds()
    return WaitingRoomReport(
        active=room.enabled and now >= room.opens_at,
        started=started,
        waiting=int(waiting),
        admitted=int(admitted),
        entered=int(entered),
        rate_per_minute=room.rate_per_minute,
        clear_seconds=math.ceil(until_start + int(waiting) * 60 / room.rate_per_minute),
    )


def _settings_of(
    session: Session, event: Event, room: WaitingRoom | None, now: datetime, language: str = DEFAULT_LANGUAGE
) -> WaitingRoomSettings:
    zone = ZoneInfo(event.timezone)
    if room is None:
        return WaitingRoomSettings(False, "", "", settings.waiting_room_rate_per_minute, event.timezone, "", "", None)
    return WaitingRoomSettings(
        enabled=room.enabled,
        opens_local=room.opens_at.astimezone(zone).strftime(_LOCAL_INPUT),
        starts_local=room.starts_at.astimezone(zone).strftime(_LOCAL_INPUT),
        rate_per_minute=room.rate_per_minute,
        timezone=event.timezone,
        opens_label=event_when(room.opens_at, event.timezone, now=now, language=language),
        starts_label=event_when(room.starts_at, event.timezone, now=now, language=language),
        report=_report(session, room, now),
    )


def waiting_room_settings(
    *, actor: UserSummary | None, event_id: str, now: datetime | None = None, language: str = DEFAULT_LANGUAGE
) -> WaitingRoomSettings:
    """The event's waiting room, for whoever may manage its events (the manage page polls it for the
    live figures); its times' labels in `language`."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        return _settings_of(session, event, session.get(WaitingRoom, event.id), now or utcnow(), language)


def _rate(raw: str, problems: list[FieldError]) -> int:
    text = (raw or "").strip().replace(",", "")
    if not text:
        return settings.waiting_room_rate_per_minute
    if not text.isdigit() or not 1 <= int(text) <= MAX_RATE_PER_MINUTE:
        problems.append(
            FieldError(
                ("rate_per_minute",),
                N_("Enter a whole number of visitors per minute, 1 to {count}."),
                {"count": Figure(MAX_RATE_PER_MINUTE)},
            )
        )
        return 0
    return int(text)


def set_waiting_room(
    *,
    actor: UserSummary | None,
    event_id: str,
    enabled: bool,
    opens_local: str,
    starts_local: str,
    rate_per_minute: str,
    now: datetime | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> WaitingRoomSettings:
    """Turn the event's waiting room on or off and set when it opens, when admission starts (the
    on-sale moment) and how many visitors a minute are let in (blank: the server's default). Moderator
    and above. Every bad input is a field error and changes nothing. Places already given keep their
    order; a later start only delays admission. Raises the access errors, ValidationFailed.
    """
    now = now or utcnow()
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        zone, problems = ZoneInfo(event.timezone), []
        opens_at = parse_local(opens_local, zone, ("opens_at",), problems)
        starts_at = parse_local(starts_local, zone, ("starts_at",), problems)
        rate = _rate(rate_per_minute, problems)
        if opens_at and starts_at and opens_at > starts_at:
            problems.append(FieldError(("opens_at",), N_("The queue must open at or before the sale starts.")))
        if problems:
            raise ValidationFailed(N_("Please check the waiting room's settings."), details=problems)
        room = session.get(WaitingRoom, event.id)
        if room is None:
            room = WaitingRoom(event_id=event.id, seed=secrets.token_hex(32), credit_at=starts_at, admitted_count=0)
        elif now < room.starts_at:  # not started yet: the rate's clock starts at the new start
            room.credit_at = starts_at
        else:  # started: admissions made stay counted, and a later start pauses admission until then
            room.credit_at = max(room.credit_at, starts_at)
        room.enabled, room.opens_at, room.starts_at, room.rate_per_minute = bool(enabled), opens_at, starts_at, rate
        room.updated_at = now
        session.add(room)
        admin.record_audit(
            session,
            action="event.waiting_room",
            actor_id=actor.id,
            target=("event", event.id),
            details={"enabled": room.enabled, "rate_per_minute": rate},
        )
        session.flush()
        return _settings_of(session, event, room, now, language)
