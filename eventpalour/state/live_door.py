"""/workspace/{id}/events/{short_id}/door: the live door dashboard (#21 §6), read whole from
services/tickets/live_door.py and read again every few seconds while the page is open."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.services import tickets
from eventpalour.services.platform import DomainError, said
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.events import event_in

REFRESH_SECONDS = 5


@dataclass(frozen=True)
class ListCounter:
    id: str
    name: str
    tiers_label: str
    admitted: int
    total: int
    percent: int
    count_exits: bool
    inside: int


@dataclass(frozen=True)
class ListSeries:
    """One check-in list in the chart: its key in each chart row, its legend name and colour."""

    key: str  # "list0", "list1", …: a list's id could be any text, a key must be a safe property name
    name: str
    color: str


# Radix colour steps that read on light and dark panels alike; more lists than colours reuse them.
SERIES_COLORS = ("violet", "teal", "amber", "crimson", "blue", "grass", "orange", "plum", "cyan", "brown")


@dataclass(frozen=True)
class DeviceShown:
    device_id: str
    label: str
    check_ins: int
    last_seen: str
    online: bool


@dataclass(frozen=True)
class ConflictShown:
    code: str
    holder: str
    list_name: str
    first_device: str
    first_at: str
    second_device: str
    second_at: str


class LiveDoorState(AuthState):
    board_loaded: bool = False
    board_problem: str = ""
    refresh_problem: str = ""  # the last refresh failed: the figures shown are older
    title: str = ""
    manage_url: str = ""
    scan_url: str = ""
    updated: str = ""
    counters: list[ListCounter] = []
    series: list[ListSeries] = []
    buckets: list[dict[str, str | int]] = []  # {"label": "19:45", "list0": 31, "list1": 4}
    devices: list[DeviceShown] = []
    conflicts: list[ConflictShown] = []

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    def _show(self, board: tickets.DoorDashboard) -> None:
        language = self._language()
        self.title, self.updated = board.title, board.updated_label
        self.counters = [
            ListCounter(
                r.id,
                said(language, r.name),
                said(language, r.tiers_label),
                r.admitted,
                r.total,
                round(r.admitted * 100 / r.total) if r.total else 0,
                r.count_exits,
                r.inside,
            )
            for r in board.lists
        ]
        self.series = [
            ListSeries(f"list{i}", said(language, r.name), f"var(--{SERIES_COLORS[i % len(SERIES_COLORS)]}-9)")
            for i, r in enumerate(board.lists)
        ]
        self.buckets = [
            {"label": b.label, **{f"list{i}": n for i, n in enumerate(b.admitted_per_list)}} for b in board.buckets
        ]
        self.devices = [
            DeviceShown(d.device_id, d.label, d.check_ins, self._t(d.last_seen_label), d.online) for d in board.devices
        ]
        self.conflicts = [
            ConflictShown(
                c.short_code,
                c.holder_name,
                said(language, c.list_name),
                said(language, c.first_device),
                c.first_at,
                c.second_device,
                c.second_at,
            )
            for c in board.conflicts
        ]

    @rx.event
    async def load_board(self):
        self.board_loaded, self.board_problem, self.refresh_problem = False, "", ""
        ref = self._event_ref()
        workspace_id = self.router.url.path.strip("/").split("/")[1] if ref else ""
        self.manage_url = routes.event_manage_url(workspace_id, ref)
        self.scan_url = routes.scan_url(ref)
        try:
            actor = await self.require_user()
            board = await call_service(tickets.door_dashboard, actor=actor, event_id=ref)
        except DomainError as error:
            self.board_problem, self.board_loaded = error.in_language(self._language()), True
            return
        self._show(board)
        self.board_loaded = True

    @rx.event
    async def refresh_board(self) -> None:
        if not self.board_loaded or self.board_problem:
            return
        try:
            actor = await self.require_user()
            board = await call_service(tickets.door_dashboard, actor=actor, event_id=self._event_ref())
        except DomainError as error:
            self.refresh_problem = error.in_language(self._language())
            return
        self.refresh_problem = ""
        self._show(board)
