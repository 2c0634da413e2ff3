"""A workspace's analytics page (issue #22 §1): sales, money, tiers, channels, buyers (new or
returning, and by country and city), events and their funnel over a chosen span of UTC days, read
from the daily rollups (services/finance/rollups.py) rather than from orders and tickets, so it
answers quickly however many tickets were sold.

Moderators and above see it (`WorkspaceAction.VIEW_ANALYTICS`); the money figures only admins and
the owner (`MANAGE_BILLING`), as on the billing page. Every money figure is money_figures' own
(gross, fees, refunds, net), summed from the rollups kept with the same definitions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, func, select
from sqlmodel import col

from eventpalour.db import read_only
from eventpalour.models import Event, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services import sales
from eventpalour.services.finance.grouped_sums import grouped_sums
from eventpalour.services.finance.money_figures import MoneyFigures
from eventpalour.services.finance.rollups import (
    CHECKOUT_DAYS,
    PLACE_DAYS,
    SALES_DAYS,
    SALES_EVENT_DAYS,
    TIER_DAYS,
    VIEW_DAYS,
    VIEW_EVENT_DAYS,
    VIEW_SOURCE_DAYS,
    WORKSPACE_PLACE_DAYS,
    WORKSPACE_SALES_DAYS,
    fold_all_rollups,
)
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, FieldError, Message, ValidationFailed
from eventpalour.services.workspaces import WorkspaceAction, allows, load_workspace_for

SPANS = {"7": 7, "30": 30, "90": 90}  # the period picker's choices, in days; "custom" takes dates
DEFAULT_SPAN = "30"
CUSTOM_SPAN = "custom"
LONGEST_SPAN_DAYS = 366
TOP_EVENTS = 20
TOP_SOURCES = 10
TOP_PLACES = 50
# The page's own words, marked for the catalogs; they read as English in the CSV exports, and each
# says itself on the page in the reader's language (`platform.said`).
UNKNOWN_PLACE = N_("Unknown")
DIRECT_OR_HIDDEN = N_("Direct or hidden")
CHANNEL_LABELS = {
    "card": N_("Card"),
    "mobile_money": N_("Mobile money (M-Pesa)"),
    "bank": N_("Bank"),
    "bank_transfer": N_("Bank transfer"),
    "ussd": "USSD",
    "qr": "QR",
    "eft": "EFT",
    "apple_pay": "Apple Pay",
    "": N_("Free registration"),
}


def channel_label(channel: str) -> str:
    """A payment channel as Paystack names it, in words ("mobile_money": "Mobile money (M-Pesa)"): our
    words say themselves in each reader's language; a channel Paystack adds later reads as it is named."""
    label = CHANNEL_LABELS.get(channel)
    return Message(label) if label else channel.replace("_", " ").capitalize()


@dataclass(frozen=True)
class AnalyticsWindow:
    """The UTC days [first, last] the page covers, and the event it is narrowed to ("" for all)."""

    first: date
    last: date
    event_id: str = ""

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def analytics_window(
    span: str, start: str = "", end: str = "", *, event_id: str = "", today: date | None = None
) -> AnalyticsWindow:
    """The window the period picker chose: the last 7, 30 or 90 days up to today, or custom dates
    ("2026-11-01" to "2026-11-30", at most a year). Raises ValidationFailed naming the field."""
    today = today or utcnow().date()
    if span in SPANS:
        return AnalyticsWindow(today - timedelta(days=SPANS[span] - 1), today, event_id)
    if span != CUSTOM_SPAN:
        raise ValidationFailed.field("span", N_("Choose 7, 30 or 90 days, or your own dates."))
    problems = []
    first = _date_or_none(start)
    last = _date_or_none(end)
    if first is None:
        problems.append(FieldError(("start",), N_("Enter the first day as a date, e.g. 2026-11-01.")))
    if last is None:
        problems.append(FieldError(("end",), N_("Enter the last day as a date, e.g. 2026-11-30.")))
    if first and last and last < first:
        problems.append(FieldError(("end",), N_("The last day cannot come before the first.")))
    elif first and last and (last - first).days + 1 > LONGEST_SPAN_DAYS:
        problems.append(FieldError(("end",), N_("Choose at most {count} days."), {"count": LONGEST_SPAN_DAYS}))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    assert first is not None and last is not None
    return AnalyticsWindow(first, last, event_id)


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class DayPoint:
    """One day of the chart: tickets issued by its sales and their gross (`currency`'s minor units)."""

    day: date
    tickets: int
    gross: int


