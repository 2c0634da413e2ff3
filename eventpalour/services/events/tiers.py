"""The ticket tiers of an event (SPEC §4): the editor's save, with the rules that protect sales.

A tier with sales cannot be deleted, its price is frozen once anything is sold or held, and its
quantity never drops below what is sold plus held; that last check is a conditional UPDATE so a
checkout holding seats at the same moment cannot slip under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import ENDED_EVENT_STATUSES, TIER_SEATS, Event, EventStatus, TicketTier
from eventpalour.services import admin, sales
from eventpalour.services.events.event_rules import MAX_TIERS, TierInput, clean_tier
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, FieldError, ValidationFailed, message
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

_HAS_SALES = N_("{name} has sales and cannot be deleted. Hide it or set its quantity instead.")


class HasSeats(Protocol):
    """A tier as stored or as viewed: enough to decide what may still change."""

    name: str
    seats_taken: int


def seats_taken(tiers: Iterable[HasSeats]) -> int:
    """Seats sold or held across `tiers`, each tier's `seats_taken` as the database works it out."""
    return sum(t.seats_taken for t in tiers)


def has_sales(tier: HasSeats) -> bool:
    """A seat of the tier is sold or held (an open hold counts: its buyer may pay any moment)."""
    return tier.seats_taken > 0


def deletion_refusal(tier: HasSeats) -> str | None:
    """Why the tier cannot be deleted, or None: nothing may be sold or held (the delete re-checks in SQL)."""
    return message(_HAS_SALES, name=tier.name) if has_sales(tier) else None


def price_change_refusal(tier: HasSeats) -> str | None:
    """Why the tier's price is fixed, or None: a price stays what its buyers (and holders) were quoted."""
    if has_sales(tier):
        return message(N_("The price of {name} is fixed: tickets were already sold."), name=tier.name)
    return None


def tiers_change_refusal(event_status: str) -> str | None:
    """Why the event's tiers cannot change any more, or None."""
    if event_status in ENDED_EVENT_STATUSES:
        return ENDED_TIERS_REFUSALS.get(event_status, N_("The tickets of an ended event cannot change."))
    return None


# One whole sentence per ended status, so each language words the status its own way.
ENDED_TIERS_REFUSALS = {
    EventStatus.CANCELLED: N_("The tickets of a cancelled event cannot change."),
    EventStatus.COMPLETED: N_("The tickets of a completed event cannot change."),
}


@dataclass(frozen=True)
class TierView:
    """A tier for its organizers. `seats_taken` (sold + held) and `available` (seats left, None when
    unlimited) are the database's figures (models/event.py, `TierSeats`)."""

    id: str
    name: str
    description: str
    price: int
    quantity: int | None
    sold: int
    held: int
    seats_taken: int
    available: int | None
    sales_start: datetime | None
    sales_end: datetime | None
    max_per_order: int
    hidden: bool
    sort_order: int
    waitlist: bool = False

    @property
    def has_sales(self) -> bool:
        return has_sales(self)

    @property
    def can_delete(self) -> bool:
        return deletion_refusal(self) is None

    @property
    def can_change_price(self) -> bool:
        return price_change_refusal(self) is None


def to_view(tier: TicketTier) -> TierView:
    return TierView(
        tier.id,
        tier.name,
        tier.description,
        tier.price,
        tier.quantity,
        tier.sold,
        tier.held,
        tier.seats_taken,
        tier.seats_left,
        tier.sales_start,
        tier.sales_end,
        tier.max_per_order,
        tier.hidden,
        tier.sort_order,
        tier.waitlist,
    )


def list_tiers(session: Session, event_id: str) -> list[TicketTier]:
    return list(
        session.exec(select(TicketTier).where(TicketTier.event_id == event_id).order_by(col(TicketTier.sort_order)))
    )


