"""/account/orders: the signed-in buyer's orders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import reflex as rx

from eventpalour import routes
from eventpalour.services import sales
from eventpalour.services.platform import (
    DEFAULT_LANGUAGE,
    DomainError,
    event_when,
    format_money,
    gettext,
    ticket_count_words,
)
from eventpalour.services.sales import OrderSummary, PriceLine
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin


def _transferred(recipients: list[str], language: str = DEFAULT_LANGUAGE) -> str:
    """Whom the buyer gave tickets to, without codes: `Transferred to Brian Otieno, c•••@example.com (2 tickets)`."""
    if not recipients:
        return ""
    counts = Counter(recipients)
    names = [name if counts[name] == 1 else f"{name} ({ticket_count_words(counts[name], language)})" for name in counts]
    return gettext(language, "Transferred to ") + ", ".join(names)


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
    price_rows: list[PriceLine]  # tickets × n, platform fee when passed on, total


def order_line(o: OrderSummary, language: str = DEFAULT_LANGUAGE) -> OrderLine:
    """An order as the buyer's history shows it, its date and money in the reader's `language`."""
    return OrderLine(
        order=o,
        event_url=routes.event_url(o.event_short_id),
        when=event_when(o.event_start, o.event_timezone, language=language),
        amount=format_money(o.amount, o.currency, language) if o.amount else gettext(language, "Free"),
        codes=" · ".join(o.ticket_codes),
        transferred=_transferred(o.transferred_to, language),
        price_rows=list(o.price_lines),
    )


@dataclass(frozen=True)
class RequestTarget:
    """The order the refund request dialog is open on; blank while it is closed."""

    id: str = ""
    reference: str = ""
    event_title: str = ""
    refundable: str = ""
    policy: str = ""


@dataclass(frozen=True)
class RequestChoice:
    """A ticket the buyer can ask a refund for."""

    id: str
    code: str
    tier: str
    price: str


class OrdersState(FormMixin, AuthState):
    order_rows: list[OrderLine] = []
    orders_loaded: bool = False
    request_open: bool = False
    request_order: RequestTarget = RequestTarget()
    request_tickets: list[RequestChoice] = []
    request_selected: list[str] = []
    request_reason: str = ""

    @rx.event
    async def load_orders(self):
        self.orders_loaded = False
        try:
            actor = await self.require_user()
            found = await call_service(sales.list_my_orders, actor=actor, language=self._language())
        except DomainError as error:
            self.orders_loaded = True
            return self.show_error(error)
        self.order_rows = [order_line(o, self._language()) for o in found]
        self.orders_loaded = True
        return None

    @rx.event
    async def open_refund_request(self, order_id: str):
        """Load the tickets a refund can be asked for (all ticked) and open the dialog."""
        try:
            actor = await self.require_user()
            options = await call_service(sales.refund_request_options, actor=actor, order_id=order_id)
        except DomainError as error:
            return self.show_error(error)
        self.request_order = RequestTarget(
            id=options.order_id,
            reference=options.reference,
            event_title=options.event_title,
            refundable=format_money(options.refundable, options.currency, self._language()),
            policy=options.policy,
        )
        self.request_tickets = [
            RequestChoice(
                t.id, t.short_code, t.tier_name, format_money(t.unit_price, options.currency, self._language())
            )
            for t in options.tickets
        ]
        self.request_selected = [t.id for t in options.tickets]
        self.request_reason, self.field_errors, self.form_error, self.is_submitting = "", {}, "", False
        self.request_open = True
        return None

    @rx.event
    def set_request_open(self, is_open: bool) -> None:
        self.request_open = is_open

    @rx.event
    def toggle_request_ticket(self, ticket_id: str, checked: bool) -> None:
        self.request_selected = [t for t in self.request_selected if t != ticket_id] + ([ticket_id] if checked else [])

    @rx.event
    def set_request_reason(self, value: str) -> None:
        self.request_reason = value

    @rx.event
    async def submit_refund_request(self):
        self._start()
        yield
        try:
            actor = await self.require_user()
            request = await call_service(
                sales.request_refund,
                actor=actor,
                order_id=self.request_order.id,
                ticket_ids=self.request_selected,
                reason=self.request_reason,
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.request_open = False, False
        money = format_money(request.amount, request.currency, self._language())
        yield rx.toast.success(
            self._t("Refund of {money} requested. We email you when the organizers answer.").format(money=money)
        )
        yield OrdersState.load_orders
