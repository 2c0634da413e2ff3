"""The Orders tab of an event's manage page: filter, search, pages, and the event's money totals."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from eventpalour.services import identity, sales
from eventpalour.services.platform import (
    N_,
    DomainError,
    PermissionDenied,
    ValidationFailed,
    event_when,
    format_amount,
    format_money,
    gettext,
    parse_amount,
    price_label,
    said,
    ticket_count_words,
)
from eventpalour.services.sales import STATUS_LABELS, EventOrderRow, RefundProgress, RefundRequestView
from eventpalour.state.base import AuthState, call_service, second_factor_words
from eventpalour.state.event_waitlist import EventWaitlistState
from eventpalour.state.events import EventManageState, event_in
from eventpalour.state.money_text import EventFiguresText, event_figures_text

NO_REFUNDS = RefundProgress(total=0, processed=0, failed=0, in_flight=0)


def _money(minor: int | None, currency: str, language: str) -> str:
    return "—" if minor is None else format_money(minor, currency, language)


@dataclass(frozen=True)
class OrderLine:
    """One order in the tab, with what the services allow on it (`refund_refusal`, `cancel_refusal`)."""

    id: str
    reference: str
    buyer: str
    email: str
    status: str
    status_label: str
    tickets: int
    amount: str
    share: str
    placed: str
    flag: str
    refund: str
    refund_status: str
    can_refund: bool
    can_cancel: bool
    can_edit_answers: bool = False
    discount: str = ""  # "EARLY20 − KES 200.00", or "" without a code
    answers: list[str] = field(default_factory=list)  # answers to attendee questions, one line each


@dataclass(frozen=True)
class RefundTarget:
    """The order the refund dialog is open on; blank while it is closed."""

    id: str = ""
    reference: str = ""
    currency: str = "KES"
    refundable: str = ""


@dataclass(frozen=True)
class RefundChoice:
    """A ticket the refund can void."""

    id: str
    code: str
    tier: str
    price: str


@dataclass(frozen=True)
class RequestLine:
    """A buyer's refund request waiting for an answer, with whether it can be approved and why not."""

    id: str
    reference: str
    buyer: str
    email: str
    amount: str
    tickets: str
    reason: str
    asked: str
    can_approve: bool
    approve_refusal: str
    policy: str = ""  # the refund policy the order was placed under


def request_line(request: RefundRequestView, zone_name: str, language: str) -> RequestLine:
    return RequestLine(
        id=request.id,
        reference=request.reference,
        buyer=request.buyer_name,
        email=request.buyer_email,
        amount=format_money(request.amount, request.currency, language),
        tickets=" · ".join(request.ticket_codes),
        reason=request.reason,
        asked=event_when(request.created_at, zone_name, language=language),
        can_approve=request.can_approve,
        approve_refusal=gettext(language, request.approve_refusal),
        policy=request.policy,
    )


@dataclass(frozen=True)
class DeclineTarget:
    """The request the decline dialog is open on; blank while it is closed."""

    id: str = ""
    reference: str = ""


def order_row(row: EventOrderRow, zone_name: str, language: str) -> OrderLine:
    return OrderLine(
        id=row.order_id,
        reference=row.reference,
        buyer=row.buyer_name,
        email=row.buyer_email,
        status=row.status,
        status_label=gettext(language, STATUS_LABELS.get(row.status, row.status)),
        tickets=row.tickets,
        amount=price_label(row.amount, row.currency, language),
        share=_money(row.organizer_share, row.currency, language) if row.amount else "—",
        placed=event_when(row.created_at, zone_name, language=language),
        flag=gettext(language, row.flagged_reason) if row.flagged_reason else "",
        refund=gettext(language, row.refund_label),
        refund_status=row.latest_refund_status,
        can_refund=row.can_refund,
        can_cancel=row.can_cancel,
        can_edit_answers=row.can_edit_answers,
        discount=(
            f"{row.discount_code} − {format_money(row.discount, row.currency, language)}" if row.discount_code else ""
        ),
        answers=[said(language, answer) for answer in row.answers],
    )


