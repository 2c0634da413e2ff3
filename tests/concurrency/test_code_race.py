"""A discount code's uses limit holds under a rush exactly like seats (#19): 200 buyers at once
with a code of 10 uses, on SQLite and PostgreSQL.

The control run switches the code's guard off (`discounts.guard_disabled_for_tests`): buyers then
pass a stale "uses left?" read and would use the code past its limit, and only the database's
CHECK stops them, as errors instead of a clean "used up". The guarded run: at most 10 uses, every
other buyer told "This code has been used up.". And a buyer's own limit on a code that makes the
order free holds when one buyer sends several requests at once (six of them failed it without the
buyer's row lock in `discounts.refuse_past_buyer_limit`).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import DiscountCode, Order
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import ValidationFailed
from eventpalour.services.sales import checkout, discount_codes, discounts
from eventpalour.services.sales.discount_codes import CodeInput
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace

BUYERS = 200
USES = 10
THREADS = 12  # each unguarded buyer needs two connections: stay inside the pool


@pytest.fixture
def crowd():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner, ws.id, publish=True, pricing="paid", tiers=[TierInput(name="Regular", price=100000, quantity=1000)]
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    code = discount_codes.create_code(
        actor=owner.summary, event_id=event.id, data=CodeInput(code="RUSH10", kind="percent", value=50, max_uses=USES)
    )
    return event, tier_id, code.id, [make_user() for _ in range(BUYERS)]


def _rush(event_id: str, tier_id: str, buyers: list, guarded: bool) -> dict[str, int]:
    barrier = threading.Barrier(THREADS)

    def buy(index: int) -> str:
        context = nullcontext() if guarded else discounts.guard_disabled_for_tests()
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        with context:
            try:
                checkout.book_ticket(
                    actor=buyers[index].summary, event_id=event_id, quantities={tier_id: 1}, code="rush10"
                )
                return "order"
            except ValidationFailed as refused:
                assert refused.message == discounts.USED_UP
                return "used_up"
            except IntegrityError:
                # The database's CHECK (uses_held + uses_sold <= max_uses) stopped a use the code let through.
                return "race"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(buy, range(len(buyers))))
    return {kind: outcomes.count(kind) for kind in ("order", "used_up", "race")}


def _uses(code_id: str) -> tuple[int, int]:
    with read_only() as session:
        held = session.get(DiscountCode, code_id).uses_held
        orders = session.exec(select(func.count()).select_from(Order).where(Order.discount_code_id == code_id)).one()
    return held, orders


def test_code_race_prevented(crowd):
    event, tier_id, code_id, buyers = crowd
    outcomes = _rush(event.id, tier_id, buyers, guarded=True)
    assert outcomes == {"order": USES, "used_up": BUYERS - USES, "race": 0}, outcomes
    assert _uses(code_id) == (USES, USES)


def test_code_race_happens_without_guard(crowd):
    event, tier_id, code_id, buyers = crowd
    outcomes = _rush(event.id, tier_id, buyers, guarded=False)
    # Without the guard, buyers pass a stale "uses left?" read and try to go past the limit; only
    # the database CHECK stops them, as errors instead of a clean "used up".
    assert outcomes["race"] > 0, outcomes
    held, orders = _uses(code_id)
    assert held == orders <= USES


def test_a_buyer_cannot_pass_a_free_code_limit_twice_at_once():
    """A 100 % code, one use per buyer: six requests of one buyer at once get one free order."""
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(owner, ws.id, publish=True, pricing="paid", tiers=[TierInput(name="VIP", price=500000)])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    discount_codes.create_code(
        actor=owner.summary,
        event_id=event.id,
        data=CodeInput(code="FREE1", kind="percent", value=100, per_buyer_limit=1),
    )
    buyer = make_user()
    barrier = threading.Barrier(6)

    def buy(_: int) -> str:
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        try:
            checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1}, code="free1")
            return "order"
        except ValidationFailed:
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(buy, range(6)))
    assert outcomes.count("order") == 1, outcomes
