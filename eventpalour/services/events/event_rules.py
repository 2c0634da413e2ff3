"""Validation of event and ticket-tier input (SPEC §4): every rule, each failure named by its field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.models import MAX_REFUND_POLICY_TEXT, EventPricing, EventType, FeeMode, MeetingPlatform, RefundPolicy
from eventpalour.services import sales
from eventpalour.services.platform import (
    MINIMUM_CHARGE,
    N_,
    FieldError,
    Figure,
    MoneyWords,
    ValidationFailed,
    clean_line,
    clean_text,
)

MAX_PRICE = 100_000_000_00  # 100 million in major units, in minor units
MAX_QUANTITY = 1_000_000
MAX_PER_ORDER = 50
MAX_PARTNERS = 20
MAX_TIERS = 30
MAX_DURATION = timedelta(days=60)
MAX_REFUND_DAYS = 365
# How long after its listed end an event's door stays open. Listed ends are a guide, not a curfew:
# concerts overrun, festivals add a last set, people arrive late to a party's second half. Six hours
# covers an evening that runs past midnight, yet a ticket never admits anyone the next day. After
# it the event is completed, its unused tickets expire and the scanner refuses every scan.
DOORS_CLOSE_AFTER_END = timedelta(hours=6)
BANNER_PREFIX = "/api/files/EVENTS/"
IMAGE_PREFIXES = ("/api/files/EVENTS/", "/api/files/LOGOS/")
_MARKUP = re.compile(r"<[^>]+>|[*_`#>\[\]()~|-]")
TIMEZONES = frozenset(available_timezones())


@dataclass(frozen=True)
class PartnerInput:
    name: str = ""
    url: str = ""
    logo_url: str = ""


@dataclass(frozen=True)
class EventInput:
    """The event form, as typed. Times are local wall-clock strings (`2026-12-05T18:00`) in `timezone`."""

    title: str = ""
    description: str = ""
    category: str = ""
    type: str = EventType.PHYSICAL
    pricing: str = EventPricing.FREE
    venue: str = ""
    city: str = ""
    country: str = ""
    online_link: str = ""
    meeting_platform: str = ""
    start_local: str = ""
    end_local: str = ""
    timezone: str = "Africa/Nairobi"
    banner_url: str = ""
    currency: str = "KES"
    fee_mode: str = FeeMode.ABSORB
    refund_policy: str = RefundPolicy.NONE
    refund_days: str = ""  # whole days before the start, as typed (DAYS_BEFORE only)
    refund_policy_text: str = ""
    waitlist_offer_minutes: str = "30"  # how long a waitlist offer holds its seats, as typed (#19 §4)
    sms_tickets: str = ""  # "yes": ask buyers for a phone and send tickets by SMS too (#23 §3)
    partners: tuple[PartnerInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TierInput:
    """One ticket tier as typed. `price` is in minor units; `quantity` None means unlimited."""

    name: str = ""
    description: str = ""
    price: int = 0
    quantity: int | None = None
    sales_start_local: str = ""
    sales_end_local: str = ""
    max_per_order: int = 10
    hidden: bool = False
    waitlist: bool = False  # sold out, buyers may join its waitlist (#19 §4)
    id: str = ""


def text_length(description: str) -> int:
    """Characters of actual text in a Markdown/HTML description (markup does not count)."""
    return len(" ".join(_MARKUP.sub(" ", description).split()))


def _clean_url(value: str, path: tuple, problems: list[FieldError], *, https_only: bool = False) -> str | None:
    value = clean_line(value)
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    parsed = urlparse(value)
    schemes = ("https",) if https_only else ("http", "https")
    if parsed.scheme not in schemes or "." not in (parsed.hostname or "") or len(value) > 1000:
        problems.append(FieldError(path, N_("Enter a full web address, like https://example.com.")))
        return None
    return value


def parse_local(value: str, tz: ZoneInfo | None, path: tuple, problems: list[FieldError]) -> datetime | None:
    """A local wall-clock time in the event's zone, as aware UTC; a problem when missing or malformed."""
    value = (value or "").strip()
    if not value:
        problems.append(FieldError(path, N_("Choose a date and time.")))
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        problems.append(FieldError(path, N_("Use a date and time like 2026-12-05 18:00.")))
        return None
    if tz is None:
        return None
    return naive.replace(tzinfo=tz).astimezone(UTC) if naive.tzinfo is None else naive.astimezone(UTC)


