"""Announcements to an event's ticket holders (#22 §2): organizers (moderator and above) write one,
send it now or schedule it; the worker sends the due ones (a "send now" one is simply due at once,
so the request only records it and never waits on a large fan-out); holders read the sent ones.

Sending happens once: one conditional UPDATE moves an announcement from scheduled to sent (only
while it is scheduled and due), so of two workers, or a worker and "send now", one wins and the
other changes nothing. In the same transaction the winner queues one email per recipient address
(announcement_audience.recipients) in the outbox, spaced to the event's rate: at most
ANNOUNCEMENT_EMAILS_PER_MINUTE per minute, continuing after the event's previous announcement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import (
    ADMISSION_STATUSES,
    Announcement,
    AnnouncementAudience,
    AnnouncementStatus,
    Event,
    Ticket,
    TicketTier,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services.events import parse_local
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    AnnouncementFacts,
    Conflict,
    FieldError,
    Figure,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    announcement_email,
    clean_line,
    clean_text,
    enqueue,
    event_when,
    plural,
    render_markdown,
    time_zone,
)
from eventpalour.services.tickets.announcement_audience import AUDIENCE_LABELS, reaches, recipients
from eventpalour.services.tickets.announcement_opt_outs import one_click_link, unsubscribe_link
from eventpalour.services.tickets.announcement_texts import queue_texts
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

SUBJECT_MAX = 150
BODY_MAX = 20_000
SLOT = timedelta(minutes=1)
STATUS_LABELS = {
    AnnouncementStatus.SCHEDULED: N_("Scheduled"),
    AnnouncementStatus.SENT: N_("Sent"),
    AnnouncementStatus.CANCELLED: N_("Cancelled"),
}


@dataclass(frozen=True)
class AnnouncementInput:
    """What an organizer sends. `send_at` None: now; else an aware time, which must be in the future."""

    subject: str
    body: str
    audience: str = AnnouncementAudience.ALL.value
    tier_ids: tuple[str, ...] = ()
    send_at: datetime | None = None


@dataclass(frozen=True)
class AnnouncementRow:
    """An announcement on the Announcements tab and in the API."""

    id: str
    subject: str
    body: str
    body_html: str
    audience: str
    audience_label: str
    tier_ids: tuple[str, ...]
    status: str
    status_label: str
    send_at: datetime
    sent_at: datetime | None
    when_label: str  # "Sent Fri 5 Dec · 18:00 EAT" / "Scheduled for …" / "Cancelled (was …)"
    recipients_count: int
    recipients_label: str
    can_cancel: bool
    is_queued: bool  # due, waiting for the worker (a "send now" one right after it was written)


@dataclass(frozen=True)
class HolderAnnouncement:
    """A sent announcement as a holder reads it on the event page and on /tickets."""

    id: str
    event_title: str
    event_path: str
    subject: str
    body_html: str
    sent_label: str


def _tier_names(session: Session, event_id: str) -> dict[str, str]:
    rows = session.exec(select(TicketTier.id, TicketTier.name).where(TicketTier.event_id == event_id)).all()
    return {tier_id: name for tier_id, name in rows}


def _audience_label(audience: str, tier_ids: Sequence[str], tiers: dict[str, str]) -> str:
    label = AUDIENCE_LABELS.get(audience, audience)
    if audience == AnnouncementAudience.TIERS:
        return f"{label}: " + ", ".join(tiers.get(t, "removed ticket type") for t in tier_ids)
    return label


def _row(item: Announcement, event: Event, tiers: dict[str, str]) -> AnnouncementRow:
    when = event_when(item.sent_at or item.send_at, event.timezone)
    scheduled = item.status == AnnouncementStatus.SCHEDULED
    # Due and not yet claimed by the worker: "send now", or a scheduled one whose time has come.
    queued = scheduled and item.send_at <= utcnow()
    when_label = {
        AnnouncementStatus.SCHEDULED: "Queued: sending now" if queued else f"Scheduled for {when}",
        AnnouncementStatus.SENT: f"Sent {when}",
    }.get(item.status, f"Cancelled (was for {when})")
    return AnnouncementRow(
        id=item.id,
        subject=item.subject,
        body=item.body,
        body_html=render_markdown(item.body),
        audience=item.audience,
        audience_label=_audience_label(item.audience, item.tier_ids, tiers),
        tier_ids=tuple(item.tier_ids),
        status=item.status,
        status_label=N_("Queued") if queued else STATUS_LABELS.get(item.status, item.status),
        send_at=item.send_at,
        sent_at=item.sent_at,
        when_label=when_label,
        recipients_count=item.recipients_count,
        recipients_label=plural(item.recipients_count, "recipient") if item.status == AnnouncementStatus.SENT else "",
        can_cancel=scheduled,
        is_queued=queued,
    )


def list_announcements(*, actor: UserSummary | None, event_id: str) -> list[AnnouncementRow]:
    """The event's announcements, newest first (moderators and above)."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        items = session.exec(
            select(Announcement)
            .where(Announcement.event_id == event.id)
            .order_by(col(Announcement.created_at).desc(), col(Announcement.id))
        ).all()
        tiers = _tier_names(session, event.id)
        return [_row(item, event, tiers) for item in items]