@dataclass(frozen=True)
class TierRow:
    event_title: str
    tier_name: str
    tickets_sold: int  # issued less voided in the window
    tickets_refunded: int


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    currency: str
    paid_orders: int
    gross: int


@dataclass(frozen=True)
class EventRow:
    """One event's window: sales, money (its currency), the door, and the funnel."""

    event_id: str
    title: str
    currency: str
    tickets_sold: int
    paid_orders: int
    gross: int
    refunds: int
    net: int
    checked_in: int  # of the tickets admitting now, all time: the door's figures
    admitted: int
    views: int
    checkouts_started: int

    @property
    def check_in_percent(self) -> int | None:
        return None if not self.admitted else round(100 * self.checked_in / self.admitted)

    @property
    def conversion_percent(self) -> int | None:
        """Paid orders per 100 views in the window (None without views)."""
        return None if not self.views else round(100 * self.paid_orders / self.views)


@dataclass(frozen=True)
class SourceRow:
    """Views from one referrer host ("" typed or hidden) or one UTM campaign."""

    name: str
    views: int

    @property
    def label(self) -> str:
        """The referrer or campaign as typed; our words for none."""
        return self.name or Message(DIRECT_OR_HIDDEN)


@dataclass(frozen=True)
class PlaceRow:
    """Sales from buyers in one country (`city` "" for the country as a whole, or when unknown)."""

    country: str  # ISO 3166 alpha-2, "" unknown
    city: str
    paid_orders: int
    tickets: int

    @property
    def country_label(self) -> str:
        """The country's name (English as a plain string, the reader's on the page: `platform.said`)."""
        return sales.CountryName(self.country) if self.country else Message(UNKNOWN_PLACE)

    @property
    def city_label(self) -> str:
        return self.city or Message(UNKNOWN_PLACE)


@dataclass(frozen=True)
class WorkspaceAnalytics:
    window: AnalyticsWindow
    can_view_money: bool  # MANAGE_BILLING: money columns are shown (else zeros, never read)
    events: list[tuple[str, str]]  # (id, title) for the event filter, newest first
    currency: str  # the chart's: the currency with the most gross in the window
    money: list[MoneyFigures] = field(default_factory=list)
    days: list[DayPoint] = field(default_factory=list)
    tiers: list[TierRow] = field(default_factory=list)
    channels: list[ChannelRow] = field(default_factory=list)
    top_events: list[EventRow] = field(default_factory=list)
    referrers: list[SourceRow] = field(default_factory=list)
    campaigns: list[SourceRow] = field(default_factory=list)
    countries: list[PlaceRow] = field(default_factory=list)  # most orders first
    cities: list[PlaceRow] = field(default_factory=list)  # known cities only, most orders first
    tickets_sold: int = 0
    tickets_refunded: int = 0
    new_buyers: int = 0
    returning_buyers: int = 0
    views: int = 0
    checkouts_started: int = 0
    paid_orders: int = 0


def workspace_analytics(
    *,
    actor: UserSummary | None,
    workspace_id: str,
    window: AnalyticsWindow,
    tables: frozenset[str] | None = None,
) -> WorkspaceAnalytics:
    """The analytics of a workspace (or one of its events) over `window`: every figure, or (`tables`,
    names of analytics_csv.TABLES) only what those tables show, the rest left empty, so one CSV
    does not pay for the statements of the page's other tables.

    Raises NotAuthenticated, NotFound (no such workspace, or the event is not one of its), PermissionDenied
    (below moderator).
    """
    fold_all_rollups()  # the sales of the last seconds too: the day rows are then exact
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW_ANALYTICS)
        can_view_money = allows(access.membership.role, WorkspaceAction.MANAGE_BILLING)
        owner = access.workspace.id
        events = session.exec(
            select(Event.id, Event.title, Event.currency)  # type: ignore[call-overload]
            .where(col(Event.workspace_id) == owner)
            .order_by(col(Event.start_at).desc(), col(Event.id))
        ).all()
        if window.event_id and window.event_id not in {e.id for e in events}:
            raise ValidationFailed.field("event", N_("Choose one of this workspace's events."))
        return _read(session.connection(), owner, window, can_view_money, events, tables)


