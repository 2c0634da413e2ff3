"""Never oversell (SPEC §5): 200 buyers at once against a tier of 50, on SQLite and PostgreSQL.

The control run switches the capacity guard off (a test-only context variable): buyers then pass
a stale check and would oversell, and only the database's CHECK constraint (a second line of
defence) stops them. The guarded run shows every buyer gets tickets or a clean "sold out".
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import Order, OrderItem, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import SoldOut
from eventpalour.services.sales import capacity, checkout
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace

BUYERS = 200
CAPACITY = 50
THREADS = 12  # each unguarded buyer needs two connections: stay inside the pool


@pytest.fixture
def crowd():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="Limited", price=100000, quantity=CAPACITY, max_per_order=3)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    buyers = [make_user() for _ in range(BUYERS)]
    return event, tier_id, buyers


def _rush(event_id: str, tier_id: str, buyers: list, guarded: bool) -> dict[str, int]:
    """Every buyer tries at once (a barrier releases them together); counts each outcome."""
    rng = random.Random(42)
    wants = [rng.choice((1, 2, 3)) for _ in buyers]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def buy(index: int) -> str:
        context = nullcontext() if guarded else capacity.guard_disabled_for_tests()
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        with context:
            try:
                checkout.book_ticket(actor=buyers[index].summary, event_id=event_id, quantities={tier_id: wants[index]})
                return "order"
            except SoldOut:
                return "sold_out"
            except IntegrityError:
                # The database's own CHECK (sold + held <= quantity) stopped an oversell the code let through.
                return "race"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(buy, range(len(buyers))))
    return {kind: outcomes.count(kind) for kind in ("order", "sold_out", "race")}


def _seats() -> tuple[int, int]:
    with read_only() as session:
        held = session.exec(select(TicketTier.held)).one()
        ordered = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0)).join(Order, Order.id == OrderItem.order_id)
        ).one()
    return held, ordered


def test_tier_race_prevented(crowd):
    event, tier_id, buyers = crowd
    outcomes = _rush(event.id, tier_id, buyers, guarded=True)
    held, ordered = _seats()
    assert outcomes["race"] == 0 and outcomes["order"] + outcomes["sold_out"] == BUYERS
    assert held == ordered <= CAPACITY
    assert held >= CAPACITY - 2  # it really sold out: at most one 3-ticket request left seats over


def test_tier_race_happens_without_guard(crowd):
    event, tier_id, buyers = crowd
    outcomes = _rush(event.id, tier_id, buyers, guarded=False)
    held, ordered = _seats()
    # Without the guard, buyers pass a stale availability check and try to oversell; only the
    # database CHECK constraint stops them, as errors instead of a clean "sold out".
    assert outcomes["race"] > 0, outcomes
    assert held == ordered <= CAPACITY
