"""The `order.refunded` webhook (#23 §2), one shape for every path that ends an order refunded.

Two paths move an order to refunded: a refund processed at Paystack (`paystack_refunds._processed`,
in full or in part, once per refund) and a payment that bought nothing and is returned whole
(`returned_payments.return_payment`, once: the order closes refunded at that moment, and its
refund's later processing sends nothing more). Both call `emit_order_refunded` inside the
transaction that changes the order, so a change that rolls back tells nobody.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import Session

from eventpalour.models import Refund
from eventpalour.services import platform


def emit_order_refunded(
    executor: Session | Connection, *, order_id: str, reference: str, event_id: str, refund: Refund, order_status: str
) -> None:
    """Queue `order.refunded` about `order:<order_id>` for the workspace's subscribed endpoints.
    `kind` tells an organizer's refund (manual, buyer_request, event_cancelled) from a returned
    payment (payment_mismatch, late_payment, code_used_up), which never issued tickets."""
    platform.emit_webhook(
        executor,
        platform.WebhookEventType.ORDER_REFUNDED,
        event_id=event_id,
        subject=f"order:{order_id}",
        data={
            "order_id": order_id,
            "reference": reference,
            "event_id": event_id,
            "refund_id": refund.id,
            "refund_amount": refund.amount,
            "currency": refund.currency,
            "kind": str(refund.kind),
            "order_status": order_status,
            "ticket_ids": list(refund.ticket_ids or []),
        },
    )