def _zone(name: str, problems: list[FieldError]) -> ZoneInfo | None:
    if name not in TIMEZONES:
        problems.append(FieldError(("timezone",), N_("Choose a time zone from the list.")))
        return None
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        problems.append(FieldError(("timezone",), N_("Choose a time zone from the list.")))
        return None


def _choice(value: str, allowed: type, path: tuple, message: str, problems: list[FieldError]) -> str:
    if value not in {member.value for member in allowed}:
        problems.append(FieldError(path, message))
    return value


# Each place field's refusal when an in-person event leaves it empty, one whole sentence each.
PLACE_MISSING = {
    "venue": N_("Enter the venue for an in-person event."),
    "city": N_("Enter the city for an in-person event."),
    "country": N_("Enter the country for an in-person event."),
}


def _place(data: EventInput, problems: list[FieldError]) -> dict[str, str | None]:
    """Where: the venue fields for physical and hybrid events, the meeting for online and hybrid."""
    needs_venue = data.type in (EventType.PHYSICAL, EventType.HYBRID)
    needs_link = data.type in (EventType.ONLINE, EventType.HYBRID)
    place: dict[str, str | None] = {"venue": None, "city": None, "country": None}
    for name, missing in PLACE_MISSING.items():
        value = clean_line(getattr(data, name))
        if needs_venue and not value:
            problems.append(FieldError((name,), missing))
        elif len(value) > 255:
            problems.append(FieldError((name,), N_("Use at most 255 characters.")))
        place[name] = (value or None) if needs_venue else None
    place["online_link"], place["meeting_platform"] = None, None
    if needs_link:
        if not clean_line(data.online_link):
            problems.append(FieldError(("online_link",), N_("Enter the meeting link for an online event.")))
        else:
            place["online_link"] = _clean_url(data.online_link, ("online_link",), problems, https_only=True)
        place["meeting_platform"] = _choice(
            data.meeting_platform,
            MeetingPlatform,
            ("meeting_platform",),
            N_("Choose Google Meet, Zoom, Teams or another platform."),
            problems,
        )
    return place


def start_refusal(start: datetime, *, kept: datetime | None = None) -> str | None:
    """Why an event cannot start at `start`, or None: a new start must be in the future. `kept` is
    the start the event already has (an edit that leaves it alone is not refused for it; the form
    shows it to the minute)."""
    if start > datetime.now(UTC) or (kept is not None and start == kept.replace(second=0, microsecond=0)):
        return None
    return N_("Choose a start time in the future.")


def paid_tiers_refusal(pricing: str, prices: list[int]) -> str | None:
    """Why a paid event's tiers do not make it paid, or None: at least one ticket has a price (free
    tiers beside it, e.g. for guests, are fine)."""
    if pricing == EventPricing.PAID and not any(price > 0 for price in prices):
        return N_("A paid event needs at least one ticket with a price; make the event free instead.")
    return None


