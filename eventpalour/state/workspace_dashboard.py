"""/workspace/{id}: the workspace's dashboard, its upcoming events and latest orders (#24 §5)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.services import sales
from eventpalour.services.platform import N_, DomainError, count_words, date_label, format_money, gettext, time_zone
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


def upcoming_line(workspace_id: str, row: UpcomingEventRow, language: str) -> UpcomingLine:
    if row.capacity is None:
        sold = gettext(language, "{sold} sold").format(sold=row.tickets_sold)
    else:
        sold = gettext(language, "{sold} / {capacity} sold").format(sold=row.tickets_sold, capacity=row.capacity)
    return UpcomingLine(
        short_id=row.short_id,
        title=row.title,
        status=row.status,
        when=row.when,
        sold_of_capacity=sold,
        checked_in=gettext(language, "{count} checked in").format(count=row.checked_in),
        manage_url=routes.event_manage_url(workspace_id, row.short_id),
    )


def recent_order_line(row: RecentOrderRow, language: str) -> RecentOrderLine:
    placed = row.created_at.astimezone(time_zone(row.timezone))
    day = date_label(row.created_at, language, row.timezone)
    return RecentOrderLine(
        reference=row.reference,
        event_title=row.event_title,
        buyer=row.buyer_name,
        email=row.buyer_email,
        amount=format_money(row.amount, row.currency, language),
        status=row.status,
        status_label=row.status_label,
        placed=f"{day}, {placed:%H:%M %Z}",
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
        return count_words(
            len(self.upcoming), N_("{count} upcoming event"), N_("{count} upcoming events"), self._language()
        )

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
            board = await call_service(
                sales.workspace_dashboard, actor=actor, workspace_id=workspace_id, language=self._language()
            )
        except DomainError as error:
            self.upcoming, self.recent_orders = [], []
            self.can_create_events = self.can_view_orders = False
            self.dashboard_problem, self.dashboard_loaded = error.in_language(self._language()), True
            return
        language = self._language()
        self.upcoming = [upcoming_line(workspace_id, row, language) for row in board.upcoming]
        self.recent_orders = [recent_order_line(row, language) for row in board.recent_orders]
        self.can_create_events, self.can_view_orders = board.can_create_events, board.can_view_orders
        self.dashboard_loaded = True
        await self._load_draft(actor)
