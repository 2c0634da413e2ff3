"""An event's orders as its organizers see them (SPEC §1.3 "view attendees", §5): a filtered,
paginated list and the money totals of the event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only
from eventpalour.models import OPEN_ORDER_STATUSES, DiscountCode, Order, OrderItem, OrderStatus, Refund, User
from eventpalour.services import identity
from eventpalour.services.finance import EventSalesTotals, event_money
from eventpalour.services.identity import SecondFactorNeed, UserSummary
from eventpalour.services.platform import clean_line, stored_message
from eventpalour.services.sales.answer_edits import EDITABLE_STATUSES
from eventpalour.services.sales.answer_views import order_answer_lines
from eventpalour.services.sales.refunds import cancel_refusal, refund_label, refund_refusal
from eventpalour.services.workspaces import WorkspaceAction, allows, load_event_for, load_workspace_for

PAGE_SIZE = 25
# What an organizer filters by, in their words, and the stored statuses behind each.
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "paid": (OrderStatus.COMPLETED,),
    "awaiting": OPEN_ORDER_STATUSES,
    "refunded": (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED),
    "failed": (OrderStatus.FAILED,),
    "cancelled": (OrderStatus.CANCELLED,),
}


@dataclass(frozen=True)
class EventOrderRow:
    order_id: str
    reference: str
    buyer_name: str
    buyer_email: str
    status: str
    tickets: int
    amount: int
    currency: str
    platform_fee: int
    provider_fee: int | None
    organizer_share: int | None
    created_at: datetime
    flagged_reason: str | None
    refunded_amount: int
    latest_refund_status: str  # empty when the order has no refund
    refund_label: str  # the latest refund in words, e.g. "Refund pending" or "Payment mismatch, refunded"
    can_refund: bool  # refunds.refund_refusal is None: process_refund would take it
    can_cancel: bool  # refunds.cancel_refusal is None: cancel_free_order would take it
    discount_code: str = ""  # the discount code the order used ("" none)
    discount: int = 0  # what it took off, in minor units
    answers: tuple[str, ...] = ()  # its answers to attendee questions, per order and per ticket (answer_views)
    can_edit_answers: bool = False  # answer_edits.edit_order_answers would take new answers for it


@dataclass(frozen=True)
class EventOrdersPage:
    rows: list[EventOrderRow]
    total: int
    totals: EventSalesTotals
    # Refunding (and approving a refund request) asks for two-factor: said before the click.
    refund_second_factor: SecondFactorNeed = identity.SECOND_FACTOR_NOT_NEEDED


def event_orders(
    *, actor: UserSummary | None, event_id: str, status: str = "", search: str = "", page: int = 1
) -> EventOrdersPage:
    """A page of the event's orders, newest first, for moderators and above.

    `status` is one of STATUS_FILTERS (empty for all); `search` matches the reference, the buyer's
    email or name. Raises NotAuthenticated, NotFound, PermissionDenied.
    """
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.VIEW_ATTENDEES)
        query = (
            select(Order, User, DiscountCode.code)
            .join(User, col(User.id) == col(Order.buyer_id))
            .outerjoin(DiscountCode, col(DiscountCode.id) == col(Order.discount_code_id))
            .where(Order.event_id == event.id)
        )
        if status in STATUS_FILTERS:
            query = query.where(col(Order.status).in_(STATUS_FILTERS[status]))
        needle = clean_line(search).lower()
        if needle:
            pattern = f"%{needle}%"
            query = query.where(
                or_(
                    func.lower(Order.reference).like(pattern),
                    func.lower(User.email).like(pattern),
                    func.lower(User.full_name).like(pattern),
                )
            )
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        found = session.exec(
            query.order_by(col(Order.created_at).desc()).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()
        rows = order_rows(session, list(found))
        totals = event_money(session, event.id, event.currency)
        need = _refund_second_factor(session, actor, event.workspace_id)
    return EventOrdersPage(rows=rows, total=int(total), totals=totals, refund_second_factor=need)


def _refund_second_factor(session: Session, actor: UserSummary, workspace_id: str) -> SecondFactorNeed:
    """What `process_refund` would ask of the actor for two-factor; nothing for a role that may not
    refund at all (moderators see orders, and no refund buttons)."""
    role = load_workspace_for(session, actor, workspace_id, WorkspaceAction.VIEW).role
    if not allows(role, WorkspaceAction.MANAGE_BILLING):
        return identity.SECOND_FACTOR_NOT_NEEDED
    return identity.second_factor_need(session, actor, "refund")


def order_rows(session: Session, found: list[tuple[Order, User, str | None]]) -> list[EventOrderRow]:
    """The listed orders as organizers read them: ticket counts, latest refund, answers, action flags."""
    order_ids = [order.id for order, _, _ in found]
    quantities = _ticket_counts(session, order_ids)
    latest_refunds = _latest_refund_status(session, order_ids)
    answers = order_answer_lines(session, order_ids)
    return [
        EventOrderRow(
            order_id=order.id,
            reference=order.reference,
            buyer_name=buyer.full_name or buyer.username,
            buyer_email=buyer.email,
            status=order.status,
            tickets=quantities.get(order.id, 0),
            amount=order.amount,
            currency=order.currency,
            platform_fee=order.platform_fee,
            provider_fee=order.provider_fee,
            organizer_share=order.organizer_share,
            created_at=order.created_at,
            flagged_reason=stored_message(order.flagged_reason, order.flagged_template, order.flagged_values)
            if order.flagged_reason
            else None,
            refunded_amount=order.refunded_amount,
            latest_refund_status=latest_refunds.get(order.id, ("", ""))[1],
            refund_label=refund_label(*latest_refunds[order.id]) if order.id in latest_refunds else "",
            can_refund=refund_refusal(status=order.status, amount=order.amount, refunded_amount=order.refunded_amount)
            is None,
            can_cancel=cancel_refusal(status=order.status, amount=order.amount) is None,
            discount_code=code or "",
            discount=order.discount_amount,
            answers=answers.get(order.id, ()),
            can_edit_answers=order.id in answers and order.status in EDITABLE_STATUSES,
        )
        for order, buyer, code in found
    ]


def _ticket_counts(session: Session, order_ids: list[str]) -> dict[str, int]:
    if not order_ids:
        return {}
    return dict(
        session.exec(
            select(OrderItem.order_id, func.sum(OrderItem.quantity))
            .where(col(OrderItem.order_id).in_(order_ids))
            .group_by(col(OrderItem.order_id))
        ).all()
    )


def _latest_refund_status(session: Session, order_ids: list[str]) -> dict[str, tuple[str, str]]:
    """{order id: (kind, status) of its newest refund}."""
    latest: dict[str, tuple[str, str]] = {}
    if order_ids:
        for order_id, kind, status in session.exec(
            select(Refund.order_id, Refund.kind, Refund.status)
            .where(col(Refund.order_id).in_(order_ids))
            .order_by(col(Refund.created_at))
        ):
            latest[order_id] = (kind, status)
    return latest
