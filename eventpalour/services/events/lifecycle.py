"""Creating and managing events (SPEC §4): drafts, edits, publishing and the other status changes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, update
from sqlmodel import Session, col, func, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import (
    SELLING_EVENT_STATUSES,
    Category,
    Event,
    EventPartner,
    EventPricing,
    EventStatus,
    KycStatus,
    Order,
    OrderStatus,
    Ticket,
    TicketStatus,
    TicketTier,
    User,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, finance, identity, platform, sales
from eventpalour.services.events.categories import category_named
from eventpalour.services.events.creator import check_new_event, remove_draft
from eventpalour.services.events.discovery import is_public
from eventpalour.services.events.event_rules import (
    DOORS_CLOSE_AFTER_END,
    EventInput,
    TierInput,
    clean_event,
    paid_tiers_refusal,
    refund_policy_fields,
    text_length,
)
from eventpalour.services.events.series_edits import copy_to_later_dates, moved_like
from eventpalour.services.events.series_edits import later_dates as series_later_dates
from eventpalour.services.events.tiers import (
    TierView,
    list_tiers,
    replace_tiers,
    seats_taken,
    tiers_change_refusal,
    to_view,
)
from eventpalour.services.finance import EventSalesTotals, event_money
from eventpalour.services.identity import SecondFactorNeed, UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    PermissionDenied,
    ValidationFailed,
    clean_line,
    event_schedule,
)
from eventpalour.services.sales import release_order
from eventpalour.services.workspaces import WorkspaceAction, allows, load_event_for, load_workspace_for

SHORT_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PAGE_SIZE = 20

# Which status changes each action makes, from which statuses (SPEC §4).
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "publish": ({EventStatus.DRAFT, EventStatus.INACTIVE, EventStatus.POSTPONED}, EventStatus.ACTIVE),
    "hide": ({EventStatus.ACTIVE}, EventStatus.INACTIVE),
    "postpone": ({EventStatus.ACTIVE, EventStatus.INACTIVE, EventStatus.POSTPONED}, EventStatus.POSTPONED),
    "cancel": ({EventStatus.ACTIVE, EventStatus.INACTIVE, EventStatus.POSTPONED}, EventStatus.CANCELLED),
}


TRANSITION_REFUSALS: dict[str, str] = {
    "publish": N_("This event cannot be published: only a draft, hidden or postponed event can."),
    "hide": N_("This event cannot be hidden: only a published event can."),
    "postpone": N_("This event cannot be postponed: only a published, hidden or postponed event can."),
    "cancel": N_("This event cannot be cancelled: only a published, hidden or postponed event can."),
}
"""Why a status change is refused: a whole sentence per change, naming the statuses it starts from
(a status is never a value glued into a sentence: docs/glossary.md)."""


@dataclass(frozen=True)
class EventSummary:
    """One row of the organizer's event list."""

    id: str
    short_id: str
    title: str
    status: str
    start_at: datetime
    timezone: str
    city: str
    type: str
    pricing: str
    tickets_sold: int
    capacity: int | None


def new_short_id(session: Session) -> str:
    """A 6-character id for URLs, without look-alike letters, unique among events."""
    while True:
        candidate = "".join(secrets.choice(SHORT_ID_ALPHABET) for _ in range(6))
        if session.exec(select(Event.id).where(Event.short_id == candidate)).first() is None:
            return candidate


def search_text_for(event: Event, workspace_name: str, category_name: str) -> str:
    """What discovery searches: title, description text, city, country, workspace and category."""
    parts = [event.title, event.description, event.city or "", event.country or "", workspace_name, category_name]
    return " ".join(" ".join(parts).lower().split())[:8000]


def refresh_search_text(session: Session, workspace: Workspace) -> None:
    """Re-index the workspace's events after its name changed (discovery searches by organizer)."""
    names = dict(session.exec(select(Category.id, Category.name)).all())
    for event in session.exec(select(Event).where(Event.workspace_id == workspace.id)):
        event.search_text = search_text_for(event, workspace.name, names.get(event.category_id, ""))


