"""Event times for people: always in the event's own time zone, with the zone's short name.

Times are stored as aware UTC; an attendee in Lagos reading about a Nairobi concert needs the
Nairobi wall clock ("Fri 5 Dec · 18:00 EAT"), not their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
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


def utc_moment(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """A moment of the reader's own account (a session's sign-in, its last use) on the UTC clock, no
    event's zone to read it in: "06 Dec 2026, 13:24 UTC", "6 Des 2026, 13:24 UTC", "6 déc. 2026, 13:24 UTC"."""
    at = moment.astimezone(UTC)
    if language_or_default(language) == DEFAULT_LANGUAGE:
        return at.strftime("%d %b %Y, %H:%M UTC")
    day = format_skeleton("dMMMy", at, tzinfo=UTC, locale=format_locale(language))
    return f"{day}, {at:%H:%M} UTC"


def clock(moment: datetime, zone_name: str) -> str:
    """The wall-clock time in the event's zone, as the door reads it: "19:42"."""
    return f"{_local(moment, zone_name):%H:%M}"
