"""The Orders tab of an event's manage page: filter, search, pages, and the event's money totals."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import event_orders
from eventpalour.services.dates import event_when
from eventpalour.services.errors import DomainError
from eventpalour.services.event_orders import EventOrderRow, EventSalesTotals
from eventpalour.services.money import format_money
from eventpalour.state.base import call_service
from eventpalour.state.events import EventManageState
from eventpalour.state.orders import STATUS_LABELS


def _money(minor: int | None, currency: str) -> str:
    return "—" if minor is None else format_money(minor, currency)


def order_row(row: EventOrderRow, zone_name: str) -> dict[str, str]:
    return {
        "id": row.order_id,
        "reference": row.reference,
        "buyer": row.buyer_name,
        "email": row.buyer_email,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "tickets": str(row.tickets),
        "amount": format_money(row.amount, row.currency) if row.amount else "Free",
        "share": _money(row.organizer_share, row.currency) if row.amount else "—",
        "placed": event_when(row.created_at, zone_name),
        "flag": row.flagged_reason or "",
    }


def totals_dict(totals: EventSalesTotals) -> dict[str, str]:
    return {
        "paid_orders": str(totals.paid_orders),
        "tickets": str(totals.tickets),
        "gross": format_money(totals.gross, totals.currency),
        "platform_fees": format_money(totals.platform_fees, totals.currency),
        "provider_fees": format_money(totals.provider_fees, totals.currency),
        "net": format_money(totals.organizer_share, totals.currency),
    }


class EventOrdersState(EventManageState):
    order_rows: list[dict[str, str]] = []
    order_totals: dict[str, str] = {}
    orders_total: int = 0
    orders_page: int = 1
    orders_status: str = "all"
    orders_search: str = ""
    orders_loaded: bool = False
    orders_problem: str = ""

    @rx.var
    def orders_has_next(self) -> bool:
        return self.orders_page * event_orders.PAGE_SIZE < self.orders_total

    @rx.event
    async def load_orders(self):
        self.orders_loaded, self.orders_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            found = await call_service(
                event_orders.event_orders,
                actor=actor,
                event_id=self._event_ref(),
                status="" if self.orders_status == "all" else self.orders_status,
                search=self.orders_search,
                page=self.orders_page,
            )
        except DomainError as error:
            self.order_rows, self.orders_problem, self.orders_loaded = [], error.message, True
            return
        zone_name = self.values.get("timezone", "")
        self.order_rows = [order_row(row, zone_name) for row in found.rows]
        self.order_totals = totals_dict(found.totals)
        self.orders_total = found.total
        self.orders_loaded = True

    @rx.event
    def tab_changed(self, tab: str):
        return EventOrdersState.load_orders if tab == "orders" else None

    @rx.event
    def filter_status(self, status: str | list[str]):
        self.orders_status = status if isinstance(status, str) else (status[0] if status else "all")
        self.orders_page = 1
        return EventOrdersState.load_orders

    @rx.event
    def search_orders(self, form: dict[str, str]):
        self.orders_search = (form.get("search") or "").strip()[:120]
        self.orders_page = 1
        return EventOrdersState.load_orders

    @rx.event
    def turn_page(self, step: int):
        self.orders_page = max(1, self.orders_page + (1 if step > 0 else -1))
        return EventOrdersState.load_orders