def _problems(data: AnnouncementInput, tiers: dict[str, str], now: datetime) -> list[FieldError]:
    problems: list[FieldError] = []
    subject, body = clean_line(data.subject), clean_text(data.body)
    if not subject:
        problems.append(FieldError(("subject",), N_("Enter a subject.")))
    elif len(subject) > SUBJECT_MAX:
        problems.append(FieldError(("subject",), N_("Keep the subject to {count} characters."), {"count": SUBJECT_MAX}))
    if not body:
        problems.append(FieldError(("body",), N_("Write the message.")))
    elif len(body) > BODY_MAX:
        problems.append(
            FieldError(("body",), N_("Keep the message to {count} characters."), {"count": Figure(BODY_MAX)})
        )
    if data.audience not in AUDIENCE_LABELS:
        problems.append(FieldError(("audience",), N_("Choose who gets the announcement.")))
    elif data.audience == AnnouncementAudience.TIERS and not data.tier_ids:
        problems.append(FieldError(("tier_ids",), N_("Choose at least one ticket type.")))
    elif any(tier_id not in tiers for tier_id in data.tier_ids):
        problems.append(FieldError(("tier_ids",), N_("Choose ticket types of this event.")))
    if data.send_at is not None and data.send_at <= now:
        problems.append(FieldError(("send_at",), N_("Choose a time in the future, or send it now.")))
    return problems


def create_announcement(*, actor: UserSummary | None, event_id: str, data: AnnouncementInput) -> AnnouncementRow:
    """Record an announcement; without `send_at` it is due at once and the worker's announcement
    loop sends it within a second or so (`send_due_announcements`). Raises NotAuthenticated,
    NotFound, PermissionDenied, ValidationFailed (nothing recorded)."""
    return _create(actor, event_id, data, [])


def _create(
    actor: UserSummary | None, event_id: str, data: AnnouncementInput, form_problems: list[FieldError]
) -> AnnouncementRow:
    now = utcnow()
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        tiers = _tier_names(session, event.id)
        problems = _problems(data, tiers, now) + form_problems
        if problems:
            raise ValidationFailed(problems[0].message, details=problems)
        tier_ids = list(dict.fromkeys(data.tier_ids)) if data.audience == AnnouncementAudience.TIERS else []
        if data.send_at is None and not recipients(session, event.id, data.audience, tier_ids):
            raise ValidationFailed.field(
                "audience", N_("No ticket holder is in this audience yet: nobody would get it.")
            )
        item = Announcement(
            event_id=event.id,
            author_id=actor.id,
            subject=clean_line(data.subject),
            body=clean_text(data.body),
            audience=data.audience,
            tier_ids=tier_ids,
            send_at=data.send_at or now,
        )
        session.add(item)
        session.flush()
        announcement_id = item.id
    return _one(announcement_id)


