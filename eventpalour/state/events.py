"""Organizer event pages: the workspace's event list (with the creator's unfinished draft) and one
event's management page (edit, tiers, publish, hide, postpone, cancel, delete, duplicate). The
step-by-step creator is state/event_creator.py."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import events, identity
from eventpalour.services.events import EventActions, local_input_value, parse_local
from eventpalour.services.platform import (
    N_,
    DomainError,
    ValidationFailed,
    count_words,
    event_when,
    format_amount,
    message,
)
from eventpalour.state.base import AuthState, call_service, second_factor_words
from eventpalour.state.event_drafts import DraftNoticeMixin
from eventpalour.state.event_form import EventFormMixin, PartnerRow, TierRow
from eventpalour.state.money_text import EventFiguresText, event_figures_text
from eventpalour.state.workspace import workspace_in

# Nothing is offered until the event is loaded.
NO_ACTIONS = EventActions(**{f.name: False for f in fields(EventActions)})


def _when(moment: datetime, timezone: str, language: str) -> str:
    """The manage page's start: "Sat 05 Dec 2026 · 18:00 EAT"; a card's date line in the others."""
    if language != "en":
        return event_when(moment, timezone, language=language)
    local = moment.astimezone(ZoneInfo(timezone))
    return local.strftime("%a %d %b %Y · %H:%M ") + (local.tzname() or "")


def event_in(path: str) -> str:
    """The event's short id in /workspace/{id}/events/{short_id}/…, or ""."""
    parts = path.strip("/").split("/")
    return parts[3] if len(parts) > 3 and parts[0] == "workspace" and parts[2] == "events" else ""


# An event with no city on the list: how it happens, in the organizer's words.
EVENT_TYPES = {"physical": N_("In person"), "online": N_("Online"), "hybrid": N_("Hybrid")}


@dataclass(frozen=True)
class EventListRow:
    short_id: str
    title: str
    status: str
    when: str
    where: str
    pricing: str
    sold_of_capacity: str  # "12 / 100", or "12 / ∞" without a cap
    url: str


@dataclass(frozen=True)
class ManagedEvent:
    """The event at the top of its management page; blank until loaded."""

    id: str = ""
    short_id: str = ""
    title: str = ""
    status: str = ""
    when: str = ""
    timezone: str = ""
    public_url: str = ""
    public_path: str = ""
    scan_path: str = ""
    attendees_path: str = ""
    door_path: str = ""
    tiers: int = 0


class WorkspaceEventsState(DraftNoticeMixin, AuthState):
    """/workspace/{id}/events: filter by status, search, pages."""

    event_rows: list[EventListRow] = []
    total_events: int = 0
    events_page: int = 1
    status_filter: str = ""
    search_text: str = ""
    events_loaded: bool = False

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    @rx.var
    def has_next_page(self) -> bool:
        return self.events_page * events.PAGE_SIZE < self.total_events

    @rx.event
    async def load_events(self):
        self.events_loaded = False
        try:
            actor = await self.require_user()
            rows, total = await call_service(
                events.list_workspace_events,
                actor=actor,
                workspace_id=self._workspace_id(),
                status=self.status_filter,
                search=self.search_text,
                page=self.events_page,
            )
        except DomainError as error:
            self.events_loaded = True
            return self.show_error(error)
        self.event_rows = [
            EventListRow(
                short_id=r.short_id,
                title=r.title,
                status=r.status,
                when=event_when(r.start_at, r.timezone, language=self._language()),
                where=r.city or self._t(EVENT_TYPES.get(r.type, r.type)),
                pricing=r.pricing,
                sold_of_capacity=f"{r.tickets_sold} / {'∞' if r.capacity is None else r.capacity}",
                url=routes.event_manage_url(self._workspace_id(), r.short_id),
            )
            for r in rows
        ]
        self.total_events, self.events_loaded = total, True
        await self._load_draft(actor)
        return None

    @rx.event
    async def filter_status(self, value: str):
        self.status_filter, self.events_page = ("" if value == "all" else value), 1
        return WorkspaceEventsState.load_events

    @rx.event
    async def search(self, value: str):
        self.search_text, self.events_page = value, 1
        return WorkspaceEventsState.load_events

    @rx.event
    async def turn_page(self, step: int):
        self.events_page = max(1, self.events_page + step)
        return WorkspaceEventsState.load_events


