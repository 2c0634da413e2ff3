"""/account/orders: the signed-in buyer's orders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.services import sales
from eventpalour.services.platform import DomainError, event_when, format_money
from eventpalour.services.sales import OrderSummary
from eventpalour.state.base import AuthState, call_service


def _transferred(recipients: list[str]) -> str:
    """Whom the buyer gave tickets to, without codes: `Transferred to Brian Otieno, c•••@example.com (2 tickets)`."""
    if not recipients:
        return ""
    counts = Counter(recipients)
    names = [name if counts[name] == 1 else f"{name} ({counts[name]} tickets)" for name in counts]
    return "Transferred to " + ", ".join(names)


@dataclass(frozen=True)
class OrderLine:
    """An order in the buyer's history: the service's summary ("Complete payment" shows by its
    can_complete_payment) and the texts the page adds."""

    order: OrderSummary
    event_url: str
    when: str
    amount: str  # with its currency, or "Free"
    codes: str
    transferred: str
    discount: str = ""  # "Code EARLY20: − KES 200.00", or "" without a code


def order_line(o: OrderSummary) -> OrderLine:
    return OrderLine(
        order=o,
        event_url=routes.event_url(o.event_short_id),
        when=event_when(o.event_start, o.event_timezone),
        amount=format_money(o.amount, o.currency) if o.amount else "Free",
        codes=" · ".join(o.ticket_codes),
        transferred=_transferred(o.transferred_to),
        discount=f"Code {o.discount_code}: − {format_money(o.discount, o.currency)}" if o.discount_code else "",
    )


class OrdersState(AuthState):
    order_rows: list[OrderLine] = []
    orders_loaded: bool = False

    @rx.event
    async def load_orders(self):
        self.orders_loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(sales.list_my_orders, actor=actor)
        except DomainError as error:
            self.orders_loaded = True
            return self.show_error(error)
        self.order_rows = [order_line(o) for o in found]
        self.orders_loaded = True
        return None
