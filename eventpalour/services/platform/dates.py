"""Event times for people: always in the event's own time zone, with the zone's short name.

Times are stored as aware UTC; an attendee in Lagos reading about a Nairobi concert needs the
Nairobi wall clock ("Fri 5 Dec · 18:00 EAT"), not their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton

from eventpalour.models.types import utcnow
from eventpalour.services.platform.i18n import DEFAULT_LANGUAGE, format_locale, gettext, language_or_default

DEFAULT_ZONE = "Africa/Nairobi"


def zone(name: str) -> ZoneInfo:
    """The named zone; the platform default for a name this machine does not know."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def _local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))


def _day(local: datetime, *, year: bool, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Fri 5 Dec" in English as before; Babel's "Ijumaa, 5 Des" and "ven. 5 déc." in the others."""
    if language_or_default(language) == DEFAULT_LANGUAGE:
        text = f"{local:%a} {local.day} {local:%b}"
        return f"{text} {local.year}" if year else text
    return format_skeleton(
        "EEEdMMMy" if year else "EEEdMMM", local, tzinfo=local.tzinfo, locale=format_locale(language)
    )


def _needs_year(local: datetime, now: datetime | None) -> bool:
    return local.year != (now or utcnow()).astimezone(local.tzinfo).year


def event_when(
    start_at: datetime, zone_name: str, *, now: datetime | None = None, language: str = DEFAULT_LANGUAGE
) -> str:
    """A card's date line: "Fri 5 Dec · 18:00 EAT" (with the year when it is not this year)."""
    local = _local(start_at, zone_name)
    return f"{_day(local, year=_needs_year(local, now), language=language)} · {local:%H:%M} {local:%Z}"


@dataclass(frozen=True)
class WhenWords:
    """An event's start inside a message's sentence ("Fri 5 Dec · 18:00 EAT"), its day written in the
    reader's language when the message is said (platform/errors.py)."""

    start_at: datetime
    zone_name: str

    def in_language(self, language: str | None) -> str:
        return event_when(self.start_at, self.zone_name, language=language or DEFAULT_LANGUAGE)

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LANGUAGE)


def event_schedule(start_at: datetime, end_at: datetime, zone_name: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The event page's date line: "Fri 5 Dec 2025 · 18:00 – 23:00 EAT", or both days when it spans several.
    The 24-hour clock and the zone's short name read the same in all three languages."""
    start, end = _local(start_at, zone_name), _local(end_at, zone_name)
    first, last = _day(start, year=True, language=language), _day(end, year=True, language=language)
    if start.date() == end.date():
        return f"{first} · {start:%H:%M} – {end:%H:%M} {end:%Z}"
    return f"{first}, {start:%H:%M} – {last}, {end:%H:%M} {end:%Z}"


def sales_start_label(
    sales_start: datetime, zone_name: str, *, now: datetime | None = None, language: str = DEFAULT_LANGUAGE
) -> str:
    """ "Sales start 5 Dec, 18:00" in the event's zone (with the year when it is not this year)."""
    local = _local(sales_start, zone_name)
    if language_or_default(language) == DEFAULT_LANGUAGE:
        year = f" {local.year}" if _needs_year(local, now) else ""
        day = f"{local.day} {local:%b}{year}"
    else:
        skeleton = "dMMMy" if _needs_year(local, now) else "dMMM"
        day = format_skeleton(skeleton, local, tzinfo=local.tzinfo, locale=format_locale(language))
    return gettext(language, "Sales start {day}, {time}").format(day=day, time=f"{local:%H:%M}")


class SalesStartWords(str):
    """ "Sales start 5 Dec, 18:00" as a tier's sale label: it reads as English wherever a plain string
    goes (the first paint, the API), and the event page says it in the reader's language
    (`platform.said`), as the tier's other sale words are."""

    sales_start: datetime
    zone_name: str
    now: datetime | None

    def __new__(cls, sales_start: datetime, zone_name: str, now: datetime | None = None) -> SalesStartWords:
        made = super().__new__(cls, sales_start_label(sales_start, zone_name, now=now))
        made.sales_start, made.zone_name, made.now = sales_start, zone_name, now
        return made

    def __reduce__(self) -> tuple:
        return SalesStartWords, (self.sales_start, self.zone_name, self.now)

    def in_language(self, language: str | None) -> str:
        return sales_start_label(self.sales_start, self.zone_name, now=self.now, language=language_or_default(language))


def date_label(moment: datetime, language: str = DEFAULT_LANGUAGE, zone_name: str = DEFAULT_ZONE) -> str:
    """A day on its own, for "joined", "since", "expires": "5 Dec 2026", "5 Des 2026", "5 déc. 2026"
    (in `zone_name`, the platform's home zone unless the day belongs to an event)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    local = _local(aware, zone_name)
    if language_or_default(language) == DEFAULT_LANGUAGE:
        return f"{local.day} {local:%b %Y}"
    return format_skeleton("dMMMy", local, tzinfo=local.tzinfo, locale=format_locale(language))


def utc_moment(moment: datetime, language: str = DEFAULT_LANGUAGE, *, seconds: bool = False) -> str:
    """A platform moment as admins and integrations read it, in UTC: "5 Dec 2026 18:42 UTC" ("5 Des
    2026", "5 déc. 2026" in the others); to the second for a delivery log."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    clock = f"{aware.astimezone(UTC):%H:%M:%S}" if seconds else f"{aware.astimezone(UTC):%H:%M}"
    return f"{date_label(aware, language, 'UTC')} {clock} UTC"


def short_day(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """A chart's day: "05 Dec", "5 Des", "5 déc."."""
    if language_or_default(language) == DEFAULT_LANGUAGE:
        return f"{day:%d %b}"
    return format_skeleton("dMMM", day, locale=format_locale(language))


def clock(moment: datetime, zone_name: str) -> str:
    """The wall-clock time in the event's zone, as the door reads it: "19:42"."""
    return f"{_local(moment, zone_name):%H:%M}"