def _apply(session: Session, event: Event, cleaned: dict[str, Any], workspace: Workspace) -> None:
    category = category_named(session, cleaned["category"])
    for name in (
        "title",
        "description",
        "type",
        "pricing",
        "fee_mode",
        "currency",
        "timezone",
        "start_at",
        "end_at",
        "banner_url",
        "venue",
        "city",
        "country",
        "online_link",
        "meeting_platform",
        "refund_policy",
        "refund_days",
        "refund_policy_text",
        "waitlist_offer_minutes",
        "sms_tickets",
    ):
        setattr(event, name, cleaned[name])
    event.category_id = category.id
    event.city_key = (cleaned["city"] or "").lower() or None
    event.search_text = search_text_for(event, workspace.name, category.name)
    event.updated_at = utcnow()
    session.execute(delete(EventPartner).where(col(EventPartner.event_id) == event.id))
    for order, partner in enumerate(cleaned["partners"]):
        session.add(EventPartner(event_id=event.id, sort_order=order, **partner))


def create_event(
    *, actor: UserSummary | None, workspace_id: str, data: EventInput, tiers: list[TierInput] | None = None
) -> Event:
    """Save a new draft event with its tiers, in one transaction (moderator and above); the creator's
    kept draft of this organizer and workspace is done with, so it goes in the same transaction.

    Raises the access errors and ValidationFailed (`check_new_event`: event fields, category, tiers).
    """
    cleaned = check_new_event(data, tiers)
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        event = Event(
            short_id=new_short_id(session),
            workspace_id=workspace_id,
            title=cleaned["title"],
            description=cleaned["description"],
            start_at=cleaned["start_at"],
            end_at=cleaned["end_at"],
            created_by_id=actor.id,
        )
        session.add(event)
        session.flush()
        _apply(session, event, cleaned, access.workspace)
        if tiers:
            replace_tiers(session, event, tiers)
        remove_draft(session, workspace_id=workspace_id, user_id=actor.id)
        admin.record_audit(session, action="event.create", actor_id=actor.id, target=("event", event.id))
        return event


def update_event(*, actor: UserSummary | None, event_id: str, data: EventInput, later_dates: bool = False) -> Event:
    """Save the event form. Pricing and currency are fixed once tickets have been sold or held; a
    changed start must be in the future (`event_rules.start_refusal`). With `later_dates`, the
    details also go to the series' later dates, in the same transaction (series_edits.py)."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        cleaned = clean_event(data, kept_start=event.start_at)
        if refusal := edit_refusal(event.status):
            raise Conflict(refusal)
        if seats_taken(list_tiers(session, event.id)) and (
            cleaned["currency"] != event.currency or cleaned["pricing"] != event.pricing
        ):
            raise ValidationFailed.field("currency", N_("Currency and pricing cannot change after tickets were sold."))
        if (refusal := date_change_refusal(event.status)) and cleaned["start_at"] != event.start_at:
            raise ValidationFailed.field("start_local", refusal)
        workspace = session.get(Workspace, event.workspace_id)
        _apply(session, event, cleaned, workspace)
        if event.status == EventStatus.ACTIVE:
            _check_publishable(session, event, workspace)
        copied = copy_to_later_dates(session, event) if later_dates else 0
        admin.record_audit(
            session,
            action="event.update",
            actor_id=actor.id,
            target=("event", event.id),
            details={"later_dates": copied} if copied else None,
        )
        _emit_event_updated(session, event, change="edited")
        return event


def set_refund_policy(
    *, actor: UserSummary | None, event_id: str, policy: str, days: int | None, text: str = ""
) -> Event:
    """Change only the event's refund policy (the API's; the form saves it with the rest). Moderator
    and above, the same rules as the form. Raises the access errors, Conflict (ended), ValidationFailed."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        if refusal := edit_refusal(event.status):
            raise Conflict(refusal)
        problems: list[FieldError] = []
        typed_days = "" if days is None else str(days)
        cleaned = refund_policy_fields(event.pricing, policy, typed_days, text, problems)
        if problems:
            raise ValidationFailed(problems[0].message, details=problems)
        for name, value in cleaned.items():
            setattr(event, name, value)
        event.updated_at = utcnow()
        admin.record_audit(
            session,
            action="event.refund_policy",
            actor_id=actor.id,
            target=("event", event.id),
            details={"policy": cleaned["refund_policy"], "days": cleaned["refund_days"]},
        )
        return event