class EventManageState(EventFormMixin, AuthState):
    """/workspace/{id}/events/{short_id}: everything about one event for its organizers (its Orders
    tab is EventOrdersState)."""

    event: ManagedEvent = ManagedEvent()
    event_money: EventFiguresText = EventFiguresText()
    # The services' EventActions: what the page offers, so it never re-decides a rule.
    actions: EventActions = NO_ACTIONS
    # Cancelling refunds paid orders, so it may need two-factor first: the page says so ahead.
    cancel_second_factor: identity.SecondFactorNeed = identity.SECOND_FACTOR_NOT_NEEDED
    event_problem: str = ""
    event_loaded: bool = False
    postpone_start: str = ""
    postpone_end: str = ""
    apply_later: bool = False  # save the details to this series' later dates too
    tiers_later: bool = False  # save the tickets to this series' later dates too
    postpone_later: bool = False  # move this series' later dates with this one

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    def _fill(self, details: events.EventDetails) -> None:
        e = details.event
        self.values = {
            "title": e.title,
            "description": e.description,
            "category": details.category,
            "type": e.type,
            "pricing": e.pricing,
            "venue": e.venue or "",
            "city": e.city or "",
            "country": e.country or "",
            "online_link": e.online_link or "",
            "meeting_platform": e.meeting_platform or "zoom",
            "start_local": local_input_value(e.start_at, e.timezone),
            "end_local": local_input_value(e.end_at, e.timezone),
            "timezone": e.timezone,
            "banner_url": e.banner_url or "",
            "currency": e.currency,
            "fee_mode": e.fee_mode,
            "refund_policy": e.refund_policy,
            "refund_days": str(e.refund_days or 7),
            "refund_policy_text": e.refund_policy_text,
            "waitlist_offer_minutes": str(e.waitlist_offer_minutes),
            "sms_tickets": "yes" if e.sms_tickets else "",
        }
        self.tier_rows = [
            TierRow(
                id=t.id,
                name=t.name,
                description=t.description,
                price=format_amount(t.price, e.currency),
                quantity="" if t.quantity is None else str(t.quantity),
                sales_start_local=local_input_value(t.sales_start, e.timezone),
                sales_end_local=local_input_value(t.sales_end, e.timezone),
                max_per_order=str(t.max_per_order),
                hidden=t.hidden,
                waitlist=t.waitlist,
                sold=t.sold,
                held=t.held,
                has_sales=t.has_sales,
                can_delete=t.can_delete,
                can_change_price=t.can_change_price,
            )
            for t in details.tiers
        ]
        self.partner_rows = [PartnerRow(p.name, p.url or "", p.logo_url or "") for p in details.partners]
        self.event = ManagedEvent(
            id=e.id,
            short_id=e.short_id,
            title=e.title,
            status=e.status,
            when=_when(e.start_at, e.timezone, self._language()),
            timezone=e.timezone,
            public_url=settings.app_url + routes.event_url(e.short_id),
            public_path=routes.event_url(e.short_id),
            scan_path=routes.scan_url(e.short_id),
            attendees_path=routes.event_attendees_url(e.workspace_id, e.short_id),
            door_path=routes.event_door_url(e.workspace_id, e.short_id),
            tiers=len(details.tiers),
        )
        self.event_money = event_figures_text(details.money, self._language())
        self.actions = details.actions
        self.cancel_second_factor = second_factor_words(details.cancel_second_factor, self._language())
        self.postpone_start, self.postpone_end = self.values["start_local"], self.values["end_local"]

    @rx.event
    async def load_event(self):
        self.event_loaded, self.event_problem, self.errors, self.apply_later = False, "", {}, False
        self.tiers_later = self.postpone_later = False
        try:
            actor = await self.require_user()
            details = await call_service(events.get_event_by_id, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.event, self.event_problem = ManagedEvent(), error.in_language(self._language())
            self.event_loaded = True
            return
        self._fill(details)
        await self._load_categories()
        await self._load_tier_templates(details.event.workspace_id)
        self.event_loaded = True

    async def _reload(self, message: str) -> list[rx.event.EventSpec]:
        actor = await self.require_user()
        self._fill(await call_service(events.get_event_by_id, actor=actor, event_id=self._event_ref()))
        self.is_saving = False
        return [rx.toast.success(self._t(message))]

    @rx.event
    async def save_details(self):
        self.is_saving = True
        yield
        try:
            actor = await self.require_user()
            await call_service(
                events.update_event,
                actor=actor,
                event_id=self._event_ref(),
                data=self._event_input(),
                later_dates=self.apply_later and self.actions.is_series_date,
            )
            yield await self._reload(N_("Event and its later dates saved.") if self.apply_later else N_("Event saved."))
        except DomainError as error:
            yield self._show_errors(error)

    @rx.event
    async def save_tickets(self):
        self.is_saving = True
        yield
        try:
            actor = await self.require_user()
            if self.tiers_later and self.actions.is_series_date:
                saved = await call_service(
                    events.save_series_tiers, actor=actor, event_id=self._event_ref(), tiers=self._tier_inputs()
                )
                language = self._language()
                later = count_words(saved.later_dates, N_("{count} later date"), N_("{count} later dates"), language)
                yield await self._reload(message(N_("Tickets saved for this date and {later}."), later=later))
                for note in saved.notes:
                    yield rx.toast.info(self._t(note))
                return
            await call_service(events.save_tiers, actor=actor, event_id=self._event_ref(), tiers=self._tier_inputs())
            yield await self._reload(N_("Tickets saved."))
        except DomainError as error:
            yield self._show_errors(error)

    async def _status(self, action: str, message: str, **kwargs: Any) -> list[rx.event.EventSpec]:
        try:
            actor = await self.require_user()
            await call_service(events.change_status, actor=actor, event_id=self._event_ref(), action=action, **kwargs)
            return await self._reload(message)
        except DomainError as error:
            return self._show_errors(error)

    @rx.event
    async def publish(self):
        return await self._status("publish", N_("Published. Your event is live on EventPalour."))

    @rx.event
    async def hide(self):
        return await self._status("hide", N_("Hidden from discovery. Tickets already sold stay valid."))

    @rx.event
    async def cancel_event(self):
        return await self._status(
            "cancel", N_("Event cancelled. Buyers are being refunded and every holder is emailed.")
        )

    @rx.event
    def set_apply_later(self, checked: bool) -> None:
        self.apply_later = bool(checked)

    @rx.event
    def set_tiers_later(self, checked: bool) -> None:
        self.tiers_later = bool(checked)

    @rx.event
    def set_postpone_later(self, checked: bool) -> None:
        self.postpone_later = bool(checked)

    @rx.event
    def set_postpone(self, name: str, value: str) -> None:
        if name == "start":
            self.postpone_start = value
        else:
            self.postpone_end = value

    @rx.event
    async def postpone(self):
        zone = ZoneInfo(self.values["timezone"])
        problems: list = []
        start = parse_local(self.postpone_start, zone, ("start_local",), problems)
        end = parse_local(self.postpone_end, zone, ("end_local",), problems)
        if problems:
            return self._show_errors(ValidationFailed(problems[0].message, details=problems))
        later = self.postpone_later and self.actions.is_series_date
        done = (
            N_("Postponed with its later dates. Ticket holders keep their tickets.")
            if later
            else N_("Postponed. Ticket holders keep their tickets.")
        )
        return await self._status(
            "postpone",
            done,
            new_start=start,
            new_end=end,
            later_dates=later,
        )

    @rx.event
    async def duplicate_event(self):
        """A new draft copying this event (details, partners, tiers; no sales), opened in the editor."""
        try:
            actor = await self.require_user()
            await self._limit("general", actor)  # as POST /api/events/{id}/duplicate
            copy = await call_service(events.duplicate_event, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            return self.show_error(error)
        return [
            rx.toast.success(
                self._t(N_("Copied as a new draft with the dates moved ahead. Check them, then publish."))
            ),
            rx.redirect(routes.event_manage_url(copy.workspace_id, copy.short_id)),
        ]

    @rx.event
    async def delete_event(self):
        try:
            actor = await self.require_user()
            await call_service(events.delete_event, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            return self._show_errors(error)
        events_url = routes.workspace_url(self._workspace_id(), "events")
        return [rx.toast.success(self._t(N_("Event deleted."))), rx.redirect(events_url)]
