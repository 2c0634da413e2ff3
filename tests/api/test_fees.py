"""Fees and the organizer's share (SPEC §5), stored in minor units on every paid order, for every
currency we sell in and both fee modes, after a real payment through the Paystack sandbox.

The expected values are worked out by hand in the table below, not by the code under test:

- subtotal = unit price × quantity;
- platform fee = 5% (PLATFORM_FEE_PERCENT) of the subtotal, rounded half up to the minor unit
  (10 → 0.50 → 1, but 9 → 0.45 → 0);
- amount (what the buyer pays) = subtotal with `absorb`, subtotal + platform fee with `pass_on`;
- provider fee = the `fees` Paystack reports for that amount; the sandbox charges as contract §7
  says, rounded half up: KES 2.9% (card), NGN 1.5% + NGN 100 (the NGN 100 only from NGN 2,500,
  i.e. 250,000 kobo) capped at NGN 2,000, GHS 1.95%, ZAR 2.9% + R1, USD 3.8%;
- organizer share = amount − platform fee − provider fee (in both modes: passing the platform fee
  on does not pass on Paystack's fee).

Rows: (unit price, quantity, subtotal, platform fee, amount, provider fee, organizer share).
The first row is a free tier in a paid event (nothing to pay, nothing charged); the last is
9,000,000.00 in major units (with `pass_on`, just under Paystack's 10,000,000 per transaction).
Prices below Paystack's minimum charge (KES 3, NGN 50, GHS 0.10, ZAR 1, USD 2; written out again
in MINIMUM below) cannot be set on a tier, so those rows are checked to be refused instead; the
platform fee's rounding edges are kept by the KES rows 309 (15.45 → 15) and 310 (15.5 → 16).
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Order, OrderStatus
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import ValidationFailed
from eventpalour.services.sales import checkout, payments
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.paystack_support import sandbox_call
from tests.paystack_support import settle as sandbox_settle

MINIMUM = {"KES": 300, "NGN": 5_000, "GHS": 10, "ZAR": 100, "USD": 200}

FEES = {
    ("KES", "absorb"): [
        (309, 1, 309, 15, 309, 9, 285),  # 5% of 309 = 15.45 → 15; 2.9% = 8.961 → 9
        (310, 1, 310, 16, 310, 9, 285),  # 5% of 310 = 15.5 → 16 (half up); 2.9% = 8.99 → 9
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),  # 5% of 9 = 0.45 → 0
        (10, 1, 10, 1, 10, 0, 9),  # 5% of 10 = 0.50 → 1 (half up)
        (500, 1, 500, 25, 500, 15, 460),  # 2.9% of 500 = 14.5 → 15 (half up)
        (1_000, 1, 1_000, 50, 1_000, 29, 921),
        (150_000, 2, 300_000, 15_000, 300_000, 8_700, 276_300),
        (450_000_000, 2, 900_000_000, 45_000_000, 900_000_000, 26_100_000, 828_900_000),
    ],
    ("KES", "pass_on"): [
        (309, 1, 309, 15, 324, 9, 300),  # pays 324: 2.9% = 9.396 → 9
        (310, 1, 310, 16, 326, 9, 301),  # pays 326: 2.9% = 9.454 → 9
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 11, 0, 10),
        (500, 1, 500, 25, 525, 15, 485),
        (1_000, 1, 1_000, 50, 1_050, 30, 970),
        (150_000, 2, 300_000, 15_000, 315_000, 9_135, 290_865),
        (450_000_000, 2, 900_000_000, 45_000_000, 945_000_000, 27_405_000, 872_595_000),
    ],
    ("NGN", "absorb"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 10, 0, 9),
        (500, 1, 500, 25, 500, 8, 467),
        (1_000, 1, 1_000, 50, 1_000, 15, 935),
        (150_000, 2, 300_000, 15_000, 300_000, 14_500, 270_500),
        (450_000_000, 2, 900_000_000, 45_000_000, 900_000_000, 200_000, 854_800_000),  # capped at NGN 2,000
        (249_999, 1, 249_999, 12_500, 249_999, 3_750, 233_749),  # under NGN 2,500: 1.5% = 3,749.985 → 3,750, no NGN 100
        (250_000, 1, 250_000, 12_500, 250_000, 13_750, 223_750),  # from NGN 2,500: 3,750 + 10,000
    ],
    ("NGN", "pass_on"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 11, 0, 10),
        (500, 1, 500, 25, 525, 8, 492),
        (1_000, 1, 1_000, 50, 1_050, 16, 984),
        (150_000, 2, 300_000, 15_000, 315_000, 14_725, 285_275),
        (450_000_000, 2, 900_000_000, 45_000_000, 945_000_000, 200_000, 899_800_000),
        (249_999, 1, 249_999, 12_500, 262_499, 13_937, 236_062),  # pays ≥ 250,000: 3,937.485 + 10,000
        (250_000, 1, 250_000, 12_500, 262_500, 13_938, 236_062),
    ],
    ("GHS", "absorb"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 10, 0, 9),
        (500, 1, 500, 25, 500, 10, 465),
        (1_000, 1, 1_000, 50, 1_000, 20, 930),
        (150_000, 2, 300_000, 15_000, 300_000, 5_850, 279_150),
        (450_000_000, 2, 900_000_000, 45_000_000, 900_000_000, 17_550_000, 837_450_000),
    ],
    ("GHS", "pass_on"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 11, 0, 10),
        (500, 1, 500, 25, 525, 10, 490),
        (1_000, 1, 1_000, 50, 1_050, 20, 980),
        (150_000, 2, 300_000, 15_000, 315_000, 6_143, 293_857),  # 1.95% of 315,000 = 6,142.5 → 6,143 (half up)
        (450_000_000, 2, 900_000_000, 45_000_000, 945_000_000, 18_427_500, 881_572_500),
    ],
    ("ZAR", "absorb"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 100, -99),
        (9, 1, 9, 0, 9, 100, -91),
        (10, 1, 10, 1, 10, 100, -91),
        (500, 1, 500, 25, 500, 115, 360),
        (1_000, 1, 1_000, 50, 1_000, 129, 821),
        (150_000, 2, 300_000, 15_000, 300_000, 8_800, 276_200),
        (450_000_000, 2, 900_000_000, 45_000_000, 900_000_000, 26_100_100, 828_899_900),
    ],
    ("ZAR", "pass_on"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 100, -99),
        (9, 1, 9, 0, 9, 100, -91),
        (10, 1, 10, 1, 11, 100, -90),
        (500, 1, 500, 25, 525, 115, 385),
        (1_000, 1, 1_000, 50, 1_050, 130, 870),
        (150_000, 2, 300_000, 15_000, 315_000, 9_235, 290_765),
        (450_000_000, 2, 900_000_000, 45_000_000, 945_000_000, 27_405_100, 872_594_900),
    ],
    ("USD", "absorb"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 10, 0, 9),
        (500, 1, 500, 25, 500, 19, 456),
        (1_000, 1, 1_000, 50, 1_000, 38, 912),
        (150_000, 2, 300_000, 15_000, 300_000, 11_400, 273_600),
        (450_000_000, 2, 900_000_000, 45_000_000, 900_000_000, 34_200_000, 820_800_000),
    ],
    ("USD", "pass_on"): [
        (0, 1, 0, 0, 0, 0, 0),
        (1, 1, 1, 0, 1, 0, 1),
        (9, 1, 9, 0, 9, 0, 9),
        (10, 1, 10, 1, 11, 0, 10),
        (500, 1, 500, 25, 525, 20, 480),
        (1_000, 1, 1_000, 50, 1_050, 40, 960),
        (150_000, 2, 300_000, 15_000, 315_000, 11_970, 288_030),
        (450_000_000, 2, 900_000_000, 45_000_000, 945_000_000, 35_910_000, 864_090_000),
    ],
}


@pytest.fixture
def sandbox(api_url: str):
    sandbox_call("DELETE", "/_test/controls")
    yield
    sandbox_call("DELETE", "/_test/controls")


def _chargeable(rows: list[tuple[int, ...]], currency: str) -> list[tuple[int, ...]]:
    return [row for row in rows if row[0] == 0 or row[0] >= MINIMUM[currency]]


@pytest.mark.parametrize("currency", list(MINIMUM))
def test_a_paid_price_below_paystacks_minimum_is_refused(currency):
    owner = make_organizer()
    ws = make_workspace(owner)
    with pytest.raises(ValidationFailed, match="at least") as refused:
        make_event(
            owner,
            ws.id,
            pricing="paid",
            currency=currency,
            tiers=[TierInput(name="Cheap", price=MINIMUM[currency] - 1)],
        )
    assert [d.path for d in refused.value.details] == [("tiers", 0, "price")]
    make_event(
        owner, ws.id, pricing="paid", currency=currency, tiers=[TierInput(name="Least", price=MINIMUM[currency])]
    )


@pytest.mark.parametrize(("currency", "fee_mode"), list(FEES))
def test_fees_and_organizer_share_are_stored_per_spec(sandbox, currency, fee_mode):
    rows = _chargeable(FEES[(currency, fee_mode)], currency)
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        currency=currency,
        fee_mode=fee_mode,
        tiers=[TierInput(name=f"Row {index}", price=row[0]) for index, row in enumerate(rows)],
    )
    tier_ids = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    buyer = make_user()
    for index, (price, quantity, *expected) in enumerate(rows):
        tier_id = tier_ids[f"Row {index}"]
        result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: quantity})
        reported_fees = 0
        if result.amount:
            payments.start_payment(actor=buyer.summary, order_id=result.order_id)
            paid = sandbox_settle(result.reference, "pay", wait_for_webhook=True)
            assert paid["data"]["amount"] == result.amount and paid["data"]["currency"] == currency
            reported_fees = paid["data"]["fees"]
        with read_only() as session:
            order = session.exec(select(Order).where(Order.id == result.order_id)).one()
        stored = [order.subtotal, order.platform_fee, order.amount, order.provider_fee, order.organizer_share]
        case = f"{currency} {fee_mode} {quantity} × {price}"
        assert (order.status, order.currency, order.fee_mode) == (OrderStatus.COMPLETED, currency, fee_mode), case
        assert stored == expected, case
        assert order.provider_fee == reported_fees, f"{case}: the provider fee is what Paystack reported"
