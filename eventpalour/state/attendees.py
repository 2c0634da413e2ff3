"""/workspace/{id}/events/{short_id}/attendees: who holds tickets, who is in, and the CSV export."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import sales, tickets
from eventpalour.services.platform import DomainError, gettext, said
from eventpalour.services.platform import wall_clock as clock
from eventpalour.services.sales import QuestionColumn
from eventpalour.services.tickets import AttendeeFilters, AttendeeRow, CheckInPoint, status_label
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import event_in
from eventpalour.state.workspace import workspace_in


@dataclass(frozen=True)
class AttendeeLine:
    id: str
    code: str
    name: str
    email: str
    tier: str
    payment: str
    payment_label: str
    status: str
    status_label: str
    checked_in_at: str  # the door's local time, "" while not in
    transferred: bool
    can_check_in: bool = False
    can_undo_check_in: bool = False
    answers: list[str] = field(default_factory=list)  # "Question: answer" lines


@dataclass(frozen=True)
class AttendeeEvent:
    """The event whose attendees are listed, and the pages beside it; blank until loaded."""

    id: str = ""
    title: str = ""
    manage_url: str = ""
    scan_url: str = ""


@dataclass(frozen=True)
class TierChoice:
    id: str
    name: str


@dataclass(frozen=True)
class AnswerChoice:
    """An entry of the answer filter: `value` is "<question id>|<answer>"."""

    value: str
    label: str


def answer_choices(questions: list[QuestionColumn], language: str = "en") -> list[AnswerChoice]:
    """The answer filter's entries ("Diet: Vegetarian", "Paid parking: Yes"), Yes/No in `language`."""
    return [
        AnswerChoice(f"{q.id}|{value}", said(language, sales.answer_line(q.label, label)))
        for q in questions
        for value, label in q.choices
    ]


def attendee_line(row: AttendeeRow, zone_name: str, language: str = "en") -> AttendeeLine:
    return AttendeeLine(
        id=row.ticket_id,
        code=row.short_code,
        name=row.attendee_name or row.holder_name,
        email=row.holder_email,
        tier=row.tier_name,
        payment=row.payment,
        payment_label=gettext(language, tickets.PAYMENT_LABELS[row.payment]),
        status=row.ticket_status,
        status_label=status_label(row.ticket_status, language),
        checked_in_at=clock(row.checked_in_at, zone_name) if row.checked_in_at else "",
        transferred=row.transferred,
        can_check_in=row.can_check_in,
        can_undo_check_in=row.can_undo_check_in,
        answers=[said(language, answer) for answer in row.answers],
    )


