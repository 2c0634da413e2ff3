"""/workspace/{id}: the workspace's dashboard, its upcoming events and latest orders (#24 §5)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.services import sales
from eventpalour.services.platform import DomainError, format_money, plural, time_zone
from eventpalour.services.sales import RecentOrderRow, UpcomingEventRow
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.event_drafts import DraftNoticeMixin
from eventpalour.state.workspace import workspace_in


@dataclass(frozen=True)
class UpcomingLine:
    short_id: str
    title: str
    status: str
    when: str
    sold_of_capacity: str  # "12 / 100 sold", or "12 sold" without a cap
    checked_in: str  # "3 checked in"
    manage_url: str


@dataclass(frozen=True)
class RecentOrderLine:
    reference: str
    event_title: str
    buyer: str
    email: str
    amount: str
    status: str
    status_label: str
    placed: str  # in the event's zone: "5 Dec 2026, 18:42 EAT"


def upcoming_line(workspace_id: str, row: UpcomingEventRow) -> UpcomingLine:
    sold = f"{row.tickets_sold} sold" if row.capacity is None else f"{row.tickets_sold} / {row.capacity} sold"
    return UpcomingLine(
        short_id=row.short_id,
        title=row.title,
        status=row.status,
        when=row.when,
        sold_of_capacity=sold,
        checked_in=f"{row.checked_in} checked in",
        manage_url=routes.event_manage_url(workspace_id, row.short_id),
    )


def recent_order_line(row: RecentOrderRow) -> RecentOrderLine:
    placed = row.created_at.astimezone(time_zone(row.timezone))
    return RecentOrderLine(
        reference=row.reference,
        event_title=row.event_title,
        buyer=row.buyer_name,
        email=row.buyer_email,
        amount=format_money(row.amount, row.currency),
        status=row.status,
        status_label=row.status_label,
        placed=f"{placed:%-d %b %Y}, {placed:%H:%M %Z}",
    )


class WorkspaceDashboardState(DraftNoticeMixin, AuthState):
    """What the dashboard lists (and the creator's unfinished event); the shell (`WorkspaceState`)
    loads the workspace itself first."""

    upcoming: list[UpcomingLine] = []
    recent_orders: list[RecentOrderLine] = []
    can_create_events: bool = False
    can_view_orders: bool = False
    dashboard_loaded: bool = False
    dashboard_problem: str = ""

    @rx.var
    def upcoming_count(self) -> str:
        return plural(len(self.upcoming), "upcoming event")

    @rx.var
    def new_event_url(self) -> str:
        workspace_id = workspace_in(self.router.url.path)
        return routes.workspace_url(workspace_id, "events/new") if workspace_id else ""

    @rx.event
    async def load_dashboard(self) -> None:
        self.dashboard_loaded, self.dashboard_problem = False, ""
        workspace_id = workspace_in(self.router.url.path)
        try:
            actor = await self.require_user()
            board = await call_service(sales.workspace_dashboard, actor=actor, workspace_id=workspace_id)
        except DomainError as error:
            self.upcoming, self.recent_orders = [], []
            self.can_create_events = self.can_view_orders = False
            self.dashboard_problem, self.dashboard_loaded = error.message, True
            return
        self.upcoming = [upcoming_line(workspace_id, row) for row in board.upcoming]
        self.recent_orders = [recent_order_line(row) for row in board.recent_orders]
        self.can_create_events, self.can_view_orders = board.can_create_events, board.can_view_orders
        self.dashboard_loaded = True
        await self._load_draft(actor)