def _check_publishable(session: Session, event: Event, workspace: Workspace) -> None:
    """Publishing needs a future event, at least one ticket tier, and approved KYC for paid events."""
    tiers = session.exec(select(TicketTier).where(TicketTier.event_id == event.id)).all()
    problems = []
    if event.end_at <= utcnow():
        problems.append("The event has already ended; change its dates first.")
    if not tiers:
        problems.append("Add at least one ticket tier before publishing.")
    if refusal := paid_tiers_refusal(event.pricing, [t.price for t in tiers]):
        problems.append(refusal)
    if problems:
        raise ValidationFailed(problems[0])
    if event.pricing == EventPricing.PAID and workspace.kyc_status != KycStatus.APPROVED:
        raise PermissionDenied(N_("Paid events can be published once the workspace's KYC is approved."))
    if text_length(event.description) < 10:
        raise ValidationFailed.field("description", N_("Describe the event in at least 10 characters."))


def transition_refusal(status: str, action: str) -> str | None:
    """Why an event in `status` cannot take the status change `action`, or None (SPEC §4)."""
    allowed_from = TRANSITIONS[action][0]
    return None if status in allowed_from else TRANSITION_REFUSALS[action]


def deletion_refusal(status: str, *, seats_taken: int) -> str | None:
    """Why the event cannot be deleted, or None: a draft always can, any other only with no seat sold or
    held (an open hold is a buyer about to pay)."""
    if status != EventStatus.DRAFT and seats_taken > 0:
        return N_("This event has tickets. Cancel it instead, so buyers are refunded.")
    return None


def edit_refusal(status: str) -> str | None:
    """Why the event's details cannot be edited, or None."""
    return N_("A cancelled event cannot be edited.") if status == EventStatus.CANCELLED else None


def date_change_refusal(status: str) -> str | None:
    """Why the event's dates cannot be edited in place, or None: once published, holders must be told."""
    return None if status == EventStatus.DRAFT else N_("Use Postpone to move a published event to new dates.")


@dataclass(frozen=True)
class EventActions:
    """What its organizers may do to the event now, each from the rule that refuses the action itself,
    so the management page offers exactly what would succeed (publishing still checks the event's
    content and KYC when clicked)."""

    can_publish: bool
    can_hide: bool
    can_postpone: bool
    can_cancel: bool
    can_delete: bool
    can_edit: bool
    can_edit_tiers: bool
    can_change_dates: bool
    has_public_page: bool
    is_series_date: bool  # one date of a series: edits may go to its later dates too


def event_actions(event: Event, tiers: list[TicketTier]) -> EventActions:
    """The flags of EventActions for `event` with its `tiers`."""
    return EventActions(
        can_publish=transition_refusal(event.status, "publish") is None,
        can_hide=transition_refusal(event.status, "hide") is None,
        can_postpone=transition_refusal(event.status, "postpone") is None,
        can_cancel=transition_refusal(event.status, "cancel") is None,
        can_delete=deletion_refusal(event.status, seats_taken=seats_taken(tiers)) is None,
        can_edit=edit_refusal(event.status) is None,
        can_edit_tiers=tiers_change_refusal(event.status) is None,
        can_change_dates=date_change_refusal(event.status) is None,
        has_public_page=is_public(event.status),
        is_series_date=event.series_id is not None,
    )