class AttendeesState(AuthState):
    attendee_rows: list[AttendeeLine] = []
    attendees_total: int = 0
    attendees_page: int = 1
    attendee_event: AttendeeEvent = AttendeeEvent()
    attendee_tiers: list[TierChoice] = []
    progress: list[CheckInPoint] = []
    door_checked_in: int = 0
    door_admissions: int = 0
    tier_filter: str = "all"
    payment_filter: str = "all"
    scan_filter: str = "all"
    answer_filter: str = "all"
    attendee_answer_choices: list[AnswerChoice] = []
    attendee_search: str = ""
    attendees_loaded: bool = False
    attendees_problem: str = ""
    door_busy_ticket: str = ""  # the row whose check-in (or undo) is being sent

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    def _filters(self) -> AttendeeFilters:
        def chosen(value: str) -> str:
            return "" if value == "all" else value

        question_id, _, answer = chosen(self.answer_filter).partition("|")
        return AttendeeFilters(
            tier_id=chosen(self.tier_filter),
            payment=chosen(self.payment_filter),
            scan=chosen(self.scan_filter),
            search=self.attendee_search,
            question_id=question_id,
            answer=answer,
        )

    @rx.var
    def attendees_has_next(self) -> bool:
        return self.attendees_page * tickets.PAGE_SIZE < self.attendees_total

    @rx.var
    def csv_url(self) -> str:
        """The export with the filters on screen; a plain link, so the download is a full page load."""
        event_id = self.attendee_event.id
        if not event_id:
            return ""
        f = self._filters()
        params = {"tier": f.tier_id, "payment": f.payment, "scan": f.scan, "q": f.search}
        params |= {"question": f.question_id, "answer": f.answer}
        return settings.api_url + routes.attendees_csv_url(event_id, params)

    @rx.event
    def reset_filters(self) -> None:
        """on_load: another event's filters and page do not carry over."""
        self.tier_filter = self.payment_filter = self.scan_filter = self.answer_filter = "all"
        self.attendee_search, self.attendees_page, self.attendee_rows, self.progress = "", 1, [], []

    @rx.event
    async def load_attendees(self):
        self.attendees_loaded, self.attendees_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            ref = self._event_ref()
            found = await call_service(
                tickets.event_attendees, actor=actor, event_id=ref, filters=self._filters(), page=self.attendees_page
            )
            points = await call_service(tickets.check_in_progress, actor=actor, event_id=ref)
        except DomainError as error:
            self.attendee_rows, self.attendees_problem, self.attendees_loaded = (
                [],
                error.in_language(self._language()),
                True,
            )
            return
        self.attendee_event = AttendeeEvent(
            id=found.event_id,
            title=found.event_title,
            manage_url=routes.event_manage_url(workspace_in(self.router.url.path), ref),
            scan_url=routes.scan_url(ref),
        )
        self.attendee_rows = [attendee_line(row, found.timezone, self._language()) for row in found.rows]
        self.attendee_tiers = [TierChoice(id=tier_id, name=name) for tier_id, name in found.tiers]
        self.attendee_answer_choices = answer_choices(found.questions, self._language())
        self.attendees_total = found.total
        self.door_checked_in, self.door_admissions = found.checked_in, found.admissions
        self.progress = points
        self.attendees_loaded = True

    def _refilter(self):
        self.attendees_page = 1
        return AttendeesState.load_attendees

    @rx.event
    def filter_tier(self, value: str):
        self.tier_filter = value
        return self._refilter()

    @rx.event
    def filter_payment(self, value: str):
        self.payment_filter = value
        return self._refilter()

    @rx.event
    def filter_scan(self, value: str):
        self.scan_filter = value
        return self._refilter()

    @rx.event
    def filter_answer(self, value: str):
        self.answer_filter = value
        return self._refilter()

    @rx.event
    def search_attendees(self, form: dict[str, str]):
        self.attendee_search = (form.get("search") or "").strip()[:120]
        return self._refilter()

    @rx.event
    def turn_attendee_page(self, step: int):
        self.attendees_page = max(1, self.attendees_page + (1 if step > 0 else -1))
        return AttendeesState.load_attendees

    async def _change_check_in(self, ticket_id: str, *, undo: bool):
        """Check a row in by hand, or undo its check-in; then the list, its counts and the chart again."""
        if self.door_busy_ticket:
            return
        self.door_busy_ticket = ticket_id
        yield
        service = tickets.undo_check_in if undo else tickets.check_in_ticket
        try:
            actor = await self.require_user()
            outcome = await call_service(service, actor=actor, event_id=self._event_ref(), ticket_id=ticket_id)
        except DomainError as error:
            self.door_busy_ticket = ""
            yield self.show_error(error)
            return
        self.door_busy_ticket = ""
        # An undo that was refused raised above; a check-in answers like a scan (e.g. "Already used at 19:42").
        yield (
            rx.toast.success(self._t(outcome.message))
            if undo or outcome.admitted
            else rx.toast.error(self._t(outcome.message))
        )
        yield AttendeesState.load_attendees

    @rx.event
    async def check_in_attendee(self, ticket_id: str):
        async for step in self._change_check_in(ticket_id, undo=False):
            yield step

    @rx.event
    async def undo_attendee_check_in(self, ticket_id: str):
        async for step in self._change_check_in(ticket_id, undo=True):
            yield step
