"""The analytics page's tables as CSV (issue #22 §1): each table the page shows, for the same window
and event, with the same figures (services/finance/analytics.py), money in major units beside its
currency. The money table is for admins and the owner; for moderators the money columns are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from eventpalour.services.finance.analytics import AnalyticsWindow, WorkspaceAnalytics, workspace_analytics
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, NotFound, PermissionDenied, format_amount, spreadsheet_cell

Rows = list[list[object]]


def _daily(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    head = ["day (UTC)", "tickets issued"]
    if seen.can_view_money:
        head += ["currency", "gross"]
    rows = [
        [
            p.day.isoformat(),
            p.tickets,
            *([seen.currency, format_amount(p.gross, seen.currency)] if seen.can_view_money else []),
        ]
        for p in seen.days
    ]
    return head, rows


def _money(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    if not seen.can_view_money:
        raise PermissionDenied(N_("Only workspace admins and the owner can see money figures."))
    head = ["currency", "paid orders", "gross", "platform fees", "provider fees", "refunds", "net", "discounts"]
    rows = [
        [
            f.currency,
            f.paid_orders,
            *[format_amount(v, f.currency) for v in (f.gross, f.platform_fees, f.provider_fees, f.refunds, f.net)],
            format_amount(f.discounts, f.currency),
        ]
        for f in seen.money
    ]
    return head, rows


def _tiers(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    head = ["event", "tier", "tickets sold", "tickets refunded or cancelled"]
    return head, [
        [spreadsheet_cell(t.event_title), spreadsheet_cell(t.tier_name), t.tickets_sold, t.tickets_refunded]
        for t in seen.tiers
    ]


def _channels(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    head = ["channel", "paid orders"] + (["currency", "gross"] if seen.can_view_money else [])
    rows = [
        [c.label, c.paid_orders, *([c.currency, format_amount(c.gross, c.currency)] if seen.can_view_money else [])]
        for c in seen.channels
    ]
    return head, rows


def _events(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    head = ["event", "tickets sold", "paid orders"]
    if seen.can_view_money:
        head += ["currency", "gross", "refunds", "net"]
    head += ["checked in", "admitting tickets", "check-in rate %", "page views", "checkouts started", "conversion %"]
    rows = []
    for e in seen.top_events:
        money = [e.currency, *[format_amount(v, e.currency) for v in (e.gross, e.refunds, e.net)]]
        rows.append(
            [
                spreadsheet_cell(e.title),
                e.tickets_sold,
                e.paid_orders,
                *(money if seen.can_view_money else []),
                e.checked_in,
                e.admitted,
                "" if e.check_in_percent is None else e.check_in_percent,
                e.views,
                e.checkouts_started,
                "" if e.conversion_percent is None else e.conversion_percent,
            ]
        )
    return head, rows


def _buyers(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    return ["buyers", "sales"], [["new", seen.new_buyers], ["returning", seen.returning_buyers]]


def _referrers(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    return ["referrer", "views"], [[spreadsheet_cell(s.label), s.views] for s in seen.referrers]


def _campaigns(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    return ["utm_campaign", "views"], [[spreadsheet_cell(s.name), s.views] for s in seen.campaigns]


def _countries(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    head = ["country", "country code", "paid orders", "tickets"]
    return head, [[spreadsheet_cell(p.country_label), p.country, p.paid_orders, p.tickets] for p in seen.countries]


def _cities(seen: WorkspaceAnalytics) -> tuple[list[str], Rows]:
    head = ["country", "country code", "city", "paid orders", "tickets"]
    return head, [
        [spreadsheet_cell(p.country_label), p.country, spreadsheet_cell(p.city), p.paid_orders, p.tickets]
        for p in seen.cities
    ]


TABLES: dict[str, Callable[[WorkspaceAnalytics], tuple[list[str], Rows]]] = {
    "daily": _daily,
    "money": _money,
    "tiers": _tiers,
    "channels": _channels,
    "events": _events,
    "buyers": _buyers,
    "referrers": _referrers,
    "campaigns": _campaigns,
    "countries": _countries,
    "cities": _cities,
}


def analytics_table_csv(*, actor: UserSummary | None, workspace_id: str, window: AnalyticsWindow, table: str) -> str:
    """One of the page's tables (`TABLES`) as CSV. Raises NotFound for another name, and what
    `workspace_analytics` raises."""
    write = TABLES.get(table)
    if write is None:
        raise NotFound(N_("There is no such analytics table."))
    seen = workspace_analytics(actor=actor, workspace_id=workspace_id, window=window, tables=frozenset({table}))
    head, rows = write(seen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue()