def _in_window(table: Table, workspace_id: str, window: AnalyticsWindow) -> list[ColumnElement[bool]]:
    conditions = [table.c.workspace_id == workspace_id, table.c.day >= window.first, table.c.day <= window.last]
    if window.event_id:
        conditions.append(table.c.event_id == window.event_id)
    return conditions


SALES_COUNTERS = (
    "paid_orders",
    "gross",
    "platform_fees",
    "provider_fees",
    "organizer_share",
    "refunds",
    "discounts",
    "tickets_issued",
    "tickets_voided",
    "new_buyers",
    "returning_buyers",
)
MONEY_COUNTERS = SALES_COUNTERS[:7]  # MoneyFigures' own fields


def _add(into: dict[str, int], row: object) -> None:
    for name in SALES_COUNTERS:
        into[name] = into.get(name, 0) + int(getattr(row, name))


# The sales groupings (`_sales`, each statement through grouped_sums): money per currency, the
# channels table, the events table, and the chart's days (in every currency: the chart shows the one
# with the most gross, known only from the first grouping).
_BY_CURRENCY = ("currency",)
_BY_CHANNEL = ("channel", "currency")
_BY_EVENT = ("event_id", "currency")
_BY_DAY = ("day", "currency")

# Which of `_read`'s statements each table needs (the page needs them all).
_SALES_TABLES = frozenset({"daily", "money", "channels", "events", "buyers"})
_VIEW_TABLES = frozenset({"events", "referrers", "campaigns"})
_PLACE_TABLES = frozenset({"countries", "cities"})


def _read(
    connection: Connection,
    workspace_id: str,
    window: AnalyticsWindow,
    can_view_money: bool,
    events: list,
    tables: frozenset[str] | None = None,
) -> WorkspaceAnalytics:
    """Statements over the rollups (or their sums, for all events): sales by currency, channel and
    day, and by event; views by event, and by referrer and campaign; checkouts; buyer places; then
    tiers and the door. Every other figure is a sum of their rows. With `tables`, only the statements
    those tables need."""

    def wanted(names: frozenset[str]) -> bool:
        return tables is None or bool(tables & names)

    by_currency: dict[str, dict[str, int]] = {}
    by_channel: dict[tuple[str, str], dict[str, int]] = {}
    by_event: dict[str, dict[str, int]] = {}
    by_day: dict[tuple[date, str], Any] = {}
    if wanted(_SALES_TABLES):
        sales = _sales(connection, workspace_id, window, wanted(frozenset({"events"})), wanted(frozenset({"daily"})))
        for row in sales[_BY_CURRENCY]:
            _add(by_currency.setdefault(row.currency, {}), row)
        for row in sales[_BY_CHANNEL]:
            _add(by_channel.setdefault((row.channel, row.currency), {}), row)
        for row in sales.get(_BY_EVENT, []):  # an event sells in its one currency; summed all the same
            _add(by_event.setdefault(row.event_id, {}), row)
        by_day = {(_as_date(row.day), row.currency): row for row in sales.get(_BY_DAY, [])}
    money = [
        MoneyFigures(currency, **{name: sums[name] for name in MONEY_COUNTERS})
        for currency, sums in sorted(by_currency.items())
    ]
    currency = max(money, key=lambda f: (f.gross, f.paid_orders)).currency if money else _first_currency(events)
    days = [
        DayPoint(day, int(point.tickets_issued), int(point.gross))
        if (point := by_day.get((day, currency)))
        else DayPoint(day, 0, 0)
        for day in window.days
    ]
    totals = {name: sum(sums[name] for sums in by_currency.values()) for name in SALES_COUNTERS}
    channels = sorted(
        (
            ChannelRow(channel, channel_label(channel), code, sums["paid_orders"], sums["gross"])
            for (channel, code), sums in by_channel.items()
        ),
        key=lambda row: (-row.paid_orders, row.channel, row.currency),
    )
    views, referrers, campaigns = _views(connection, workspace_id, window) if wanted(_VIEW_TABLES) else ({}, [], [])
    checkouts = _checkouts(connection, workspace_id, window) if wanted(frozenset({"events"})) else {}
    countries, cities = _places(connection, workspace_id, window) if wanted(_PLACE_TABLES) else ([], [])
    result = WorkspaceAnalytics(
        window=window,
        can_view_money=can_view_money,
        events=[(e.id, e.title) for e in events],
        currency=currency,
        money=money,
        days=days,
        tiers=_tiers(connection, workspace_id, window) if wanted(frozenset({"tiers"})) else [],
        channels=channels,
        top_events=_top_events(connection, by_event, events, views, checkouts) if wanted(frozenset({"events"})) else [],
        referrers=referrers,
        campaigns=campaigns,
        countries=countries,
        cities=cities,
        tickets_sold=totals["tickets_issued"] - totals["tickets_voided"],
        tickets_refunded=totals["tickets_voided"],
        new_buyers=totals["new_buyers"],
        returning_buyers=totals["returning_buyers"],
        views=sum(views.values()),
        checkouts_started=sum(checkouts.values()),
        paid_orders=totals["paid_orders"],
    )
    return result if can_view_money else _without_money(result)