def clean_event(data: EventInput, *, kept_start: datetime | None = None) -> dict[str, object]:
    """Every rule about an event's own fields; raises ValidationFailed listing each problem.
    `kept_start` is the saved event's start when editing (see `start_refusal`)."""
    problems: list[FieldError] = []
    title = clean_line(data.title)
    if not 1 <= len(title) <= 255:
        problems.append(FieldError(("title",), N_("Give the event a title of up to 255 characters.")))
    description = clean_text(data.description)
    length = text_length(description)
    if length < 10:
        problems.append(FieldError(("description",), N_("Describe the event in at least 10 characters.")))
    elif length > 5000 or len(description) > 20000:
        problems.append(FieldError(("description",), N_("Keep the description under 5,000 characters.")))
    category = clean_line(data.category)
    if not 2 <= len(category) <= 64:
        problems.append(FieldError(("category",), N_("Choose a category from the list.")))
    _choice(data.type, EventType, ("type",), N_("Choose in person, online or hybrid."), problems)
    _choice(data.pricing, EventPricing, ("pricing",), N_("Choose free or paid."), problems)
    _choice(data.fee_mode, FeeMode, ("fee_mode",), N_("Choose who pays the platform fee."), problems)
    check_currency(data.currency, ("currency",), problems)
    zone = _zone(data.timezone, problems)
    start = parse_local(data.start_local, zone, ("start_local",), problems)
    end = parse_local(data.end_local, zone, ("end_local",), problems)
    if start and (refusal := start_refusal(start, kept=kept_start)):
        problems.append(FieldError(("start_local",), refusal))
    if start and end:
        if end <= start:
            problems.append(FieldError(("end_local",), N_("The event must end after it starts.")))
        elif end - start > MAX_DURATION:
            problems.append(FieldError(("end_local",), N_("An event can last at most 60 days.")))
    banner = clean_line(data.banner_url)
    if banner and not banner.startswith(BANNER_PREFIX):
        problems.append(
            FieldError(("banner_url",), N_("Upload the banner here; links to other sites are not accepted."))
        )
    place = _place(data, problems)
    refund = refund_policy_fields(data.pricing, data.refund_policy, data.refund_days, data.refund_policy_text, problems)
    partners = _partners(data.partners, problems)
    offer_minutes = _offer_minutes(data.waitlist_offer_minutes, problems)
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return {
        "title": title,
        "description": description,
        "category": category,
        "type": data.type,
        "pricing": data.pricing,
        "fee_mode": data.fee_mode,
        "currency": data.currency,
        "timezone": data.timezone,
        "start_at": start,
        "end_at": end,
        "banner_url": banner or None,
        **place,
        **refund,
        "waitlist_offer_minutes": offer_minutes,
        "sms_tickets": data.sms_tickets == "yes",
        "partners": partners,
    }


def _offer_minutes(typed: str, problems: list[FieldError]) -> int:
    """The waitlist offer window as typed; its bounds are the waitlist's (`sales.waitlist_offer_minutes_refusal`)."""
    text = (typed or "").strip()
    minutes = int(text) if text.isdigit() else None
    if refusal := sales.waitlist_offer_minutes_refusal(minutes):
        problems.append(FieldError(("waitlist_offer_minutes",), refusal))
        return sales.DEFAULT_OFFER_MINUTES
    return minutes


def refund_policy_fields(
    pricing: str, policy: str, typed_days: str, policy_text: str, problems: list[FieldError]
) -> dict[str, object]:
    """The refund policy of a paid event (#19 §5) as stored, or its problems: a free event has nothing
    to refund, so it keeps none. `typed_days` is text as typed (the form's) or digits (the API's)."""
    if pricing != EventPricing.PAID:
        return {"refund_policy": RefundPolicy.NONE.value, "refund_days": None, "refund_policy_text": ""}
    policy = _choice(
        policy,
        RefundPolicy,
        ("refund_policy",),
        N_("Choose no refunds, refunds until some days before, or refunds until the event starts."),
        problems,
    )
    days = None
    if policy == RefundPolicy.DAYS_BEFORE:
        typed = (typed_days or "").strip()
        if not typed.isdigit() or not 1 <= int(typed) <= MAX_REFUND_DAYS:
            problems.append(
                FieldError(
                    ("refund_days",),
                    N_("Enter the number of days before the start, from 1 to {count}."),
                    {"count": MAX_REFUND_DAYS},
                )
            )
        else:
            days = int(typed)
    text = clean_text(policy_text)
    if len(text) > MAX_REFUND_POLICY_TEXT:
        problems.append(
            FieldError(
                ("refund_policy_text",),
                N_("Keep the refund policy under {count} characters."),
                {"count": Figure(MAX_REFUND_POLICY_TEXT)},
            )
        )
    return {"refund_policy": policy, "refund_days": days, "refund_policy_text": text}