class EventOrdersState(AuthState):
    """The Orders tab of /workspace/{id}/events/{short_id} (the rest of the page is EventManageState)."""

    order_rows: list[OrderLine] = []
    order_totals: EventFiguresText = EventFiguresText()
    orders_total: int = 0
    orders_page: int = 1
    orders_status: str = "all"
    orders_search: str = ""
    orders_loaded: bool = False
    orders_problem: str = ""
    refund_open: bool = False
    refund_busy: bool = False
    refund_order: RefundTarget = RefundTarget()
    refund_tickets: list[RefundChoice] = []
    refund_selected: list[str] = []
    refund_amount: str = ""
    refund_reason: str = ""
    refund_errors: dict[str, str] = {}
    refund_progress: RefundProgress = NO_REFUNDS
    # Refunds and approving refund requests need two-factor: the tab says so before any click.
    refund_second_factor: identity.SecondFactorNeed = identity.SECOND_FACTOR_NOT_NEEDED
    _ticket_prices: dict[str, int] = {}
    refund_requests: list[RequestLine] = []
    decline_open: bool = False
    decline_busy: bool = False
    decline_request: DeclineTarget = DeclineTarget()
    decline_reason: str = ""
    decline_error: str = ""

    def _event_ref(self) -> str:
        return event_in(self.router.url.path)

    @rx.var
    def orders_has_next(self) -> bool:
        return self.orders_page * sales.PAGE_SIZE < self.orders_total

    @rx.event
    async def load_orders(self):
        self.orders_loaded, self.orders_problem = False, ""
        yield
        try:
            actor = await self.require_user()
            found = await call_service(
                sales.event_orders,
                actor=actor,
                event_id=self._event_ref(),
                status="" if self.orders_status == "all" else self.orders_status,
                search=self.orders_search,
                page=self.orders_page,
            )
        except DomainError as error:
            self.order_rows, self.orders_problem = [], error.in_language(self._language())
            self.orders_loaded = True
            return
        zone_name = (await self.get_state(EventManageState)).event.timezone
        self.order_rows = [order_row(row, zone_name, self._language()) for row in found.rows]
        self.order_totals = event_figures_text(found.totals, self._language())
        self.orders_total = found.total
        self.refund_second_factor = second_factor_words(found.refund_second_factor, self._language())
        progress = await call_service(sales.event_refund_progress, actor=actor, event_id=self._event_ref())
        self.refund_progress = progress
        try:
            requests = await call_service(sales.event_refund_requests, actor=actor, event_id=self._event_ref())
        except PermissionDenied:
            requests = []  # moderators see orders; answering refund requests is for admins and above
        self.refund_requests = [request_line(r, zone_name, self._language()) for r in requests]
        self.orders_loaded = True

    @rx.event
    def tab_changed(self, tab: str):
        return [EventOrdersState.load_orders, EventWaitlistState.load_waitlists] if tab == "orders" else None

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

    @rx.event
    async def open_refund(self, order_id: str):
        """Load what can be refunded on the order and open the refund dialog."""
        try:
            actor = await self.require_user()
            options = await call_service(sales.refund_options, actor=actor, order_id=order_id)
        except DomainError as error:
            return self.show_error(error)
        self.refund_order = RefundTarget(
            id=options.order_id,
            reference=options.reference,
            currency=options.currency,
            refundable=format_money(options.refundable, options.currency, self._language()),
        )
        language = self._language()
        self.refund_tickets = [
            RefundChoice(
                id=t.id,
                code=t.short_code,
                tier=t.tier_name,
                price=format_money(t.unit_price, options.currency, language),
            )
            for t in options.tickets
            if t.can_choose
        ]
        self._ticket_prices = {t.id: t.unit_price for t in options.tickets}
        self.refund_selected, self.refund_reason, self.refund_errors = [], "", {}
        self.refund_amount = format_amount(options.refundable, options.currency)
        self.refund_open = True
        return None

    @rx.event
    def set_refund_open(self, is_open: bool) -> None:
        self.refund_open = is_open

    @rx.event
    def toggle_refund_ticket(self, ticket_id: str, checked: bool) -> None:
        """Choosing tickets suggests their price as the amount; the organizer may still change it."""
        chosen = [t for t in self.refund_selected if t != ticket_id] + ([ticket_id] if checked else [])
        self.refund_selected = chosen
        if chosen:
            total = sum(self._ticket_prices.get(t, 0) for t in chosen)
            self.refund_amount = format_amount(total, self.refund_order.currency)

    @rx.event
    def set_refund_amount(self, value: str) -> None:
        self.refund_amount = value

    @rx.event
    def set_refund_reason(self, value: str) -> None:
        self.refund_reason = value

    @rx.event
    async def submit_refund(self):
        currency = self.refund_order.currency
        amount = parse_amount(self.refund_amount, currency)
        if amount is None:
            self.refund_errors = {
                "amount": self._t(N_("Enter an amount in {currency}, like 1500 or 1500.50.")).format(currency=currency)
            }
            return
        self.refund_busy = True
        yield
        try:
            actor = await self.require_user()
            refund = await call_service(
                sales.process_refund,
                actor=actor,
                order_id=self.refund_order.id,
                amount=amount,
                ticket_ids=self.refund_selected,
                reason=self.refund_reason,
            )
        except ValidationFailed as error:
            self.refund_busy = False
            language = self._language()
            self.refund_errors = {str(d.path[0]): d.in_language(language) for d in error.details if d.path} or {
                "reason": error.in_language(language)
            }
            return
        except DomainError as error:
            self.refund_busy = False
            yield self.show_error(error)
            return
        self.refund_busy, self.refund_open, self.refund_errors = False, False, {}
        money = format_money(refund.amount, refund.currency, self._language())
        started = self._t(N_("Refund of {money} started. The buyer is emailed when Paystack completes it."))
        yield rx.toast.success(started.format(money=money))
        yield EventOrdersState.load_orders

    @rx.event
    async def cancel_registration(self, order_id: str):
        """Free orders are cancelled rather than refunded; the guest is told why."""
        try:
            actor = await self.require_user()
            count = await call_service(
                sales.cancel_free_order,
                actor=actor,
                order_id=order_id,
                reason=N_("The organizers cancelled this registration."),
            )
        except DomainError as error:
            yield self.show_error(error)
            return
        released = ticket_count_words(count, self._language())
        yield rx.toast.success(self._t(N_("Registration cancelled: {tickets} released.")).format(tickets=released))
        yield EventOrdersState.load_orders

    @rx.event
    async def approve_request(self, request_id: str):
        """Refund what the buyer asked for through the refund path; the buyer is emailed."""
        try:
            actor = await self.require_user()
            answered = await call_service(sales.approve_refund_request, actor=actor, request_id=request_id)
        except DomainError as error:
            yield self.show_error(error)
            yield EventOrdersState.load_orders
            return
        money = format_money(answered.amount, answered.currency, self._language())
        approved = self._t(N_("Refund request approved: {money} is being refunded and the buyer is emailed."))
        yield rx.toast.success(approved.format(money=money))
        yield EventOrdersState.load_orders

    @rx.event
    def open_decline(self, request_id: str, reference: str) -> None:
        self.decline_request = DeclineTarget(id=request_id, reference=reference)
        self.decline_reason, self.decline_error, self.decline_busy = "", "", False
        self.decline_open = True

    @rx.event
    def set_decline_open(self, is_open: bool) -> None:
        self.decline_open = is_open

    @rx.event
    def set_decline_reason(self, value: str) -> None:
        self.decline_reason = value

    @rx.event
    async def submit_decline(self):
        self.decline_busy, self.decline_error = True, ""
        yield
        try:
            actor = await self.require_user()
            await call_service(
                sales.decline_refund_request,
                actor=actor,
                request_id=self.decline_request.id,
                reason=self.decline_reason,
            )
        except ValidationFailed as error:
            self.decline_busy, self.decline_error = False, error.in_language(self._language())
            return
        except DomainError as error:
            self.decline_busy, self.decline_open = False, False
            yield self.show_error(error)
            yield EventOrdersState.load_orders
            return
        self.decline_busy, self.decline_open = False, False
        yield rx.toast.success(self._t(N_("Refund request declined. The buyer is emailed your reason.")))
        yield EventOrdersState.load_orders
