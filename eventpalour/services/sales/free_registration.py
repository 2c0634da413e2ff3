"""Free registrations (SPEC §5): a free order completed at once, one per person for a free event
(the buyer's row lock), tickets issued and seats sold in one transaction. Split out of checkout.py,
which calls these; the rules are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection

from eventpalour.db import transaction
from eventpalour.models import EventPricing
from eventpalour.services import finance
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict
from eventpalour.services.sales import capacity, discounts, fulfilment
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.held_orders import NewOrder, _hold_all
from eventpalour.services.sales.store import EventOnSale

_registration_unlocked: ContextVar[bool] = ContextVar("registration_unlocked", default=False)


@contextmanager
def registration_lock_disabled_for_tests() -> Iterator[None]:
    """Check "already registered?" without the buyer's row lock: the race the lock exists to prevent."""
    token = _registration_unlocked.set(True)
    try:
        yield
    finally:
        _registration_unlocked.reset(token)


def _register_free(
    actor: UserSummary,
    event: EventOnSale,
    wanted: dict[str, int],
    new: NewOrder,
    applied: discounts.AppliedCode | None,
) -> None:
    """A free order, complete at once: one registration per person (and a discount code that made
    it free at most as often as it allows each buyer), tickets issued, seats sold."""
    with transaction() as session:
        connection = session.connection()
        _refuse_second_registration(connection, event, actor)
        if applied is not None:
            discounts.refuse_past_buyer_limit(connection, actor.id, applied)
        new.insert(connection)
        order = new.order
        fulfilment.issue_tickets(connection, _to_issue(order, new.items, applied.code if applied else ""))
        finance.record_sale(connection, _free_sale(order, wanted))
        # Capacity last: from its UPDATE until COMMIT the tier row is locked and every other buyer of
        # the tier waits, so nothing but the commit may follow it. Sold out rolls the order back.
        _hold_all(connection, wanted, order["discount_code_id"])
        for tier_id in sorted(wanted):
            capacity.sell_held(connection, tier_id, wanted[tier_id])
        if order["discount_code_id"] is not None:
            discounts.sell_held(connection, order["discount_code_id"])


def _free_sale(order: dict[str, Any], wanted: dict[str, int]) -> finance.SettledSale:
    """A free registration as the analytics rollups count it: a sale of zero, paid now."""
    return finance.SettledSale(
        order_id=order["id"],
        buyer_id=order["buyer_id"],
        event_id=order["event_id"],
        workspace_id=order["workspace_id"],
        currency=order["currency"],
        channel="",
        paid_at=order["paid_at"],
        amount=order["amount"],
        platform_fee=order["platform_fee"],
        provider_fee=order.get("provider_fee") or 0,
        organizer_share=order["organizer_share"],
        discount=order.get("discount_amount") or 0,
        tickets_by_tier=wanted,
    )


def _to_issue(order: dict[str, Any], items: list[dict[str, Any]], code: str) -> fulfilment.OrderToIssue:
    """The order to issue, from the values of the order and its lines just written."""
    return fulfilment.OrderToIssue(
        id=order["id"],
        reference=order["reference"],
        buyer_id=order["buyer_id"],
        event_id=order["event_id"],
        amount=order["amount"],
        currency=order["currency"],
        subtotal=order["subtotal"],
        platform_fee=order["platform_fee"],
        lines=tuple(
            sales_store.OrderLine(
                id=item["id"],
                tier_id=item["tier_id"],
                tier_name=item["tier_name"],
                quantity=item["quantity"],
                attendee_names=item.get("attendee_names"),
            )
            for item in items
        ),
        discount_code=code,
        discount=order["discount_amount"],
        buyer_phone=order.get("buyer_phone"),
    )


def _refuse_second_registration(connection: Connection, event: EventOnSale, actor: UserSummary) -> None:
    """A free event takes one registration per person, however many of their requests arrive at once.

    The check and the insert that follows must not interleave with another registration of the
    same person, so the buyer's own row is locked first (`SELECT … FOR NO KEY UPDATE`, held until
    commit). On PostgreSQL (READ COMMITTED) a second request waits at that lock until the first
    commits, and its check, a new statement, then sees the first order. SQLite needs nothing more:
    write transactions start with BEGIN IMMEDIATE and run one at a time (SQLAlchemy emits no FOR
    UPDATE there).
    Why this lock: only one person's requests wait on each other, so a popular event keeps taking
    other people's registrations in parallel; a tier-row lock would miss two requests for two free
    tiers of one event; and a unique index cannot say "per free event" (a free tier of a paid event
    may be booked again, and orders do not record the event's pricing) without a new column and
    migration. NO KEY UPDATE does not block the KEY SHARE lock that inserting any order of this
    buyer takes through the foreign key, so the buyer's other checkouts never wait on it.
    """
    if event.pricing != EventPricing.FREE:
        return
    if not _registration_unlocked.get():
        sales_store.lock_buyer(connection, actor.id)
    if sales_store.has_completed_order(connection, actor.id, event.id):
        raise Conflict(N_("You are already registered for this event."))