def _sales(
    connection: Connection, workspace_id: str, window: AnalyticsWindow, per_event: bool, per_day: bool
) -> dict[tuple[str, ...], list[Any]]:
    """The sales rollup's groupings the page needs. For one event, its own day rows grouped every way
    in one statement; for all events, the workspace's day rows per currency and channel (a few per
    day) and, for the events table, the events' day rows summed over channels (rollups.DAY_SUMS)."""
    wanted = [_BY_CURRENCY, _BY_CHANNEL] + ([_BY_DAY] if per_day else [])
    if window.event_id:
        where = _in_window(SALES_DAYS, workspace_id, window)
        return grouped_sums(connection, SALES_DAYS, where, wanted + ([_BY_EVENT] if per_event else []), SALES_COUNTERS)
    where = _in_window(WORKSPACE_SALES_DAYS, workspace_id, window)
    found = grouped_sums(connection, WORKSPACE_SALES_DAYS, where, wanted, SALES_COUNTERS)
    if per_event:
        where = _in_window(SALES_EVENT_DAYS, workspace_id, window)
        found |= grouped_sums(connection, SALES_EVENT_DAYS, where, [_BY_EVENT], SALES_COUNTERS)
    return found


def _first_currency(events: list) -> str:
    return events[0].currency if events else "KES"


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _tiers(connection: Connection, workspace_id: str, window: AnalyticsWindow) -> list[TierRow]:
    t = TIER_DAYS.c
    rows = connection.execute(
        select(
            col(Event.title),
            col(TicketTier.name),
            func.sum(t.tickets_issued).label("issued"),
            func.sum(t.tickets_voided).label("voided"),
        )
        .join(TicketTier, col(TicketTier.id) == t.tier_id)
        .join(Event, col(Event.id) == t.event_id)
        .where(*_in_window(TIER_DAYS, workspace_id, window))
        .group_by(t.tier_id, col(Event.title), col(TicketTier.name))
        .order_by((func.sum(t.tickets_issued) - func.sum(t.tickets_voided)).desc(), col(TicketTier.name))
    )
    return [TierRow(row.title, row.name, int(row.issued) - int(row.voided), int(row.voided)) for row in rows]


def _views(
    connection: Connection, workspace_id: str, window: AnalyticsWindow
) -> tuple[dict[str, int], list[SourceRow], list[SourceRow]]:
    """Views per event, and the top referrer hosts and campaigns. For all events, from the view sums
    (an event's day total, the workspace's day per referrer and campaign: a few hundred rows for 90
    days); for one event, from its own view rows grouped both ways in one statement."""
    if window.event_id:
        found = grouped_sums(
            connection,
            VIEW_DAYS,
            _in_window(VIEW_DAYS, workspace_id, window),
            [("event_id",), ("referrer_host",), ("campaign",)],
            ["views"],
        )
        by_event = {row.event_id: int(row.views) for row in found[("event_id",)]}
    else:
        e = VIEW_EVENT_DAYS.c
        by_event = {
            row.event_id: int(row.views)
            for row in connection.execute(
                select(e.event_id, func.sum(e.views).label("views"))
                .where(*_in_window(VIEW_EVENT_DAYS, workspace_id, window))
                .group_by(e.event_id)
            )
        }
        found = grouped_sums(
            connection,
            VIEW_SOURCE_DAYS,
            _in_window(VIEW_SOURCE_DAYS, workspace_id, window),
            [("referrer_host",), ("campaign",)],
            ["views"],
        )
    by_host = {row.referrer_host: int(row.views) for row in found[("referrer_host",)]}
    by_campaign = {row.campaign: int(row.views) for row in found[("campaign",)] if row.campaign}

    def top(counts: dict[str, int]) -> list[SourceRow]:
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_SOURCES]
        return [SourceRow(name, views) for name, views in ranked if views]

    return by_event, top(by_host), top(by_campaign)