def _partners(partners: tuple[PartnerInput, ...], problems: list[FieldError]) -> list[dict[str, str | None]]:
    if len(partners) > MAX_PARTNERS:
        problems.append(FieldError(("partners",), N_("List at most {count} partners."), {"count": MAX_PARTNERS}))
        return []
    cleaned = []
    for index, partner in enumerate(partners):
        name = clean_line(partner.name)
        if not 1 <= len(name) <= 120:
            problems.append(FieldError(("partners", index, "name"), N_("Give the partner a name.")))
        logo = clean_line(partner.logo_url)
        if logo and not logo.startswith(IMAGE_PREFIXES):
            problems.append(FieldError(("partners", index, "logo_url"), N_("Upload the partner's logo here.")))
        url = _clean_url(partner.url, ("partners", index, "url"), problems)
        cleaned.append({"name": name, "url": url, "logo_url": logo or None})
    return cleaned


def check_currency(currency: str, path: tuple, problems: list[FieldError]) -> None:
    """A currency the platform sells in (an event's, or a tier template's)."""
    if currency not in SUPPORTED_CURRENCIES:
        problems.append(FieldError(path, N_("Choose KES, USD, NGN, GHS or ZAR.")))


class TierFields(Protocol):
    """The fields a tier and a tier template share (`TierInput`, `TierTemplateInput`)."""

    name: str
    description: str
    price: int
    quantity: int | None
    max_per_order: int


def clean_tier_fields(
    data: TierFields, *, path: tuple, pricing: str, currency: str, problems: list[FieldError]
) -> dict[str, object]:
    """The rules of a tier's own fields (name, description, price in minor units of `currency`,
    quantity, cap per order), each problem under `path` + the field's name; the cleaned values."""
    name = clean_line(data.name)
    description = clean_text(data.description)
    if not 1 <= len(name) <= 80:
        problems.append(FieldError((*path, "name"), N_("Name the ticket, e.g. Early Bird or VIP.")))
    if len(description) > 500:
        problems.append(FieldError((*path, "description"), N_("Keep the ticket description under 500 characters.")))
    if not isinstance(data.price, int) or not 0 <= data.price <= MAX_PRICE:
        problems.append(FieldError((*path, "price"), N_("Enter a price of zero or more.")))
    elif pricing == EventPricing.FREE and data.price != 0:
        problems.append(FieldError((*path, "price"), N_("Tickets of a free event cost nothing.")))
    elif 0 < data.price < MINIMUM_CHARGE.get(currency, 0):
        least = MoneyWords(MINIMUM_CHARGE[currency], currency)
        at_least = N_("A paid ticket costs at least {least} (Paystack's minimum).")
        problems.append(FieldError((*path, "price"), at_least, {"least": least}))
    if data.quantity is not None and not 1 <= data.quantity <= MAX_QUANTITY:
        problems.append(FieldError((*path, "quantity"), N_("Offer between 1 and 1,000,000 tickets, or unlimited.")))
    if not 1 <= data.max_per_order <= MAX_PER_ORDER:
        problems.append(
            FieldError((*path, "max_per_order"), N_("Allow between 1 and {count} per order."), {"count": MAX_PER_ORDER})
        )
    return {
        "name": name,
        "description": description,
        "price": data.price,
        "quantity": data.quantity,
        "max_per_order": data.max_per_order,
    }


def clean_tier(
    data: TierInput, *, index: int, pricing: str, currency: str, zone: ZoneInfo, event_end: datetime
) -> dict:
    """Every rule about one tier's own fields (the rules that depend on sales live in services/tiers)."""
    problems: list[FieldError] = []
    path = ("tiers", index)
    fields = clean_tier_fields(data, path=path, pricing=pricing, currency=currency, problems=problems)
    starts = ends = None
    if data.sales_start_local.strip():
        starts = parse_local(data.sales_start_local, zone, (*path, "sales_start_local"), problems)
    if data.sales_end_local.strip():
        ends = parse_local(data.sales_end_local, zone, (*path, "sales_end_local"), problems)
    if starts and ends and ends <= starts:
        problems.append(FieldError((*path, "sales_end_local"), N_("Sales must end after they start.")))
    if ends and ends > event_end:
        problems.append(FieldError((*path, "sales_end_local"), N_("Sales cannot continue after the event ends.")))
    # A free tier takes a waitlist too: its offer holds the seats until the person registers for
    # them (services/sales/waitlist_claims.py), as a paid tier's holds them until they pay.
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return {**fields, "sales_start": starts, "sales_end": ends, "hidden": data.hidden, "waitlist": data.waitlist}
