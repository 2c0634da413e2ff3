"""The workspace analytics page (#22 §1): the period picker and event filter, then the service's
figures turned into text. Money is shown only when the service gave it (admins and the owner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.services import finance
from eventpalour.services.finance import AnalyticsWindow, WorkspaceAnalytics
from eventpalour.services.platform import (
    N_,
    DomainError,
    count_words,
    date_label,
    format_money,
    gettext,
    said,
    short_day,
)
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.money_text import FiguresText, figures_text, whole_units
from eventpalour.state.workspace import workspace_in

SPAN_CHOICES = [("7", N_("Last 7 days")), ("30", N_("Last 30 days")), ("90", N_("Last 90 days"))]
SPAN_CHOICES += [("custom", N_("Custom dates"))]
ALL_EVENTS = "all"
TABLE_NAMES = (
    "daily",
    "money",
    "tiers",
    "channels",
    "events",
    "buyers",
    "referrers",
    "campaigns",
    "countries",
    "cities",
)


@dataclass(frozen=True)
class DayBar:
    """One day of the chart: tickets, and gross in whole units of the chart's currency."""

    day: str  # "5 Dec"
    tickets: int
    revenue: int


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class TierText:
    event: str
    tier: str
    sold: int
    refunded: int


@dataclass(frozen=True)
class ChannelText:
    label: str
    orders: int
    gross: str


@dataclass(frozen=True)
class EventText:
    title: str
    sold: int
    orders: int
    gross: str
    refunds: str
    net: str
    check_in: str  # "12 of 40 (30%)", or "No tickets yet"
    views: int
    checkouts: int
    conversion: str  # "3%" of views, "—" without views


@dataclass(frozen=True)
class SourceText:
    name: str
    views: int


@dataclass(frozen=True)
class PlaceText:
    country: str  # "Kenya", or "Unknown"
    city: str  # "" on the countries table
    orders: int
    tickets: int


def _day_label(day: date, language: str) -> str:
    """A chart's day: "5 Dec", "5 Des", "5 déc."."""
    return f"{day.day} {day:%b}" if language == "en" else short_day(day, language)


def _period_day(day: date, language: str) -> str:
    """A period's first or last day: "01 Dec 2026", "1 Des 2026", "1 déc. 2026"."""
    if language == "en":
        return f"{day:%d %b %Y}"
    return date_label(datetime.combine(day, time(), tzinfo=UTC), language, "UTC")


def event_text(row: finance.EventRow, language: str = "en") -> EventText:
    rate = row.check_in_percent
    check_in = gettext(language, "{checked} of {admitted} ({rate}%)").format(
        checked=row.checked_in, admitted=row.admitted, rate=rate
    )
    return EventText(
        title=row.title,
        sold=row.tickets_sold,
        orders=row.paid_orders,
        gross=format_money(row.gross, row.currency, language),
        refunds=format_money(row.refunds, row.currency, language),
        net=format_money(row.net, row.currency, language),
        check_in=gettext(language, "No tickets yet") if rate is None else check_in,
        views=row.views,
        checkouts=row.checkouts_started,
        conversion="—" if row.conversion_percent is None else f"{row.conversion_percent}%",
    )