def change_status(
    *,
    actor: UserSummary | None,
    event_id: str,
    action: str,
    new_start: datetime | None = None,
    new_end: datetime | None = None,
    later_dates: bool = False,
) -> Event:
    """Publish, hide, postpone (with new dates) or cancel an event, as SPEC §4 allows. With
    `later_dates`, a postponed date of a series takes its later dates along: each moves on the
    wall clock as this one did (series_edits.moved_like) and its holders are told."""
    if action not in TRANSITIONS:
        raise ValidationFailed.field("action", N_("Unknown status change."))
    target = TRANSITIONS[action][1]
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        if refusal := transition_refusal(event.status, action):
            raise Conflict(refusal)
        workspace = session.get(Workspace, event.workspace_id)
        if action == "cancel":
            _cancel_sales(session, event, actor)
        moved = 0
        if action == "postpone":
            before, following = (event.start_at, event.end_at), series_later_dates(session, event)
            _reschedule(event, new_start, new_end)
            _tell_holders_of_new_dates(session, event)
            if later_dates:
                moved = _move_later_dates(session, event, before, following)
        if target == EventStatus.ACTIVE:
            _check_publishable(session, event, workspace)
            event.published_at = event.published_at or utcnow()
        event.status = target
        event.is_listed = target in SELLING_EVENT_STATUSES
        event.updated_at = utcnow()
        admin.record_audit(
            session,
            action=f"event.{action}",
            actor_id=actor.id,
            target=("event", event.id),
            details={"later_dates": moved} if moved else None,
        )
        _emit_event_updated(session, event, change=_past(action))
        return event


def _move_later_dates(session: Session, event: Event, before: tuple[datetime, datetime], following: list[Event]) -> int:
    """Postpone each later date of the series as `event` was; a draft date just takes its new times."""
    for other in following:
        other.start_at, other.end_at = moved_like(other, before, (event.start_at, event.end_at), event.timezone)
        if transition_refusal(other.status, "postpone") is None:
            other.status, other.is_listed = EventStatus.POSTPONED, EventStatus.POSTPONED in SELLING_EVENT_STATUSES
            _tell_holders_of_new_dates(session, other)
        other.updated_at = utcnow()
        _emit_event_updated(session, other, change="postponed")
    return len(following)


def _emit_event_updated(executor: Session | Connection, event: Event, *, change: str) -> None:
    """`event.updated` for the workspace's webhooks, in the caller's transaction: an edit and every
    status change (published, hidden, postponed, cancelled, completed) alike, so an integration that
    mirrors the event never keeps selling for one that was cancelled. `change` says which it was."""
    platform.emit_webhook(
        executor,
        platform.WebhookEventType.EVENT_UPDATED,
        event_id=event.id,
        subject=f"event:{event.id}",
        data={
            "event_id": event.id,
            "short_id": event.short_id,
            "title": event.title,
            "status": event.status,
            "change": change,
            "start_at": event.start_at.isoformat(),
            "end_at": event.end_at.isoformat(),
            "timezone": event.timezone,
            "venue": event.venue or "",
            "city": event.city or "",
        },
    )


