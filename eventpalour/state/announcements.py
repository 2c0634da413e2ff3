"""The Announcements tab of /workspace/{id}/events/{short_id} (#22 §2): write a Markdown message
with a live preview, choose who gets it, send it now or schedule it in the event's time zone, and
the list of what was sent to how many (cancel a scheduled one)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.models import AnnouncementStatus
from eventpalour.services import platform, tickets
from eventpalour.services.platform import N_, DomainError, event_when, gettext
from eventpalour.services.tickets import AnnouncementForm, AnnouncementRow
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import EventManageState, event_in
from eventpalour.state.forms import FormMixin

TEXT_FIELDS = {"subject": 150, "body": 20_000, "send_at_local": 40}
# (value, label) of each audience, in the service's order and words.
AUDIENCE_CHOICES = tuple((str(value), label) for value, label in tickets.AUDIENCE_LABELS.items())


@dataclass(frozen=True)
class AnnouncementLine:
    """An announcement in the tab's list, with what may be done to it (the service's `can_cancel`)."""

    id: str
    subject: str
    audience: str
    when: str
    recipients: str
    status: str
    can_cancel: bool


@dataclass(frozen=True)
class TierChoice:
    id: str
    name: str


def _when(row: AnnouncementRow, zone_name: str, language: str) -> str:
    """When it went or goes out, in `language`: "Sent Fri 5 Dec · 18:00 EAT", "Scheduled for …"."""
    when = event_when(row.sent_at or row.send_at, zone_name, language=language)
    if row.is_queued:
        return gettext(language, N_("Queued: sending now"))
    if row.status == AnnouncementStatus.SCHEDULED:
        return gettext(language, N_("Scheduled for {when}")).format(when=when)
    if row.status == AnnouncementStatus.SENT:
        return gettext(language, N_("Sent {when}")).format(when=when)
    return gettext(language, N_("Cancelled (was for {when})")).format(when=when)


def line_of(row: AnnouncementRow, zone_name: str, language: str, tier_names: dict[str, str]) -> AnnouncementLine:
    """An announcement's row in `language`; the tier names are the organizer's own."""
    audience = gettext(language, tickets.AUDIENCE_LABELS.get(row.audience, row.audience))
    if row.audience == tickets.TIERS_AUDIENCE:
        removed = gettext(language, N_("removed ticket type"))
        names = ", ".join(tier_names.get(tier_id, removed) for tier_id in row.tier_ids)
        audience = gettext(language, N_("{audience}: {tiers}")).format(audience=audience, tiers=names)
    sent = row.status == AnnouncementStatus.SENT
    recipients = N_("{count} recipient"), N_("{count} recipients")
    return AnnouncementLine(
        id=row.id,
        subject=row.subject,
        audience=audience,
        when=_when(row, zone_name, language),
        recipients=platform.count_words(row.recipients_count, *recipients, language) if sent else "—",
        status=gettext(language, row.status_label),
        can_cancel=row.can_cancel,
    )


class EventAnnouncementsState(FormMixin, AuthState):
    """The Announcements tab (the rest of the page is EventManageState)."""

    lines: list[AnnouncementLine] = []
    announcements_loaded: bool = False
    announcements_problem: str = ""
    tier_choices: list[TierChoice] = []
    timezone: str = ""
    form: AnnouncementForm = AnnouncementForm()
    preview_html: str = ""

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    @rx.var
    def tiers_audience(self) -> bool:
        return self.form.audience == tickets.TIERS_AUDIENCE

    @rx.event
    async def load_announcements(self):
        self.announcements_loaded, self.announcements_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            rows = await call_service(tickets.list_announcements, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.lines, self.announcements_problem, self.announcements_loaded = (
                [],
                error.in_language(self._language()),
                True,
            )
            return
        manage = await self.get_state(EventManageState)
        self.timezone = manage.event.timezone or "UTC"
        self.tier_choices = [TierChoice(id=t.id, name=t.name) for t in manage.tier_rows if t.id]
        names = {choice.id: choice.name for choice in self.tier_choices}
        self.lines = [line_of(row, self.timezone, self._language(), names) for row in rows]
        self.announcements_loaded = True

    @rx.event
    def tab_changed(self, tab: str):
        return EventAnnouncementsState.load_announcements if tab == "announcements" else None

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name not in TEXT_FIELDS:
            return
        self.form = AnnouncementForm(**{**self.form.__dict__, name: str(value)[: TEXT_FIELDS[name]]})
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}
        if name == "body":
            self.preview_html = platform.render_markdown(self.form.body)

    @rx.event
    def set_audience(self, audience: str) -> None:
        self.form = AnnouncementForm(**{**self.form.__dict__, "audience": str(audience)[:32]})
        self.field_errors = {k: v for k, v in self.field_errors.items() if k not in ("audience", "tier_ids")}

    @rx.event
    def toggle_tier(self, tier_id: str, checked: bool) -> None:
        kept = tuple(t for t in self.form.tier_ids if t != tier_id) + ((str(tier_id)[:16],) if checked else ())
        self.form = AnnouncementForm(**{**self.form.__dict__, "tier_ids": kept})
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "tier_ids"}

    @rx.event
    def set_schedule(self, when: str) -> None:
        self.form = AnnouncementForm(**{**self.form.__dict__, "schedule": when == "later"})
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != "send_at"}

    @rx.event
    async def submit(self):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            row = await call_service(
                tickets.create_announcement_from_form, actor=actor, event_id=self._event_ref(), form=self.form
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.form, self.preview_html = False, AnnouncementForm(), ""
        if row.is_queued:
            yield rx.toast.success(self._t(N_("Announcement queued: it goes out to ticket holders within moments.")))
        elif row.can_cancel:
            manage = await self.get_state(EventManageState)
            when = event_when(row.send_at, manage.event.timezone or "UTC", language=self._language())
            yield rx.toast.success(self._t(N_("Announcement scheduled: {when}.")).format(when=when))
        else:
            yield rx.toast.success(
                self._t(N_("Announcement sent to {recipients}.")).format(
                    recipients=platform.count_words(
                        row.recipients_count, N_("{count} recipient"), N_("{count} recipients"), self._language()
                    )
                )
            )
        yield EventAnnouncementsState.load_announcements

    @rx.event
    async def cancel(self, announcement_id: str):
        try:
            actor = await self.require_user()
            await self._limit("general", actor)
            row = await call_service(
                tickets.cancel_announcement,
                actor=actor,
                event_id=self._event_ref(),
                announcement_id=announcement_id,
            )
        except DomainError as error:
            yield self.show_error(error)
            return
        yield rx.toast.success(self._t(N_("“{subject}” cancelled: it will not be sent.")).format(subject=row.subject))
        yield EventAnnouncementsState.load_announcements