class AnalyticsState(FormMixin, AuthState):
    analytics_loaded: bool = False
    analytics_problem: str = ""
    span: str = finance.DEFAULT_SPAN
    start: str = ""
    end: str = ""
    event_id: str = ALL_EVENTS
    event_options: list[Option] = []
    period_label: str = ""
    can_view_money: bool = False
    currency: str = ""
    chart_data: list[DayBar] = []
    money: list[FiguresText] = []
    tickets_sold: str = ""
    tickets_refunded: str = ""
    paid_orders: str = ""
    buyers_new: int = 0
    buyers_returning: int = 0
    views: int = 0
    checkouts_started: int = 0
    tiers: list[TierText] = []
    channels: list[ChannelText] = []
    events: list[EventText] = []
    referrers: list[SourceText] = []
    campaigns: list[SourceText] = []
    countries: list[PlaceText] = []
    cities: list[PlaceText] = []

    @rx.var
    def span_options(self) -> list[Option]:
        language = self._language()
        return [Option(value, gettext(language, label)) for value, label in SPAN_CHOICES]

    @rx.var
    def is_custom(self) -> bool:
        return self.span == finance.CUSTOM_SPAN

    @rx.var
    def has_sales(self) -> bool:
        return any(bar.tickets for bar in self.chart_data)

    @rx.var
    def csv_urls(self) -> dict[str, str]:
        workspace_id = workspace_in(self.router.url.path)
        if not workspace_id:
            return {}
        period = {
            "span": self.span,
            "start": self.start if self.is_custom else "",
            "end": self.end if self.is_custom else "",
            "event": "" if self.event_id == ALL_EVENTS else self.event_id,
        }
        return {name: settings.api_url + routes.analytics_csv_url(workspace_id, name, period) for name in TABLE_NAMES}

    def _window(self) -> AnalyticsWindow:
        event = "" if self.event_id == ALL_EVENTS else self.event_id
        return finance.analytics_window(self.span, self.start, self.end, event_id=event)

    @rx.event
    async def open_analytics(self):
        """on_load: a fresh visit starts on the last 30 days of every event, shown at once (one event
        of the page's load instead of two, each a round of the state's lock and store)."""
        self._reset_period()
        return await self._load()

    @rx.event
    async def load_analytics(self):
        """After the picker changes: the figures for the chosen period and event."""
        return await self._load()

    async def _load(self):
        self.analytics_problem = ""
        try:
            actor = await self.require_user()
            window = self._window()
            seen = await call_service(
                finance.workspace_analytics,
                actor=actor,
                workspace_id=workspace_in(self.router.url.path),
                window=window,
            )
        except DomainError as error:
            if error.details:
                self.analytics_loaded = True
                return self._fail(error)
            self.analytics_problem, self.analytics_loaded = error.in_language(self._language()), True
            return None
        self._show(seen)
        self.is_submitting = False
        return None

    def _show(self, seen: WorkspaceAnalytics) -> None:
        window = seen.window
        language = self._language()
        self.period_label = self._t(N_("{first} – {last} (UTC days)")).format(
            first=_period_day(window.first, language), last=_period_day(window.last, language)
        )
        options = [Option(ALL_EVENTS, self._t(N_("All events")))] + [Option(i, t) for i, t in seen.events]
        if options != self.event_options:  # a filter change: the same events, not sent again (201 options)
            self.event_options = options
        self.can_view_money = seen.can_view_money
        self.currency = seen.currency
        self.chart_data = [
            DayBar(_day_label(p.day, language), p.tickets, whole_units(p.gross, seen.currency)) for p in seen.days
        ]
        self.money = [figures_text(f) for f in seen.money]
        self.tickets_sold = count_words(
            seen.tickets_sold, N_("{count} ticket sold"), N_("{count} tickets sold"), language
        )
        self.tickets_refunded = count_words(
            seen.tickets_refunded,
            N_("{count} ticket refunded or cancelled"),
            N_("{count} tickets refunded or cancelled"),
            language,
        )
        self.paid_orders = count_words(seen.paid_orders, N_("{count} order"), N_("{count} orders"), language)
        self.buyers_new, self.buyers_returning = seen.new_buyers, seen.returning_buyers
        self.views, self.checkouts_started = seen.views, seen.checkouts_started
        self.tiers = [TierText(t.event_title, t.tier_name, t.tickets_sold, t.tickets_refunded) for t in seen.tiers]
        self.channels = [
            ChannelText(said(language, c.label), c.paid_orders, format_money(c.gross, c.currency, language))
            for c in seen.channels
        ]
        self.events = [event_text(row, language) for row in seen.top_events]
        self.referrers = [SourceText(said(language, s.label), s.views) for s in seen.referrers]
        self.campaigns = [SourceText(said(language, s.label), s.views) for s in seen.campaigns]
        self.countries = [
            PlaceText(said(language, p.country_label), "", p.paid_orders, p.tickets) for p in seen.countries
        ]
        self.cities = [
            PlaceText(said(language, p.country_label), said(language, p.city_label), p.paid_orders, p.tickets)
            for p in seen.cities
        ]
        self.analytics_loaded = True

    def _reset_period(self) -> None:
        """A fresh visit starts on the last 30 days of every event."""
        self.span, self.start, self.end, self.event_id = finance.DEFAULT_SPAN, "", "", ALL_EVENTS
        self.analytics_loaded = False

    @rx.event
    def apply_period(self, form: dict[str, Any]):
        """The picker's form: a span (or custom dates) and an event."""
        self._start()
        self.span = str(form.get("span") or finance.DEFAULT_SPAN)[:10]
        self.start = str(form.get("start") or "")[:10]
        self.end = str(form.get("end") or "")[:10]
        self.event_id = str(form.get("event") or ALL_EVENTS)[:20]
        return AnalyticsState.load_analytics

    @rx.event
    def pick_span(self, span: str) -> None:
        self.span = span