def _cancel_sales(session: Session, event: Event, actor: UserSummary) -> None:
    """Cancelling ends every sale: paid orders are refunded in full (in the background), free
    registrations and unpaid holds are cancelled, and every ticket holder is told."""
    if sales.holds_paid_money(session, event_id=event.id):
        # Refunds move the workspace's money, which SPEC §1.3 leaves to admins and owners, and
        # which #20 §1 guards with two-factor like every other refund.
        load_workspace_for(session, actor, event.workspace_id, WorkspaceAction.MANAGE_BILLING)
        identity.require_second_factor(session, actor, "cancel_event")
    holders = session.exec(
        select(User.email, func.max(Order.amount), func.max(User.language))
        .join(Ticket, col(Ticket.holder_id) == col(User.id))
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .where(Ticket.event_id == event.id, Ticket.status == TicketStatus.VALID)
        .group_by(col(User.email))
    ).all()
    sales.queue_event_refunds(session, event, actor_id=actor.id)
    finance.record_event_cancelled(session.connection(), event.id, utcnow())  # the analytics rollups
    session.execute(
        update(Ticket)
        .where(col(Ticket.event_id) == event.id, col(Ticket.status) == TicketStatus.VALID)
        .values(status=TicketStatus.CANCELLED)
    )
    for order in session.exec(select(Order).where(Order.event_id == event.id, col(Order.holds_active).is_(True))):
        release_order(session.connection(), order.id, OrderStatus.CANCELLED)
    for email, paid, language in holders:
        platform.enqueue(
            session,
            platform.event_cancelled_email(
                email, event.title, refunded=bool(paid), language=platform.language_or_default(language)
            ),
        )


def _tell_holders_of_new_dates(session: Session, event: Event) -> None:
    url = settings.app_url + routes.event_url(event.short_id)
    addresses = session.exec(
        select(User.email, User.language)
        .join(Ticket, col(Ticket.holder_id) == col(User.id))
        .where(Ticket.event_id == event.id, Ticket.status == TicketStatus.VALID)
        .distinct()
    ).all()
    for address, chosen in addresses:
        language = platform.language_or_default(chosen)
        schedule = event_schedule(event.start_at, event.end_at, event.timezone, language)
        platform.enqueue(session, platform.event_postponed_email(address, event.title, schedule, url, language))


def _past(action: str) -> str:
    return {"publish": "published", "hide": "hidden", "postpone": "postponed", "cancel": "cancelled"}[action]


def _reschedule(event: Event, new_start: datetime | None, new_end: datetime | None) -> None:
    if new_start is None or new_end is None:
        raise ValidationFailed.field("start_local", N_("Choose the new start and end."))
    if new_end <= new_start:
        raise ValidationFailed.field("end_local", N_("The event must end after it starts."))
    if new_end <= utcnow():
        raise ValidationFailed.field("end_local", N_("The new dates must be in the future."))
    event.start_at, event.end_at = new_start, new_end


