"""How a series' dates are worked out (#22 §3): a daily, weekly or monthly rule (dateutil's rrule,
RFC 5545 semantics) or a list of dates, expanded on the event's wall clock.

Expansion happens in the event's time zone on naive local times and only then becomes UTC, so an
event at 18:00 stays at 18:00 local across a daylight-saving change (its UTC hour moves instead).
A monthly rule from the 31st skips months without one, as RFC 5545 says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from itertools import islice

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule

from eventpalour.models import SeriesRule
from eventpalour.services.platform import (
    N_,
    CountWords,
    FieldError,
    Figure,
    Joined,
    Message,
    ValidationFailed,
    time_zone,
)

MAX_OCCURRENCES = 100
"""A series holds at most this many dates, the first event included (#22 §3: up to 100 occurrences)."""
MAX_INTERVAL = 12
FREQUENCIES = {SeriesRule.DAILY: DAILY, SeriesRule.WEEKLY: WEEKLY, SeriesRule.MONTHLY: MONTHLY}
RULE_LABELS = {
    SeriesRule.DAILY: (N_("Every day"), N_("Every {count} days")),
    SeriesRule.WEEKLY: (N_("Every week"), N_("Every {count} weeks")),
    SeriesRule.MONTHLY: (N_("Every month"), N_("Every {count} months")),
}
"""How often a series repeats, in words: once every period, every {count} periods."""


@dataclass(frozen=True)
class SeriesInput:
    """How to repeat an event, as typed: a `rule` with `interval` and either an inclusive local end
    date `until_date` (YYYY-MM-DD) or a `count` of dates (the first event counted); or rule `dates`
    with the extra local `dates` (each at the first event's local time)."""

    rule: str
    interval: int = 1
    until_date: str = ""
    count: int | None = None
    dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Occurrence:
    """One date of the series as aware UTC times."""

    start_at: datetime
    end_at: datetime


def _read_date(text: str, field: str, problems: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.append(FieldError((field,), N_("Enter a date as YYYY-MM-DD.")))
        return None


def _rule_starts(first: datetime, data: SeriesInput, problems: list[FieldError]) -> list[datetime]:
    """Naive local starts from the rule (the first included), or [] with the problems noted."""
    if not 1 <= data.interval <= MAX_INTERVAL:
        problems.append(FieldError(("interval",), N_("Repeat every 1 to {count}."), {"count": MAX_INTERVAL}))
    if bool(data.until_date.strip()) == (data.count is not None):
        problems.append(FieldError(("until_date",), N_("Choose an end date or a number of dates.")))
        return []
    until = None
    if data.count is not None and not 2 <= data.count <= MAX_OCCURRENCES:
        problems.append(FieldError(("count",), N_("Choose 2 to {count} dates."), {"count": MAX_OCCURRENCES}))
    if data.until_date.strip():
        until = _read_date(data.until_date, "until_date", problems)
        if until is not None and until <= first.date():
            problems.append(FieldError(("until_date",), N_("Choose an end date after the first date.")))
    if problems:
        return []
    end = datetime.combine(until, time.max) if until else None
    rule = rrule(FREQUENCIES[data.rule], dtstart=first, interval=data.interval, count=data.count, until=end)
    starts = list(islice(rule, MAX_OCCURRENCES + 1))
    if len(starts) > MAX_OCCURRENCES:
        problems.append(
            FieldError(
                ("until_date",),
                N_("A series has at most {count} dates; choose an earlier end date."),
                {"count": MAX_OCCURRENCES},
            )
        )
    elif len(starts) < 2:
        problems.append(FieldError(("until_date",), N_("No other date falls before that end date.")))
    return starts


def _listed_starts(first: datetime, data: SeriesInput, problems: list[FieldError]) -> list[datetime]:
    """Naive local starts from picked dates, each at the first event's local time."""
    days = [day for text in data.dates if (day := _read_date(text, "dates", problems)) is not None]
    if problems:
        return []
    if not days:
        problems.append(FieldError(("dates",), N_("Pick at least one more date.")))
    elif len(set(days)) != len(days):
        problems.append(FieldError(("dates",), N_("Pick each date once.")))
    elif min(days) <= first.date():
        problems.append(FieldError(("dates",), N_("Pick dates after {day}."), {"day": f"{first:%Y-%m-%d}"}))
    elif len(days) + 1 > MAX_OCCURRENCES:
        problems.append(FieldError(("dates",), N_("A series has at most {count} dates."), {"count": MAX_OCCURRENCES}))
    return [first] + [datetime.combine(day, first.time()) for day in sorted(days)] if not problems else []


def expand_series(start_at: datetime, end_at: datetime, timezone: str, data: SeriesInput) -> list[Occurrence]:
    """Every date of the series, the first event's own first; each keeps the first's local start
    time and wall-clock length. Raises ValidationFailed with every problem (field paths as typed)."""
    place = time_zone(timezone)
    first = start_at.astimezone(place).replace(tzinfo=None)
    length = end_at.astimezone(place).replace(tzinfo=None) - first
    problems: list[FieldError] = []
    if data.rule in FREQUENCIES:
        starts = _rule_starts(first, data, problems)
    elif data.rule == SeriesRule.DATES:
        starts = _listed_starts(first, data, problems)
    else:
        starts = []
        problems.append(FieldError(("rule",), N_("Choose daily, weekly, monthly or a list of dates.")))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return [Occurrence(_utc(local, place), _utc(local + length, place)) for local in starts]


def _utc(local: datetime, place: tzinfo) -> datetime:
    # fold=0: an hour that happens twice (clocks going back) is its first pass; an hour that never
    # happens (clocks going forward) is read with the offset before the change, as zoneinfo does.
    return local.replace(tzinfo=place).astimezone(UTC)


def rule_label(rule: str, interval: int, count: int) -> str:
    """ "Every week · 4 dates", "Every 2 months · 6 dates", "Picked dates · 3 dates": English as a
    plain string (the API), said in the reader's language on the page (`platform.said`)."""
    if rule in RULE_LABELS:
        one, many = RULE_LABELS[rule]
        every = Message(one) if interval == 1 else Message(many, count=Figure(interval))
    else:
        every = Message(N_("Picked dates"))
    return Joined([every, CountWords(count, N_("{count} date"), N_("{count} dates"))], " · ")