def _one(announcement_id: str) -> AnnouncementRow:
    with read_only() as session:
        item = session.get(Announcement, announcement_id)
        event = session.get(Event, item.event_id)
        return _row(item, event, _tier_names(session, event.id))


def cancel_announcement(*, actor: UserSummary | None, event_id: str, announcement_id: str) -> AnnouncementRow:
    """Cancel a scheduled announcement; one already sent (or sending now) cannot be. Raises Conflict."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        item = session.get(Announcement, announcement_id or "")
        if item is None or item.event_id != event.id:
            raise NotFound(N_("This announcement does not exist."))
        cancelled = session.execute(
            update(Announcement)
            .where(col(Announcement.id) == item.id, col(Announcement.status) == AnnouncementStatus.SCHEDULED)
            .values(status=AnnouncementStatus.CANCELLED)
        ).rowcount
        if cancelled != 1:
            raise Conflict(N_("This announcement was already sent or cancelled."))
    return _one(item.id)


def _first_slot(session: Session, event_id: str, announcement_id: str, now: datetime) -> datetime:
    """When this announcement's first emails may go: now, or a minute after the last batch of the
    event's previous announcement, whichever is later (the event's rate spans announcements)."""
    previous = session.exec(
        select(func.max(Announcement.last_slot_at)).where(
            Announcement.event_id == event_id, Announcement.id != announcement_id
        )
    ).one()
    return now if previous is None or previous + SLOT <= now else previous + SLOT


def send_announcement(announcement_id: str) -> int | None:
    """Send one due announcement if it is still scheduled: the number of emails queued, or None
    when another worker (or a cancel) got to it first."""
    now = utcnow()
    with transaction() as session:
        claimed = session.execute(
            update(Announcement)
            .where(
                col(Announcement.id) == announcement_id,
                col(Announcement.status) == AnnouncementStatus.SCHEDULED,
                col(Announcement.send_at) <= now,
            )
            .values(status=AnnouncementStatus.SENT, sent_at=now)
        ).rowcount
        if claimed != 1:
            return None
        item = session.get(Announcement, announcement_id)
        # Announcements of one event are sent one after another (the event row is locked on
        # PostgreSQL; SQLite writes one at a time), so their rate slots never overlap.
        event = session.exec(select(Event).where(Event.id == item.event_id).with_for_update()).one()
        organizer = session.get(Workspace, event.workspace_id)
        facts = AnnouncementFacts(
            event_title=event.title,
            organizer=organizer.name if organizer else "",
            subject=item.subject,
            body_text=item.body,
            body_html=render_markdown(item.body),
            event_url=settings.app_url + routes.event_url(event.short_id),
        )
        per_minute = max(1, settings.announcement_emails_per_minute)
        start = _first_slot(session, event.id, item.id, now)
        to = recipients(session, event.id, item.audience, item.tier_ids)
        for index, person in enumerate(to):
            message = announcement_email(
                person.email,
                facts,
                unsubscribe_link(event.id, person.email),
                one_click_link(event.id, person.email),
                person.language,
            )
            enqueue(session, message, not_before=start + SLOT * (index // per_minute))
        queue_texts(session, event, item.subject, to, slots=(start, SLOT, per_minute))
        item.recipients_count = len(to)
        item.last_slot_at = start + SLOT * ((len(to) - 1) // per_minute) if to else None
        session.add(item)
    return len(to)


def send_due_announcements(limit: int = 10) -> int:
    """Send up to `limit` scheduled announcements whose time has come; returns how many this worker
    sent. Safe to run in several workers at once."""
    with read_only() as session:
        due = session.exec(
            select(Announcement.id)
            .where(Announcement.status == AnnouncementStatus.SCHEDULED, Announcement.send_at <= utcnow())
            .order_by(col(Announcement.send_at))
            .limit(limit)
        ).all()
    return sum(1 for announcement_id in due if send_announcement(announcement_id) is not None)


def _holder_view(item: Announcement, event: Event) -> HolderAnnouncement:
    return HolderAnnouncement(
        id=item.id,
        event_title=event.title,
        event_path=routes.event_url(event.short_id),
        subject=item.subject,
        body_html=render_markdown(item.body),
        sent_label=event_when(item.sent_at or item.send_at, event.timezone),
    )


def _reaching(session: Session, actor_id: str, event_ids: Sequence[str] | None) -> list[HolderAnnouncement]:
    """The sent announcements of the actor's events whose audience one of the actor's tickets is in
    (the same rule that addressed the emails), newest first."""
    query = select(Ticket.event_id, Ticket.status, Ticket.tier_id).where(
        Ticket.holder_id == actor_id, col(Ticket.status).in_(ADMISSION_STATUSES)
    )
    if event_ids is not None:
        query = query.where(col(Ticket.event_id).in_(list(event_ids)))
    held: dict[str, list[tuple[str, str]]] = {}
    for event_id, status, tier_id in session.exec(query).all():
        held.setdefault(event_id, []).append((status, tier_id))
    if not held:
        return []
    rows = session.exec(
        select(Announcement, Event)
        .join(Event, col(Event.id) == col(Announcement.event_id))
        .where(col(Announcement.event_id).in_(list(held)), Announcement.status == AnnouncementStatus.SENT)
        .order_by(col(Announcement.sent_at).desc(), col(Announcement.id))
    ).all()
    return [
        _holder_view(item, event)
        for item, event in rows
        if any(reaches(item.audience, item.tier_ids, status, tier) for status, tier in held[item.event_id])
    ]


def event_announcements(*, actor: UserSummary | None, event_short_id: str) -> list[HolderAnnouncement]:
    """The event's sent announcements that reached the actor's tickets; none when signed out."""
    if actor is None:
        return []
    with read_only() as session:
        return event_announcements_of(session, actor.id, event_short_id)


def event_announcements_of(session: Session, holder_id: str, event_short_id: str) -> list[HolderAnnouncement]:
    """`event_announcements` in the caller's read."""
    event_id = session.exec(select(Event.id).where(Event.short_id == event_short_id)).first()
    return _reaching(session, holder_id, [event_id]) if event_id else []


