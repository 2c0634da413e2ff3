"""Refund requests (#19 §5): a buyer asks for their money back within the event's refund policy,
a workspace admin approves (the organizer's refund path, `refunds.queue_refund`) or declines.

The rules, and where each is kept:
- whether an order may be asked about now, and why not: `refund_request_refusal`, the one answer
  for /account/orders (`can_request_refund`), the API and `request_refund`;
- one request waiting per order: the partial unique index `uq_refund_requests_open`, so two
  submits racing leave one (the second is refused with `OPEN_REQUEST`);
- one answer per request: approving and declining move it out of `pending` with one conditional
  UPDATE, so a double click or two admins at once refund it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import (
    ADMISSION_STATUSES,
    MONEY_HELD_STATUSES,
    Event,
    EventStatus,
    Order,
    RefundKind,
    RefundRequest,
    RefundRequestStatus,
    TicketStatus,
    User,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, identity, platform
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    clean_text,
    format_money,
    gettext,
    language_or_default,
)
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.refund_policy import RefundTerms, order_terms, policy_summary, window_refusal
from eventpalour.services.sales.refunds import queue_refund, refund_refusal
from eventpalour.services.sales.store import OrderTicket
from eventpalour.services.workspaces import WorkspaceAction, load_event_for, recipients_allowed

logger = logging.getLogger("eventpalour.refund_requests")

MAX_REASON = 500
OPEN_REQUEST = N_("You have already asked for a refund of this order; the organizers have not answered yet.")
ANSWERED = N_("This refund request has already been answered.")


@dataclass(frozen=True)
class RequestFacts:
    """What decides whether a buyer may ask for a refund of an order now."""

    status: str
    amount: int
    refunded_amount: int
    event_status: str
    terms: RefundTerms
    has_open_request: bool
    refundable_tickets: int  # valid tickets of the order the buyer still holds


def refund_request_refusal(facts: RequestFacts, now: datetime) -> DomainError | None:
    """Why the buyer may not ask for a refund of this order at `now`, or None when they may."""
    if facts.amount == 0:
        return Conflict(N_("Free registrations have nothing to refund."))
    if facts.status not in MONEY_HELD_STATUSES:
        return Conflict(N_("Only paid orders can be refunded."))
    if facts.refunded_amount >= facts.amount:
        return Conflict(N_("This order has already been refunded."))
    if facts.event_status == EventStatus.CANCELLED:
        return Conflict(N_("The event was cancelled, so this order is refunded in full without asking."))
    if facts.has_open_request:
        return Conflict(OPEN_REQUEST)
    if refusal := window_refusal(facts.terms, now):
        return refusal
    if facts.refundable_tickets == 0:
        return Conflict(N_("None of this order's tickets can be refunded now (used, refunded or given away)."))
    return None


def shows_refusal(facts: RequestFacts) -> bool:
    """Whether the buyer's order list says why a refund cannot be asked: for a paid order still
    holding money and with no request waiting (its label says that already)."""
    return facts.amount > 0 and facts.status in MONEY_HELD_STATUSES and not facts.has_open_request


def requested_amount(
    *, amount: int, subtotal: int, refunded_amount: int, chosen_prices: int, every_ticket: bool
) -> int:
    """What refunding the chosen tickets gives back: everything still refundable when they are every
    ticket the order has left, else their share of what was paid (the discount and a passed-on fee
    shared out by price, rounded down), never more than is left and never nothing."""
    left = amount - refunded_amount
    if every_ticket or subtotal <= 0:
        return left
    return min(left, max(1, amount * chosen_prices // subtotal))


def open_request_orders(session: Session, order_ids: list[str]) -> set[str]:
    """The orders among `order_ids` with a request waiting for an answer."""
    if not order_ids:
        return set()
    return set(
        session.exec(
            select(RefundRequest.order_id).where(
                col(RefundRequest.order_id).in_(order_ids), RefundRequest.status == RefundRequestStatus.PENDING
            )
        ).all()
    )


REQUEST_LABELS = {
    RefundRequestStatus.PENDING: N_("Refund requested, waiting for the organizers"),
    RefundRequestStatus.APPROVED: N_("Refund request approved"),
    RefundRequestStatus.DECLINED: N_("Refund request declined"),
}


def request_labels(session: Session, order_ids: list[str], language: str | None = None) -> dict[str, str]:
    """{order id: its newest request in words, with the organizers' reason when declined}, in the
    buyer's `language` (the reason as the organizers typed it)."""
    labels: dict[str, str] = {}
    if order_ids:
        for order_id, status, reason in session.exec(
            select(RefundRequest.order_id, RefundRequest.status, RefundRequest.decision_reason)
            .where(col(RefundRequest.order_id).in_(order_ids))
            .order_by(col(RefundRequest.created_at))
        ):
            label = gettext(language, REQUEST_LABELS.get(status, status))
            # One sentence with its values, so French writes its own "… : reason".
            if reason:
                label = gettext(language, "{status}: {reason}").format(status=label, reason=reason)
            labels[order_id] = label
    return labels


def _buyers_tickets(tickets: list[OrderTicket], buyer_id: str) -> list[OrderTicket]:
    """The tickets a refund request can name: valid ones the buyer still holds."""
    return [t for t in tickets if t.status == TicketStatus.VALID and t.holder_id == buyer_id]


@dataclass(frozen=True)
class RequestableTicket:
    id: str
    short_code: str
    tier_name: str
    unit_price: int


@dataclass(frozen=True)
class RefundRequestOptions:
    """What the buyer's refund request dialog offers for one order."""

    order_id: str
    reference: str
    event_title: str
    currency: str
    refundable: int  # what is left to refund on the order
    policy: str  # the policy in one line
    tickets: list[RequestableTicket]


@dataclass(frozen=True)
class _Loaded:
    order: Order
    event: Event
    tickets: list[OrderTicket]
    facts: RequestFacts


def _load_buyers_order(session: Session, actor: UserSummary | None, order_id: str) -> _Loaded:
    if actor is None:
        raise NotAuthenticated()
    order = session.get(Order, order_id or "")
    if order is None or order.buyer_id != actor.id:
        raise NotFound(N_("This order does not exist."))
    event = session.get(Event, order.event_id)
    tickets = sales_store.order_tickets(session.connection(), order.id)
    facts = RequestFacts(
        status=order.status,
        amount=order.amount,
        refunded_amount=order.refunded_amount,
        event_status=event.status,
        terms=order_terms(order, event),
        has_open_request=bool(open_request_orders(session, [order.id])),
        refundable_tickets=len(_buyers_tickets(tickets, actor.id)),
    )
    return _Loaded(order, event, tickets, facts)


def refund_request_options(*, actor: UserSummary | None, order_id: str) -> RefundRequestOptions:
    """The order's tickets a refund can be asked for (the buyer's own order, within the policy).
    Raises NotAuthenticated, NotFound, Conflict (why not now)."""
    with read_only() as session:
        loaded = _load_buyers_order(session, actor, order_id)
    now = utcnow()
    if refusal := refund_request_refusal(loaded.facts, now):
        raise refusal
    order = loaded.order
    return RefundRequestOptions(
        order_id=order.id,
        reference=order.reference,
        event_title=loaded.event.title,
        currency=order.currency,
        refundable=order.amount - order.refunded_amount,
        policy=policy_summary(loaded.facts.terms, now=now),
        tickets=[
            RequestableTicket(t.id, t.short_code, t.tier_name, t.unit_price)
            for t in _buyers_tickets(loaded.tickets, actor.id)
        ],
    )


@dataclass(frozen=True)
class RefundRequestView:
    """One refund request, as its buyer and the workspace's admins read it."""

    id: str
    order_id: str
    reference: str
    status: str
    amount: int
    currency: str
    ticket_codes: list[str]
    reason: str
    decision_reason: str
    created_at: datetime
    buyer_name: str = ""
    buyer_email: str = ""
    can_approve: bool = False  # pending, and the order can still be refunded (refunds.refund_refusal)
    approve_refusal: str = ""  # why not, when pending
    policy: str = ""  # the refund policy the order was placed under, in one line (for the decision)


def _clean_reason(reason: str, *, what: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed.field("reason", what)
    if len(reason) > MAX_REASON:
        raise ValidationFailed.field(
            "reason", N_("Keep the reason under {MAX_REASON} characters."), MAX_REASON=MAX_REASON
        )
    return reason


def request_refund(
    *, actor: UserSummary | None, order_id: str, ticket_ids: list[str], reason: str
) -> RefundRequestView:
    """The buyer asks for a refund of the chosen tickets of their paid order, and why; the workspace's
    admins are emailed. Raises NotAuthenticated, NotFound, ValidationFailed, Conflict (outside the
    policy, a request already waiting, nothing left to refund)."""
    reason = _clean_reason(reason, what="Say why you want a refund (the organizers read this).")
    chosen = list(dict.fromkeys(ticket_ids or []))
    if not chosen:
        raise ValidationFailed.field("tickets", N_("Choose at least one ticket to refund."))
    try:
        with transaction() as session:
            loaded = _load_buyers_order(session, actor, order_id)
            if refusal := refund_request_refusal(loaded.facts, utcnow()):
                raise refusal
            order, event = loaded.order, loaded.event
            mine = {t.id: t for t in _buyers_tickets(loaded.tickets, actor.id)}
            if any(ticket_id not in mine for ticket_id in chosen):
                raise ValidationFailed.field("tickets", N_("Choose valid tickets of this order that you still hold."))
            admitting = [t for t in loaded.tickets if t.status in ADMISSION_STATUSES]
            amount = requested_amount(
                amount=order.amount,
                subtotal=order.subtotal,
                refunded_amount=order.refunded_amount,
                chosen_prices=sum(mine[t].unit_price for t in chosen),
                every_ticket=len(chosen) == len(admitting),
            )
            request = RefundRequest(
                order_id=order.id,
                event_id=event.id,
                workspace_id=order.workspace_id,
                buyer_id=actor.id,
                ticket_ids=chosen,
                amount=amount,
                currency=order.currency,
                reason=reason,
            )
            session.add(request)
            session.flush()
            codes = [mine[t].short_code for t in chosen]
            _tell_admins(session, event, order, actor, request, codes)
            admin.record_audit(
                session,
                action="refund_request.create",
                actor_id=actor.id,
                target=("order", order.id),
                details={"request": request.id, "amount": amount, "tickets": len(chosen)},
            )
            view = _view(request, order.reference, codes)
    except IntegrityError as error:
        # uq_refund_requests_open: another request for this order got in first.
        raise Conflict(OPEN_REQUEST) from error
    logger.info("refund requested %s order=%s amount=%d", view.id, view.reference, view.amount)
    return view


def _tell_admins(
    session: Session, event: Event, order: Order, buyer: UserSummary, request: RefundRequest, codes: list[str]
) -> None:
    url = settings.app_url + routes.event_manage_url(event.workspace_id, event.short_id)
    who = buyer.full_name or buyer.email
    for email, language in recipients_allowed(session, event.workspace_id, WorkspaceAction.MANAGE_BILLING):
        spoken = language_or_default(language)
        money = format_money(request.amount, request.currency, spoken)
        platform.enqueue(
            session,
            platform.refund_request_received_email(
                email, event.title, order.reference, who, money, len(codes), request.reason, url, spoken
            ),
        )


def _view(
    request: RefundRequest,
    reference: str,
    codes: list[str],
    *,
    buyer: User | None = None,
    approve_refusal: str = "",
    policy: str = "",
) -> RefundRequestView:
    pending = request.status == RefundRequestStatus.PENDING
    return RefundRequestView(
        id=request.id,
        order_id=request.order_id,
        reference=reference,
        status=request.status,
        amount=request.amount,
        currency=request.currency,
        ticket_codes=codes,
        reason=request.reason,
        decision_reason=request.decision_reason,
        created_at=request.created_at,
        buyer_name=(buyer.full_name or buyer.username) if buyer else "",
        buyer_email=buyer.email if buyer else "",
        can_approve=pending and not approve_refusal,
        approve_refusal=approve_refusal if pending else "",
        policy=policy,
    )


def event_refund_requests(*, actor: UserSummary | None, event_id: str) -> list[RefundRequestView]:
    """The event's requests waiting for an answer, oldest first (workspace admin and above)."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_BILLING)
        rows = session.exec(
            select(RefundRequest, Order, User)
            .join(Order, col(Order.id) == col(RefundRequest.order_id))
            .join(User, col(User.id) == col(RefundRequest.buyer_id))
            .where(RefundRequest.event_id == event.id, RefundRequest.status == RefundRequestStatus.PENDING)
            .order_by(col(RefundRequest.created_at))
        ).all()
        connection = session.connection()
        codes = {
            request.id: {t.id: t.short_code for t in sales_store.order_tickets(connection, order.id)}
            for request, order, _ in rows
        }
    views = []
    for request, order, buyer in rows:
        refusal = refund_refusal(status=order.status, amount=order.amount, refunded_amount=order.refunded_amount)
        views.append(
            _view(
                request,
                order.reference,
                [codes[request.id].get(t, "") for t in request.ticket_ids],
                buyer=buyer,
                approve_refusal=refusal.message if refusal else "",
                policy=policy_summary(order_terms(order, event)),
            )
        )
    return views


def _answer(
    session: Session, actor: UserSummary | None, request_id: str, status: str, reason: str, event_ref: str | None
) -> RefundRequest:
    """Move the request out of pending, once: a second answer (a double click, another admin) is refused.
    `event_ref` (an id or short id, the API's path) must be the request's event when given."""
    request = session.get(RefundRequest, request_id or "")
    if request is None:
        raise NotFound(N_("This refund request does not exist."))
    event = load_event_for(session, actor, request.event_id, WorkspaceAction.MANAGE_BILLING)
    if event_ref is not None and event_ref not in (event.id, event.short_id):
        raise NotFound(N_("This refund request does not exist."))
    now = utcnow()
    answered = session.execute(
        update(RefundRequest)
        .where(col(RefundRequest.id) == request.id, col(RefundRequest.status) == RefundRequestStatus.PENDING)
        .values(status=status, decision_reason=reason, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if answered != 1:
        raise Conflict(ANSWERED)
    session.refresh(request)
    return request


def approve_refund_request(
    *, actor: UserSummary | None, request_id: str, event_id: str | None = None
) -> RefundRequestView:
    """Refund the request's tickets through the organizer's refund path (the tickets stop working now,
    Paystack is asked by the worker) and email the buyer. Raises NotAuthenticated, NotFound,
    PermissionDenied, Conflict (answered already, nothing left to refund), ValidationFailed (a
    chosen ticket was used or refunded since)."""
    with transaction() as session:
        request = _answer(session, actor, request_id, RefundRequestStatus.APPROVED, "", event_id)
        identity.require_second_factor(session, actor, "refund")  # a refund, as the organizer's own
        connection = session.connection()
        order = sales_store.order_for_refund(connection, request.order_id)
        if refusal := refund_refusal(status=order.status, amount=order.amount, refunded_amount=order.refunded_amount):
            raise refusal
        amount = min(request.amount, order.amount - order.refunded_amount)
        refund = queue_refund(
            session,
            order,
            amount=amount,
            ticket_ids=list(request.ticket_ids),
            reason=request.reason,
            kind=RefundKind.BUYER_REQUEST,
            requested_by_id=actor.id,
        )
        request.refund_id = refund.id
        codes = [t.short_code for t in sales_store.order_tickets(connection, order.id) if t.id in request.ticket_ids]
        buyer = session.get(User, order.buyer_id)
        event = session.get(Event, order.event_id)
        language = platform.language_or_default(buyer.language)
        platform.enqueue(
            session,
            platform.refund_request_approved_email(
                buyer.email,
                event.title,
                order.reference,
                format_money(amount, order.currency, language),
                ", ".join(codes),
                language,
            ),
        )
        admin.record_audit(
            session,
            action="refund_request.approve",
            actor_id=actor.id,
            target=("order", order.id),
            details={"request": request.id, "refund": refund.id, "amount": amount, "tickets": len(codes)},
        )
        view = _view(request, order.reference, codes)
    logger.info("refund request approved %s order=%s amount=%d", view.id, view.reference, amount)
    return view


def decline_refund_request(
    *, actor: UserSummary | None, request_id: str, reason: str, event_id: str | None = None
) -> RefundRequestView:
    """Decline the request with a reason the buyer is emailed; the tickets keep working."""
    reason = _clean_reason(reason, what="Say why you are declining (the buyer reads this).")
    with transaction() as session:
        request = _answer(session, actor, request_id, RefundRequestStatus.DECLINED, reason, event_id)
        order = session.get(Order, request.order_id)
        buyer = session.get(User, order.buyer_id)
        event = session.get(Event, order.event_id)
        platform.enqueue(
            session,
            platform.refund_request_declined_email(
                buyer.email, event.title, order.reference, reason, platform.language_or_default(buyer.language)
            ),
        )
        admin.record_audit(
            session,
            action="refund_request.decline",
            actor_id=actor.id,
            target=("order", order.id),
            details={"request": request.id},
        )
        view = _view(request, order.reference, [])
    return view