def delete_event(*, actor: UserSummary | None, event_id: str) -> None:
    """Delete a draft, or any event nobody has bought or registered for; otherwise cancel it."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        if refusal := deletion_refusal(event.status, seats_taken=seats_taken(list_tiers(session, event.id))):
            raise Conflict(refusal)
        finance.forget_event_sums(session.connection(), event.id)  # the workspace-wide sums outlive it
        session.delete(event)
        admin.record_audit(session, action="event.delete", actor_id=actor.id, target=("event", event_id))


def list_workspace_events(
    *, actor: UserSummary | None, workspace_id: str, status: str = "", search: str = "", page: int = 1
) -> tuple[list[EventSummary], int]:
    """A page of the workspace's events (any member), newest start first; returns rows and total."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW)
        query = select(Event).where(Event.workspace_id == workspace_id)
        if status:
            query = query.where(Event.status == status)
        needle = clean_line(search).lower()
        if needle:
            query = query.where(col(Event.search_text).contains(needle))
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        events = session.exec(
            query.order_by(col(Event.start_at).desc()).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
        counts = _tier_totals(session, [e.id for e in events])
    return [
        EventSummary(
            e.id,
            e.short_id,
            e.title,
            e.status,
            e.start_at,
            e.timezone,
            e.city or "",
            e.type,
            e.pricing,
            *counts.get(e.id, (0, 0)),
        )
        for e in events
    ], total


def _tier_totals(session: Session, event_ids: list[str]) -> dict[str, tuple[int, int | None]]:
    """Tickets sold and total capacity (None when any tier is unlimited) per event."""
    if not event_ids:
        return {}
    tiers = session.exec(select(TicketTier).where(col(TicketTier.event_id).in_(event_ids))).all()
    totals: dict[str, tuple[int, int | None]] = {}
    for tier in tiers:
        sold, capacity = totals.get(tier.event_id, (0, 0))
        capacity = None if capacity is None or tier.quantity is None else capacity + tier.quantity
        totals[tier.event_id] = (sold + tier.sold, capacity)
    return totals


@dataclass(frozen=True)
class EventDetails:
    """An event with its partners and every tier, as its organizers see and edit it."""

    event: Event
    category: str
    partners: list[EventPartner]
    tiers: list[TierView]
    role: str
    actions: EventActions
    money: EventSalesTotals
    cancel_second_factor: SecondFactorNeed  # cancelling refunds paid orders: the page says so before the click


def get_event_by_id(*, actor: UserSummary | None, event_id: str) -> EventDetails:
    """The event (by id or short id) for any member of its workspace."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW)
        access = load_workspace_for(session, actor, event.workspace_id, WorkspaceAction.VIEW)
        category = session.get(Category, event.category_id) if event.category_id else None
        partners = list(
            session.exec(
                select(EventPartner).where(EventPartner.event_id == event.id).order_by(col(EventPartner.sort_order))
            )
        )
        tiers = list_tiers(session, event.id)
        return EventDetails(
            event=event,
            category=category.name if category else "",
            partners=partners,
            tiers=[to_view(t) for t in tiers],
            role=access.role,
            actions=event_actions(event, tiers),
            money=event_money(session, event.id, event.currency),
            cancel_second_factor=cancel_second_factor(session, actor, event, access.role),
        )


def cancel_second_factor(session: Session, actor: UserSummary, event: Event, role: str) -> SecondFactorNeed:
    """Whether cancelling `event` would ask the actor for two-factor first (`_cancel_sales`'s rule).
    Not for a role that may not refund at all: the refusal it gets names the role, not two-factor."""
    if transition_refusal(event.status, "cancel") or not allows(role, WorkspaceAction.MANAGE_BILLING):
        return identity.SECOND_FACTOR_NOT_NEEDED
    if not sales.holds_paid_money(session, event_id=event.id):
        return identity.SECOND_FACTOR_NOT_NEEDED
    return identity.second_factor_need(session, actor, "cancel_event")


def local_input_value(moment: datetime | None, timezone: str) -> str:
    """An aware UTC time as the form's local `YYYY-MM-DDTHH:MM` in the event's zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def complete_finished_events() -> int:
    """Events that ended leave the listing at once; those whose door has closed too (their end plus
    DOORS_CLOSE_AFTER_END) become `completed`, and the tickets nobody used `expired`, in the same
    transaction. Returns how many events were completed."""
    running = (EventStatus.ACTIVE, EventStatus.INACTIVE, EventStatus.POSTPONED)
    with transaction() as session:
        session.execute(
            update(Event)
            .where(col(Event.is_listed).is_(True), Event.end_at < utcnow(), col(Event.status).in_(running))
            .values(is_listed=False, updated_at=utcnow())
        )
        finished = session.exec(
            select(Event).where(col(Event.status).in_(running), Event.end_at < utcnow() - DOORS_CLOSE_AFTER_END)
        ).all()
        if not finished:
            return 0
        completed = 0
        for event in finished:
            # One conditional update per event (a few a day): only the worker whose update moved it
            # tells the webhooks, so two workers never both send its `completed`.
            moved = session.execute(
                update(Event)
                .where(col(Event.id) == event.id, col(Event.status).in_(running))
                .values(status=EventStatus.COMPLETED, is_listed=False, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved == 1:
                event.status = EventStatus.COMPLETED
                _emit_event_updated(session, event, change="completed")
                completed += 1
        session.execute(
            update(Ticket)
            .where(col(Ticket.event_id).in_([event.id for event in finished]), col(Ticket.status) == TicketStatus.VALID)
            .values(status=TicketStatus.EXPIRED)
        )
        return completed
