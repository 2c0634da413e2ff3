"""Checkout rules (SPEC §5): holds, free registrations, sold out, expiry, and counters equal rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import Order, OrderItem, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SoldOut,
    ValidationFailed,
)
from eventpalour.services.sales import checkout
from tests.factories import (
    add_member,
    approve_kyc,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
    with_two_factor,
)


@pytest.fixture
def shop():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    paid = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        title="Paid",
        tiers=[
            TierInput(name="Regular", price=150000, quantity=5, max_per_order=4),
            TierInput(name="VIP", price=500000, quantity=2),
        ],
    )
    free = make_event(owner, ws.id, publish=True, title="Free", tiers=[TierInput(name="Entry", price=0, quantity=3)])
    tiers = {t.name: t.id for e in (paid, free) for t in get_tiers(actor=owner.summary, event_id=e.id)}
    return owner, paid, free, tiers


def _tier(tier_id: str) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, tier_id)


def assert_counters_match_rows() -> None:
    """held == seats of open orders holding; sold == seats of completed orders, for every tier."""
    with read_only() as session:
        for tier in session.exec(select(TicketTier)):
            held = session.exec(
                select(func.coalesce(func.sum(OrderItem.quantity), 0))
                .join(Order, Order.id == OrderItem.order_id)
                .where(OrderItem.tier_id == tier.id, Order.holds_active.is_(True))
            ).one()
            sold = session.exec(select(func.count()).select_from(Ticket).where(Ticket.tier_id == tier.id)).one()
            assert (tier.held, tier.sold) == (held, sold), tier.name


def test_paid_order_holds_seats_pending(shop):
    _, paid, _, tiers = shop
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=paid.short_id, quantities={tiers["Regular"]: 2})
    assert result.status == "pending" and result.amount == 300000 and result.currency == "KES"
    assert result.reference.startswith("EVT-") and result.expires_at > utcnow() + timedelta(minutes=14)
    assert (_tier(tiers["Regular"]).held, _tier(tiers["Regular"]).sold) == (2, 0)
    assert_counters_match_rows()


def test_pass_on_fee_is_added_to_the_total(shop):
    owner, paid, _, _ = shop
    ws_id = paid.workspace_id
    event = make_event(
        owner,
        ws_id,
        publish=True,
        pricing="paid",
        fee_mode="pass_on",
        title="Fees",
        tiers=[TierInput(name="One", price=100000)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    result = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
    assert result.amount == 105000


def test_free_registration_issues_tickets_once(shop):
    _, _, free, tiers = shop
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=free.id, quantities={tiers["Entry"]: 1})
    assert result.status == "completed" and result.amount == 0
    assert (_tier(tiers["Entry"]).held, _tier(tiers["Entry"]).sold) == (0, 1)
    with pytest.raises(Conflict, match="already registered"):
        checkout.book_ticket(actor=buyer.summary, event_id=free.id, quantities={tiers["Entry"]: 1})
    assert_counters_match_rows()


def test_sold_out_is_clear_and_changes_nothing(shop):
    _, paid, _, tiers = shop
    checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 2})
    with pytest.raises(SoldOut):
        checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 1})
    with pytest.raises(SoldOut, match="Not enough"):
        checkout.book_ticket(
            actor=make_user().summary, event_id=paid.id, quantities={tiers["Regular"]: 4, tiers["VIP"]: 0}
        )
        checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["Regular"]: 2})
    assert _tier(tiers["VIP"]).held == 2
    assert_counters_match_rows()


def test_free_registration_past_the_last_seat_is_sold_out_and_changes_nothing(shop):
    """On PostgreSQL the capacity CHECK refuses the hold's own statement (a free registration is an
    ordinary transaction, not a batch); SQLite's conditional UPDATE changes nothing. Either way the
    visitor is told which tier, and no order or ticket is left behind."""
    _, _, free, tiers = shop
    for _ in range(3):
        checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={tiers["Entry"]: 1})
    late = make_user()
    with pytest.raises(SoldOut, match="Not enough Entry tickets left") as refused:
        checkout.book_ticket(actor=late.summary, event_id=free.id, quantities={tiers["Entry"]: 1})
    assert [detail.path for detail in refused.value.details] == [("quantities", tiers["Entry"])]
    assert (_tier(tiers["Entry"]).held, _tier(tiers["Entry"]).sold) == (0, 3)
    with read_only() as session:
        assert session.exec(select(func.count()).select_from(Order).where(Order.buyer_id == late.id)).one() == 0
    assert_counters_match_rows()


def test_a_refusal_in_a_batch_names_the_short_tier_whichever_statement_reports_it(shop):
    """On PostgreSQL a batch's refusal may come back while a later statement is being sent (psycopg
    reads what the server already answered): the hold that reports it is not the tier that is short.
    The wait lets the server answer the full tier's refusal before the other tier's hold is sent."""
    import time

    from eventpalour.db import write_batch
    from eventpalour.services.sales import capacity

    _, paid, _, tiers = shop
    checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 2})
    wanted = {tiers["VIP"]: 1, tiers["Regular"]: 1}
    with pytest.raises(capacity.NotEnoughSeats) as refused:
        with capacity.refused_at_commit(wanted), write_batch() as connection:
            capacity.hold(connection, tiers["VIP"], 1)
            time.sleep(0.3)
            capacity.hold(connection, tiers["Regular"], 1)
    assert refused.value.tier_id == tiers["VIP"]
    assert (_tier(tiers["VIP"]).held, _tier(tiers["Regular"]).held) == (2, 0)


def test_multi_tier_order_is_all_or_nothing(shop):
    """On PostgreSQL the refusal comes from the capacity CHECK at COMMIT (the hold is one batch);
    the buyer still learns which tier is short, and the order, its lines and the other tier's seats
    are all gone with it."""
    _, paid, _, tiers = shop
    checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 2})
    buyer = make_user()
    with pytest.raises(SoldOut, match="Not enough VIP tickets left") as refused:
        checkout.book_ticket(actor=buyer.summary, event_id=paid.id, quantities={tiers["Regular"]: 1, tiers["VIP"]: 1})
    assert [detail.path for detail in refused.value.details] == [("quantities", tiers["VIP"])]
    assert _tier(tiers["Regular"]).held == 0
    with read_only() as session:
        assert session.exec(select(func.count()).select_from(Order).where(Order.buyer_id == buyer.id)).one() == 0
    assert_counters_match_rows()


@pytest.mark.parametrize(
    "quantities",
    [{}, {"x": 0}, {"unknown-tier": 1}, "too-many"],
    ids=["empty", "zero", "unknown-tier", "over-max-per-order"],
)
def test_bad_quantities_rejected(shop, quantities):
    _, paid, _, tiers = shop
    if quantities == "too-many":
        quantities = {tiers["Regular"]: 5}
    with pytest.raises(ValidationFailed):
        checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities=quantities)
    assert_counters_match_rows()


def test_checkout_needs_signed_in_verified_buyer_and_listed_event(shop):
    owner, paid, _, tiers = shop
    with pytest.raises(NotAuthenticated):
        checkout.book_ticket(actor=None, event_id=paid.id, quantities={tiers["Regular"]: 1})
    with pytest.raises(PermissionDenied):
        checkout.book_ticket(
            actor=make_user(verified=False).summary, event_id=paid.id, quantities={tiers["Regular"]: 1}
        )
    draft = make_event(owner, paid.workspace_id, title="Draft")
    draft_tier = get_tiers(actor=owner.summary, event_id=draft.id)[0].id
    with pytest.raises(NotFound):
        checkout.book_ticket(actor=make_user().summary, event_id=draft.id, quantities={draft_tier: 1})


def test_expired_holds_free_capacity_once(shop):
    _, paid, _, tiers = shop
    checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 2})
    assert checkout.expire_holds(now=utcnow() + timedelta(minutes=14)) == 0
    assert checkout.expire_holds(now=utcnow() + timedelta(minutes=16)) == 1
    assert checkout.expire_holds(now=utcnow() + timedelta(minutes=16)) == 0
    assert _tier(tiers["VIP"]).held == 0
    checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 2})
    assert_counters_match_rows()


def test_buyer_cancels_pending_order(shop):
    _, paid, _, tiers = shop
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=paid.id, quantities={tiers["Regular"]: 3})
    with pytest.raises(NotFound):
        checkout.cancel_order(actor=make_user().summary, order_id=result.order_id)
    checkout.cancel_order(actor=buyer.summary, order_id=result.order_id)
    with pytest.raises(Conflict):
        checkout.cancel_order(actor=buyer.summary, order_id=result.order_id)
    assert _tier(tiers["Regular"]).held == 0
    assert_counters_match_rows()


def test_workspace_with_paid_orders_cannot_be_deleted(shop):
    from eventpalour.integrations.paystack import VerifyResult
    from eventpalour.services.sales import payments
    from eventpalour.services.workspaces import records as workspaces

    owner, paid, _, tiers = shop
    result = checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["Regular"]: 1})
    verified = VerifyResult(
        status="success",
        amount=result.amount,
        currency="KES",
        fees=100,
        paid_at=None,
        reference=result.reference,
        raw={},
    )
    assert payments.settle(result.reference, verified).status == "completed"
    assert payments.settle(result.reference, verified).status == "completed"  # a repeat changes nothing
    with pytest.raises(Conflict, match="paid orders"):
        workspaces.delete_workspace(
            actor=owner.summary, workspace_id=paid.workspace_id, confirm_name="Nairobi Jazz Society"
        )
    assert_counters_match_rows()


def test_cancelling_an_event_with_paid_orders_needs_an_admin_and_refunds_them(shop):
    from eventpalour.integrations.paystack import VerifyResult
    from eventpalour.models import Event, Refund
    from eventpalour.services.events import lifecycle as events
    from eventpalour.services.sales import payments

    owner, paid, _, tiers = shop
    moderator = make_user()
    add_member(paid.workspace_id, moderator, "moderator")
    result = checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["Regular"]: 1})
    payments.settle(result.reference, VerifyResult("success", result.amount, "KES", 100, None, result.reference, {}))
    pending = checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={tiers["VIP"]: 1})
    with pytest.raises(PermissionDenied, match="admin"):
        events.change_status(actor=moderator.summary, event_id=paid.id, action="cancel")
    owner = with_two_factor(owner)  # cancelling refunds the paid orders: two-factor, like every refund
    events.change_status(actor=owner.summary, event_id=paid.id, action="cancel")
    with read_only() as session:
        assert session.get(Event, paid.id).status == "cancelled"
        (refund,) = session.exec(select(Refund)).all()
        assert (refund.order_id, refund.amount, refund.kind) == (result.order_id, result.amount, "event_cancelled")
        assert session.get(Order, pending.order_id).status == "cancelled"  # nobody pays for a cancelled event
    assert _tier(tiers["VIP"]).held == 0
    assert_counters_match_rows()


def test_order_history_lists_own_orders_with_codes(shop):
    from eventpalour.services.sales import orders

    _, paid, free, tiers = shop
    buyer, other = make_user(), make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=free.id, quantities={tiers["Entry"]: 2})
    checkout.book_ticket(actor=buyer.summary, event_id=paid.id, quantities={tiers["Regular"]: 1})
    checkout.book_ticket(actor=other.summary, event_id=paid.id, quantities={tiers["VIP"]: 1})
    history = orders.list_my_orders(actor=buyer.summary)
    assert [(o.event_title, o.status, len(o.ticket_codes)) for o in history] == [
        ("Paid", "pending", 0),
        ("Free", "completed", 2),
    ]
    with pytest.raises(NotAuthenticated):
        orders.list_my_orders(actor=None)


def test_my_orders_offer_complete_payment_only_while_the_hold_waits(shop):
    """The Orders page offered "Complete payment" for any pending order, also one whose hold had run out
    before housekeeping swept it; start_payment refuses that one, so the row must not offer it."""
    from sqlalchemy import update

    from eventpalour.db import transaction
    from eventpalour.services.sales import orders

    _, paid, _, tiers = shop
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=paid.id, quantities={tiers["Regular"]: 1})
    [mine] = orders.list_my_orders(actor=buyer.summary)
    assert mine.can_complete_payment  # the order line renders this flag as it is (state.orders.OrderLine.order)
    assert mine.status_label == "Awaiting payment"
    with transaction() as session:
        session.execute(update(Order).values(expires_at=utcnow() - timedelta(seconds=1)))
    [mine] = orders.list_my_orders(actor=buyer.summary)
    assert mine.status == "pending" and not mine.can_complete_payment
