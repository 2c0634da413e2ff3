"""Money rows for billing tests, written straight to the database the way checkout, refunds and
payouts leave them, so a test can set up any mix of states in a few lines."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from eventpalour.db import transaction
from eventpalour.models import Order, PlatformAdmin, Refund, Withdrawal
from eventpalour.models.types import utcnow
from eventpalour.services.sales.fees import organizer_share, price_of

_references = count(1)


def insert_order(
    event,
    buyer_id: str,
    *,
    subtotal: int,
    provider_fee: int,
    fee_mode: str = "absorb",
    currency: str | None = None,
    status: str = "completed",
    paid: bool = True,
    paid_at: datetime | None = None,
) -> str:
    """A paid (or, with `paid=False`, never paid) order of `event`, with fees as checkout computes them."""
    charge = price_of({"ticket": subtotal}, {"ticket": 1}, fee_mode)
    order = Order(
        reference=f"EVT-TEST-{next(_references):06d}",
        buyer_id=buyer_id,
        event_id=event.id,
        workspace_id=event.workspace_id,
        status=status,
        currency=currency or event.currency,
        subtotal=charge.subtotal,
        platform_fee=charge.platform_fee,
        amount=charge.amount,
        fee_mode=fee_mode,
        provider_fee=provider_fee if paid else None,
        organizer_share=organizer_share(charge.amount, charge.platform_fee, provider_fee) if paid else None,
        paid_at=(paid_at or utcnow()) if paid else None,
    )
    with transaction() as session:
        session.add(order)
    return order.id


def insert_refund(order_id: str, amount: int, status: str, *, created_at: datetime | None = None) -> str:
    """A refund row as services/refunds leaves it: a refund that has not failed holds its claim on the order."""
    with transaction() as session:
        order = session.get(Order, order_id)
        if status != "failed":
            order.refunded_amount += amount
        refund = Refund(
            order_id=order.id,
            event_id=order.event_id,
            workspace_id=order.workspace_id,
            amount=amount,
            currency=order.currency,
            status=status,
            created_at=created_at or utcnow(),
        )
        session.add(refund)
    return refund.id


def insert_withdrawal(workspace_id: str, user_id: str, currency: str, amount: int, status: str) -> str:
    with transaction() as session:
        row = Withdrawal(
            workspace_id=workspace_id,
            requested_by_id=user_id,
            currency=currency,
            amount=amount,
            method="bank",
            bank_name="KCB",
            account_number="1234567890",
            account_name="Nairobi Jazz Society",
            status=status,
        )
        session.add(row)
    return row.id


def make_platform_admin(user_id: str, level: str) -> None:
    with transaction() as session:
        session.add(PlatformAdmin(user_id=user_id, level=level))
