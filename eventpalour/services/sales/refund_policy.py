"""An event's refund policy (#19 §5): the window in which a buyer may ask for their money back,
and the words every page and email shows for it. The one place these are decided.

"Until N days before the start" counts calendar days on the event's own wall clock: for an event
at Fri 5 Dec 18:00 in Nairobi, 7 days before is Fri 28 Nov 18:00 Nairobi time, whatever zone the
buyer is in and across a change of daylight saving time in the event's zone. Requests are
accepted strictly before that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from eventpalour.models import RefundPolicy
from eventpalour.services.platform import DEFAULT_LANGUAGE, N_, Conflict, event_when, gettext, time_zone


@dataclass(frozen=True)
class RefundTerms:
    """An event's refund policy as stored: the kind, the days (DAYS_BEFORE only), the organizer's text."""

    policy: str
    days: int | None
    start_at: datetime
    timezone: str
    text: str = ""


class HasRefundPolicy(Protocol):
    """An event's row, or a read of it carrying the policy's columns (the confirmation email's)."""

    refund_policy: str
    refund_days: int | None
    refund_policy_text: str
    start_at: datetime
    timezone: str


def terms_of(event: HasRefundPolicy) -> RefundTerms:
    return RefundTerms(
        policy=event.refund_policy,
        days=event.refund_days,
        start_at=event.start_at,
        timezone=event.timezone,
        text=event.refund_policy_text,
    )


class HasOrderPolicy(Protocol):
    """An order row: the policy kept when it was placed (None on orders placed before that)."""

    refund_policy: str | None
    refund_days: int | None
    refund_policy_text: str | None


def order_terms(order: HasOrderPolicy, event: HasRefundPolicy) -> RefundTerms:
    """The refund terms an order is judged by: the policy it was placed under, counted from the
    event's start; an order from before policies were kept on orders follows the event's own."""
    if order.refund_policy is None:
        return terms_of(event)
    return RefundTerms(
        policy=order.refund_policy,
        days=order.refund_days,
        start_at=event.start_at,
        timezone=event.timezone,
        text=order.refund_policy_text or "",
    )


def refund_deadline(terms: RefundTerms) -> datetime | None:
    """The moment refund requests close (aware UTC), or None when the event offers no refunds."""
    if terms.policy == RefundPolicy.UNTIL_START:
        return terms.start_at
    if terms.policy == RefundPolicy.DAYS_BEFORE and terms.days is not None:
        zone = time_zone(terms.timezone)
        # Arithmetic on an aware local time keeps the wall clock (18:00 stays 18:00 over a DST
        # change); converting back to UTC afterwards gives the real moment.
        local_deadline = terms.start_at.astimezone(zone) - timedelta(days=terms.days)
        return local_deadline.replace(fold=0).astimezone(UTC)
    return None


@dataclass(frozen=True)
class DeadlineWords:
    """When refund requests closed, as a message's value: said in the reader's language when the
    message is (platform/errors.py), on the event's own clock."""

    deadline: datetime
    timezone: str
    now: datetime

    def in_language(self, language: str | None) -> str:
        return event_when(self.deadline, self.timezone, now=self.now, language=language or DEFAULT_LANGUAGE)

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LANGUAGE)


def window_refusal(terms: RefundTerms, now: datetime) -> Conflict | None:
    """Why the policy does not allow a refund request at `now`, or None when it does."""
    deadline = refund_deadline(terms)
    if deadline is None:
        return Conflict(N_("This event does not offer refunds."))
    if now < deadline:
        return None
    if terms.policy == RefundPolicy.UNTIL_START:
        return Conflict(N_("Refund requests closed when the event started."))
    return Conflict(
        N_("Refund requests for this event closed on {when}."),
        values={"when": DeadlineWords(deadline, terms.timezone, now)},
    )


def policy_summary(terms: RefundTerms, *, now: datetime | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """The policy in one line in the reader's `language`, e.g. "Refunds can be requested until 7 days
    before the event (until Fri 28 Nov · 18:00 EAT)."."""
    deadline = refund_deadline(terms)
    if deadline is None:
        return gettext(language, "No refunds.")
    when = event_when(deadline, terms.timezone, now=now, language=language)
    if terms.policy == RefundPolicy.UNTIL_START:
        return gettext(language, "Refunds can be requested until the event starts ({when}).").format(when=when)
    days = terms.days or 0
    if days == 1:
        return gettext(language, "Refunds can be requested until 1 day before the event (until {when}).").format(
            when=when
        )
    return gettext(language, "Refunds can be requested until {days} days before the event (until {when}).").format(
        days=days, when=when
    )


@dataclass(frozen=True)
class RefundPolicyView:
    """What the event page, the checkout panel and the confirmation email show."""

    summary: str
    text: str  # the organizer's own words ("" none)

    @property
    def lines(self) -> tuple[str, ...]:
        return (self.summary, self.text) if self.text else (self.summary,)


def policy_view(
    terms: RefundTerms, *, now: datetime | None = None, language: str = DEFAULT_LANGUAGE
) -> RefundPolicyView:
    return RefundPolicyView(summary=policy_summary(terms, now=now, language=language), text=terms.text)
