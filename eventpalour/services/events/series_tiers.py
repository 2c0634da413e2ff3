"""Ticket edits for "this and all future dates" of a series (#22 §3): the tiers editor's save on
one date, carried to the series' later dates that can still change.

Tiers are matched by name (the edited date's names before the save, so a rename carries over).
Each later date takes the price, description, limits, visibility and waitlist switch, its sales
window moved with its own start, and the quantity through the same conditional UPDATE as any
save (never below what that date sold or holds: a field error naming the date). A tier added on
the edited date is added to the later dates (nothing sold); a tier removed from it goes from the
later dates that sold none of it, and is hidden on those that did. A later date's price that its
own sales froze stays, and the organizer is told. Orders keep what they paid: prices live on
their lines, not read back from the tier.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from eventpalour.models import Event, TicketTier
from eventpalour.services.events.copies import COPIED_TIER_FIELDS
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.series_edits import later_dates
from eventpalour.services.events.tiers import (
    TiersSaved,
    delete_unsold,
    has_sales,
    list_tiers,
    price_change_refusal,
    save_tiers_with,
    set_quantity,
)
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import event_when

FOLLOWED_FIELDS = ("name", "description", "max_per_order", "hidden", "waitlist")


def save_series_tiers(*, actor: UserSummary | None, event_id: str, tiers: list[TierInput]) -> TiersSaved:
    """The tiers editor's save for this date and every later date of its series (moderator and
    above), in one transaction. Raises what `save_tiers` raises; ValidationFailed names the later
    date whose sales a quantity would go below."""
    return save_tiers_with(actor, event_id, tiers, copy_tiers_to_later_dates)


def copy_tiers_to_later_dates(session: Session, event: Event, old_names: dict[str, str]) -> tuple[list[str], list[str]]:
    """Give the series' later dates `event`'s tiers (already saved); `old_names` are its tier names
    before the save, by id. Returns the later dates' ids and notes of what they kept."""
    session.flush()
    source = list_tiers(session, event.id)
    removed_names = set(old_names.values()) - {old_names.get(tier.id, tier.name) for tier in source}
    changed, notes = [], []
    for other in later_dates(session, event):
        label = event_when(other.start_at, other.timezone)
        shift = other.start_at - event.start_at
        theirs = {tier.name: tier for tier in list_tiers(session, other.id)}
        for index, tier in enumerate(source):
            match = theirs.pop(old_names.get(tier.id, tier.name), None)
            if match is None:
                fields = {name: getattr(tier, name) for name in (*COPIED_TIER_FIELDS, "waitlist")}
                session.add(TicketTier(event_id=other.id, **{**fields, "sort_order": index}, **_window(tier, shift)))
                continue
            if tier.price != match.price and price_change_refusal(match):
                notes.append(f"{label}: {match.name} keeps its price, as tickets were already sold.")
            else:
                match.price = tier.price
            for name in FOLLOWED_FIELDS:
                setattr(match, name, getattr(tier, name))
            match.sort_order = index
            for name, value in _window(tier, shift).items():
                setattr(match, name, value)
            session.flush()
            set_quantity(session, match, tier.quantity, index, date_label=label)
        for name in removed_names:
            if (gone := theirs.get(name)) is None:
                continue
            if has_sales(gone):
                gone.hidden = True
                notes.append(f"{label}: {gone.name} is hidden rather than removed, as tickets were sold.")
            else:
                delete_unsold(session, gone)
        changed.append(other.id)
    session.flush()
    return changed, notes


def _window(tier: TicketTier, shift: timedelta) -> dict[str, datetime | None]:
    """The tier's sales window, moved as far as the later date's start is from the edited date's."""
    return {
        "sales_start": tier.sales_start + shift if tier.sales_start else None,
        "sales_end": tier.sales_end + shift if tier.sales_end else None,
    }