def get_tiers(*, actor: UserSummary | None, event_id: str) -> list[TierView]:
    """Every tier of the event, hidden ones included, for its organizers."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW)
        return [to_view(t) for t in list_tiers(session, event.id)]


def set_quantity(session: Session, tier: TicketTier, quantity: int | None, index: int, date_label: str = "") -> None:
    """Change the pool only if it still fits the seats taken, decided inside this transaction. A
    refusal is a field error on the tier's quantity, naming the date (`date_label`) when another
    date of a series is the one refusing."""
    if quantity == tier.quantity:
        return
    statement = update(TicketTier).where(col(TicketTier.id) == tier.id).values(quantity=quantity)
    if quantity is not None:
        statement = statement.where(TIER_SEATS.taken <= quantity)
    changed = session.execute(statement).rowcount == 1
    session.refresh(tier)  # the counters and the seat figures as they are now, for the message or the view
    if not changed:
        values = {"tier": tier.name, "count": tier.seats_taken, "day": date_label}
        refusal = (
            N_("On {day}, {tier} already has {count} sold or reserved; offer at least that many.")
            if date_label
            else N_("{tier} already has {count} sold or reserved; offer at least that many.")
        )
        said = {name: value for name, value in values.items() if "{" + name + "}" in refusal}
        raise ValidationFailed(refusal, details=[FieldError(("tiers", index, "quantity"), refusal, said)], values=said)


def _update_existing(session: Session, tier: TicketTier, cleaned: dict, index: int) -> None:
    refusal = price_change_refusal(tier)
    if refusal and cleaned["price"] != tier.price:
        raise ValidationFailed(refusal, details=[FieldError(("tiers", index, "price"), refusal)])
    quantity = cleaned.pop("quantity")
    for name, value in cleaned.items():
        setattr(tier, name, value)
    tier.sort_order = index
    session.flush()
    set_quantity(session, tier, quantity, index)


def check_tiers(
    tiers: list[TierInput], *, pricing: str, currency: str, timezone: str, event_end: datetime
) -> list[dict]:
    """Every field rule of every tier at once (before an event exists, e.g. a form's step)."""
    if len(tiers) > MAX_TIERS:
        raise ValidationFailed.field("tiers", N_("An event can have at most {count} ticket tiers."), count=MAX_TIERS)
    zone = ZoneInfo(timezone)
    problems: list[FieldError] = []
    cleaned_all = []
    for index, data in enumerate(tiers):
        try:
            cleaned_all.append(
                clean_tier(data, index=index, pricing=pricing, currency=currency, zone=zone, event_end=event_end)
            )
        except ValidationFailed as failure:
            problems.extend(failure.details)
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return cleaned_all


def replace_tiers(session: Session, event: Event, tiers: list[TierInput]) -> None:
    """Make the event's tiers exactly `tiers` (kept ones carry their id), in that order, in `session`."""
    if refusal := tiers_change_refusal(event.status):
        raise Conflict(refusal)
    cleaned_all = check_tiers(
        tiers, pricing=event.pricing, currency=event.currency, timezone=event.timezone, event_end=event.end_at
    )
    existing = {t.id: t for t in list_tiers(session, event.id)}
    kept = {data.id for data in tiers if data.id}
    for tier in existing.values():
        if tier.id not in kept:
            delete_unsold(session, tier)
    for index, (data, cleaned) in enumerate(zip(tiers, cleaned_all, strict=True)):
        if data.id and data.id in existing:
            _update_existing(session, existing[data.id], cleaned, index)
        else:
            session.add(TicketTier(event_id=event.id, sort_order=index, **cleaned))
    session.flush()
    if event.status == EventStatus.ACTIVE and not list_tiers(session, event.id):
        raise ValidationFailed.field("tiers", N_("A published event needs at least one ticket tier."))


@dataclass(frozen=True)
class TiersSaved:
    """The tiers editor's save: the event's tiers now, and for "this and later dates" of a series how
    many later dates took the change and what they kept (a price frozen by their own sales)."""

    tiers: list[TierView]
    later_dates: int = 0
    notes: list[str] = field(default_factory=list)


def save_tiers(*, actor: UserSummary | None, event_id: str, tiers: list[TierInput]) -> list[TierView]:
    """The tiers editor's save (moderator and above): replace the event's tiers with `tiers`."""
    return save_tiers_with(actor, event_id, tiers, None).tiers


# What else a save changes, in its transaction: given the event and its tiers' names before the
# save (id -> name), the ids of the other events whose tiers changed and notes for the organizer.
FollowUp = Callable[[Session, Event, dict[str, str]], tuple[list[str], list[str]]]


def save_tiers_with(
    actor: UserSummary | None, event_id: str, tiers: list[TierInput], follow_up: FollowUp | None
) -> TiersSaved:
    """`save_tiers`, then `follow_up` in the same transaction (a series' later dates: series_tiers.py)."""
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        old_names = {tier.id: tier.name for tier in list_tiers(session, event.id)}
        replace_tiers(session, event, tiers)
        changed_events, notes = [event.id], []
        if follow_up is not None:
            later, notes = follow_up(session, event, old_names)
            changed_events += later
        # A raised quantity (or a waitlist switched on) may free seats: the line gets them first,
        # while this transaction still holds the tier rows it changed.
        with_waitlist = [tier.id for e in changed_events for tier in list_tiers(session, e) if tier.waitlist]
        if with_waitlist and sales.offer_waitlist_seats_now(session.connection(), with_waitlist):
            session.expire_all()  # the offers changed the tiers' held counters
        details = {"later_dates": len(changed_events) - 1} if follow_up else None
        admin.record_audit(
            session, action="event.tiers", actor_id=actor.id, target=("event", event.id), details=details
        )
        return TiersSaved([to_view(t) for t in list_tiers(session, event.id)], len(changed_events) - 1, notes)


def delete_unsold(session: Session, tier: TicketTier) -> None:
    """Remove a tier only while nothing is sold or held: `deletion_refusal` decides, and the statement
    repeats its condition so a checkout holding a seat at the same moment cannot slip past it."""
    if refusal := deletion_refusal(tier):
        raise Conflict(refusal)
    removed = session.execute(delete(TicketTier).where(col(TicketTier.id) == tier.id, TIER_SEATS.taken == 0)).rowcount
    if removed != 1:
        raise Conflict(_HAS_SALES, values={"name": tier.name})
    session.expunge(tier)


__all__ = [
    "TierView",
    "TiersSaved",
    "deletion_refusal",
    "get_tiers",
    "list_tiers",
    "price_change_refusal",
    "save_tiers",
    "seats_taken",
    "tiers_change_refusal",
]