def _places(
    connection: Connection, workspace_id: str, window: AnalyticsWindow
) -> tuple[list[PlaceRow], list[PlaceRow]]:
    """Sales per buyer country, and per known city, from one grouped statement over the rollup (for
    all events, its sum over events: a row per place and day)."""
    table = PLACE_DAYS if window.event_id else WORKSPACE_PLACE_DAYS
    p = table.c
    by_country: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_city: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in connection.execute(
        select(
            p.country,
            p.city,
            func.sum(p.paid_orders).label("orders"),
            func.sum(p.tickets_issued).label("tickets"),
        )
        .where(*_in_window(table, workspace_id, window))
        .group_by(p.country, p.city)
    ):
        for into in [by_country[row.country]] + ([by_city[(row.country, row.city)]] if row.city else []):
            into[0] += int(row.orders)
            into[1] += int(row.tickets)

    def ranked(counts: dict, make: Callable[[Any, int, int], PlaceRow]) -> list[PlaceRow]:
        rows = [make(key, orders, tickets) for key, (orders, tickets) in counts.items() if orders or tickets]
        # Unknown last among equals: a named place is the more useful line.
        rows.sort(key=lambda r: (-r.paid_orders, -r.tickets, not r.country, r.country_label, r.city))
        return rows[:TOP_PLACES]

    return (
        ranked(by_country, lambda country, o, t: PlaceRow(country, "", o, t)),
        ranked(by_city, lambda key, o, t: PlaceRow(key[0], key[1], o, t)),
    )


def _checkouts(connection: Connection, workspace_id: str, window: AnalyticsWindow) -> dict[str, int]:
    c = CHECKOUT_DAYS.c
    return {
        row.event_id: int(row.started)
        for row in connection.execute(
            select(c.event_id, func.sum(c.checkouts_started).label("started"))
            .where(*_in_window(CHECKOUT_DAYS, workspace_id, window))
            .group_by(c.event_id)
        )
    }


def _top_events(
    connection: Connection,
    by_event: dict[str, dict[str, int]],
    events: list,
    views: dict[str, int],
    checkouts: dict[str, int],
) -> list[EventRow]:
    """The events with the most tickets sold in the window (then views), with their door figures."""
    named = {e.id: e for e in events}

    def sold(event_id: str) -> int:
        sums = by_event.get(event_id)
        return sums["tickets_issued"] - sums["tickets_voided"] if sums else 0

    active = (set(by_event) | set(views) | set(checkouts)) & set(named)
    ranked = sorted(active, key=lambda e: (-sold(e), -views.get(e, 0), named[e].title, e))[:TOP_EVENTS]
    door = sales.door_counts_of(connection, ranked) if ranked else {}
    rows = []
    for event_id in ranked:
        sums = by_event.get(event_id, {})
        figures = MoneyFigures(named[event_id].currency, **{name: sums.get(name, 0) for name in MONEY_COUNTERS})
        counts = door.get(event_id)
        rows.append(
            EventRow(
                event_id=event_id,
                title=named[event_id].title,
                currency=named[event_id].currency,
                tickets_sold=sold(event_id),
                paid_orders=figures.paid_orders,
                gross=figures.gross,
                refunds=figures.refunds,
                net=figures.net,  # money_figures' net: the organizer share less refunds
                checked_in=counts.checked_in if counts else 0,
                admitted=counts.sold if counts else 0,
                views=views.get(event_id, 0),
                checkouts_started=checkouts.get(event_id, 0),
            )
        )
    return rows


def _without_money(result: WorkspaceAnalytics) -> WorkspaceAnalytics:
    """What a moderator sees: counts, never money."""
    return replace(
        result,
        money=[],
        days=[replace(point, gross=0) for point in result.days],
        channels=[replace(row, gross=0) for row in result.channels],
        top_events=[replace(row, gross=0, refunds=0, net=0) for row in result.top_events],
    )