def my_announcements(*, actor: UserSummary | None) -> list[HolderAnnouncement]:
    """Every sent announcement that reached one of the actor's tickets, newest first (/tickets)."""
    if actor is None:
        raise NotAuthenticated(N_("Sign in to see your tickets."))
    with read_only() as session:
        return _reaching(session, actor.id, None)


@dataclass(frozen=True)
class AnnouncementForm:
    """The Announcements tab's form as typed: `send_at_local` in the event's time zone."""

    subject: str = ""
    body: str = ""
    audience: str = AnnouncementAudience.ALL.value
    tier_ids: tuple[str, ...] = ()
    schedule: bool = False  # False: send now
    send_at_local: str = ""


def create_from_form(*, actor: UserSummary | None, event_id: str, form: AnnouncementForm) -> AnnouncementRow:
    """create_announcement from the tab's form, the time read in the event's zone (every field's
    problem reported at once, the time's among them)."""
    send_at, problems = None, []
    if form.schedule:
        with read_only() as session:
            zone_name = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS).timezone
        send_at = parse_local(form.send_at_local, time_zone(zone_name), ("send_at",), problems)
    data = AnnouncementInput(
        subject=form.subject, body=form.body, audience=form.audience, tier_ids=form.tier_ids, send_at=send_at
    )
    return _create(actor, event_id, data, problems)
