"""Discount-code gaps (#19): a late payment whose code ran out of uses is refunded and labelled as
such (returned_payments, `RefundKind.CODE_USED_UP`), and the "discounts" money figure (what codes
took off sales; finance/money_figures.py) reaches the event's Orders tab totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour import routes
from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Order, OutboxEmail, Refund, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import event_money
from eventpalour.services.platform import gettext
from eventpalour.services.sales import checkout, discount_codes, payments, refunds, returned_payments
from eventpalour.services.sales import order_lists as event_orders
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.discount_codes import CodeInput
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.events import EventManageState
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


@pytest.fixture
def shop():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="Regular", price=100000, quantity=20, max_per_order=5)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    return owner, event, tier_id


def _code(owner, event, **terms) -> discount_codes.CodeRow:
    data = CodeInput(**{"code": "early", "kind": "percent", "value": 20, **terms})
    return discount_codes.create_code(actor=owner.summary, event_id=event.id, data=data)


def _paid(result: checkout.CheckoutResult) -> payments.PaymentOutcome:
    return payments.settle(
        result.reference, VerifyResult("success", result.amount, "KES", 100, None, result.reference, {})
    )


def test_a_late_payment_whose_code_ran_out_is_refunded_as_such(shop):
    owner, event, tier_id = shop
    _code(owner, event, max_uses=1)
    late = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 2}, code="early")
    assert checkout.expire_holds(now=late.expires_at + timedelta(seconds=1)) == 1
    on_time = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1}, code="early")
    _paid(on_time)

    outcome = _paid(late)  # seats are left, the code's one use is not
    assert outcome.status == "refunded"
    assert outcome.message == (
        "Paid after the hold expired and the code EARLY was used up. The whole payment is refunded automatically."
    )
    with read_only() as session:
        order = session.get(Order, late.order_id)
        [refund] = session.exec(select(Refund).where(Refund.order_id == late.order_id)).all()
        emails = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "code_used_up_refund")).all()
        tier = session.get(TicketTier, tier_id)
    assert (order.status, order.paid_at, order.flagged_reason) == ("refunded", None, outcome.message)
    assert (refund.kind, refund.amount) == ("code_used_up", late.amount)
    assert refunds.refund_label(refund.kind, "queued") == "Paid after the code ran out, refund in progress"
    assert refunds.refund_label(refund.kind, "processed") == "Paid after the code ran out, refunded"
    assert len(emails) == 1 and "the code EARLY" in emails[0].text_body
    assert (tier.sold, tier.held) == (1, 0)  # the late order took no seat

    # Written by the system, so read in each reader's language (#23 §1): the order's flag and the
    # refund's reason keep their sentence and values; the organizer's order list says it in French.
    assert (order.flagged_template, order.flagged_values) == (returned_payments.CODE_USED_UP_NOTE, {"code": "EARLY"})
    assert (refund.reason_template, refund.reason_values) == (returned_payments.CODE_USED_UP_NOTE, {"code": "EARLY"})
    [row] = [
        r for r in event_orders.event_orders(actor=owner.summary, event_id=event.id).rows if r.order_id == late.order_id
    ]
    assert gettext("fr", row.flagged_reason) == (
        "Payé après l'expiration de la réservation, alors que le code EARLY était épuisé. "
        "Le paiement est remboursé en totalité automatiquement."
    )
    with read_only() as session:  # what the buyer's return to the shop says of it
        said = sales_store.flagged_reason(session.connection(), late.order_id)
    assert gettext("sw", said).startswith("Ililipwa baada ya muda wa kushikilia nafasi kuisha, na msimbo EARLY")


def test_a_late_payment_after_a_sell_out_keeps_its_own_label(shop):
    owner, event, tier_id = shop
    _code(owner, event, max_uses=5)
    late = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 5}, code="early")
    checkout.expire_holds(now=late.expires_at + timedelta(seconds=1))
    for _ in range(4):
        _paid(checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 5}))
    assert _paid(late).status == "refunded"
    with read_only() as session:
        [refund] = session.exec(select(Refund).where(Refund.order_id == late.order_id)).all()
    assert refund.kind == "late_payment"


async def test_discounts_given_is_a_money_figure_on_the_orders_tab(shop):
    owner, event, tier_id = shop
    _code(owner, event)
    _code(owner, event, code="free", value=100)
    _paid(checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 2}, code="early"))
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1}, code="free")
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1}, code="early")  # unpaid
    _paid(checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1}))
    with read_only() as session:
        totals = event_money(session, event.id, "KES")
    # 20% of 2 × KES 1,000 on a sale, and a whole ticket made free; the unpaid hold is no sale.
    assert (totals.discounts, totals.gross) == (40000 + 100000, 160000 + 0 + 100000)

    page = state_for(
        EventManageState, token=owner.token, path=routes.event_manage_url(event.workspace_id, event.short_id)
    )
    await run_handler(page, "load_event")
    orders_tab = await page.get_state(EventOrdersState)
    await run_handler(orders_tab, "load_orders")
    assert orders_tab.order_totals.discounts == "KES 1,400.00"
