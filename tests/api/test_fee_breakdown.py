"""The price lines (#20 §5) after a real payment through the Paystack sandbox: the confirmation
email and the buyer's order list show the same lines the tier panel showed before paying, from the
figures stored on the order, with a decimal PLATFORM_FEE_PERCENT."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import Order, OutboxEmail
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, payments
from eventpalour.services.sales.fees import PriceLine, price_of
from eventpalour.services.sales.orders import list_my_orders
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.paystack_support import settle as sandbox_settle

EXPECTED = (
    PriceLine("Tickets × 2", "KES 25.50"),
    PriceLine("Platform fee (7.5%)", "KES 1.91"),  # 7.5% of 2,550 = 191.25 → 191
    PriceLine("Total", "KES 27.41", is_total=True),
)


@pytest.fixture
def seven_and_a_half_percent(monkeypatch):
    monkeypatch.setattr(settings, "platform_fee_basis_points", 750)


def test_the_email_and_the_order_list_show_the_checkout_lines(api_url, sandbox, seven_and_a_half_percent):
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        currency="KES",
        fee_mode="pass_on",
        tiers=[TierInput(name="Regular", price=1_275)],
    )
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)
    price = price_of({tier.id: 1_275}, {tier.id: 2}, "pass_on")
    assert (price.subtotal, price.platform_fee, price.amount) == (2_550, 191, 2_741)

    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier.id: 2})
    payments.start_payment(actor=buyer.summary, order_id=result.order_id)
    sandbox_settle(result.reference, "pay", wait_for_webhook=True)

    with read_only() as session:
        order = session.exec(select(Order).where(Order.id == result.order_id)).one()
        (email,) = session.exec(
            select(OutboxEmail).where(OutboxEmail.to_email == buyer.email, OutboxEmail.kind == "order_confirmation")
        ).all()
    assert (order.subtotal, order.platform_fee, order.amount) == (2_550, 191, 2_741)
    for line in EXPECTED:
        assert f"{line.label}: {line.value}" in email.text_body
        assert f"{line.label}: <strong>{line.value}</strong>" in email.html_body

    (summary,) = list_my_orders(actor=buyer.summary)
    assert summary.price_lines == EXPECTED


def test_an_absorbed_fee_is_not_a_line_of_the_buyers_order(api_url, sandbox, seven_and_a_half_percent):
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner, ws.id, publish=True, pricing="paid", currency="KES", tiers=[TierInput(name="Regular", price=1_275)]
    )
    (tier,) = get_tiers(actor=owner.summary, event_id=event.id)
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier.id: 1})
    payments.start_payment(actor=buyer.summary, order_id=result.order_id)
    sandbox_settle(result.reference, "pay", wait_for_webhook=True)

    (summary,) = list_my_orders(actor=buyer.summary)
    assert summary.price_lines == (
        PriceLine("Tickets × 1", "KES 12.75"),
        PriceLine("Total", "KES 12.75", is_total=True),
    )
