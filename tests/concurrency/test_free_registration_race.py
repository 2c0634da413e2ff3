"""One registration per person for a free event (SPEC §4), even when the same person submits ten times at once.

A double-clicked "Register" or a retried request sends several registrations of one user together.
Each one checks "already registered?" and then writes; without a lock, on PostgreSQL several checks
can run before the first registration commits, and each of them passes. The control run turns the
lock off (a test-only context variable) to show that this race is real; the guarded run shows that
exactly one registration wins and every other one gets the "already registered" Conflict.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import Order, Ticket, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict
from eventpalour.services.sales import checkout
from tests.factories import make_event, make_organizer, make_user, make_workspace

ATTEMPTS = 10
ROUNDS = 3  # the control needs only one round to show the race; three make that near certain


@pytest.fixture
def free_event():
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        tiers=[
            TierInput(name="Entry", price=0, quantity=100, max_per_order=2),
            TierInput(name="Workshop", price=0, quantity=100, max_per_order=2),
        ],
    )
    tiers = [t.id for t in get_tiers(actor=owner.summary, event_id=event.id)]
    return event, tiers


def _register_at_once(event_id: str, tier_ids: list[str], buyer, *, locked: bool) -> list[str]:
    """ATTEMPTS registrations of one buyer, released together by a barrier; half pick each tier,
    so a lock on one tier row alone would not serialize them."""
    barrier = threading.Barrier(ATTEMPTS)

    def register(index: int) -> str:
        context = nullcontext() if locked else checkout.registration_lock_disabled_for_tests()
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        with context:
            try:
                checkout.book_ticket(
                    actor=buyer.summary, event_id=event_id, quantities={tier_ids[index % len(tier_ids)]: 1}
                )
                return "registered"
            except Conflict as conflict:
                assert "already registered" in str(conflict)
                return "already_registered"

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(register, range(ATTEMPTS)))


def _rows(buyer_id: str) -> tuple[int, int]:
    """The buyer's completed orders and tickets."""
    with read_only() as session:
        orders = session.exec(
            select(func.count()).select_from(Order).where(Order.buyer_id == buyer_id, Order.status == "completed")
        ).one()
        tickets = session.exec(select(func.count()).select_from(Ticket).where(Ticket.holder_id == buyer_id)).one()
    return orders, tickets


def _tickets_and_sold() -> tuple[int, int]:
    """All tickets, and all seats the tiers count as sold."""
    with read_only() as session:
        tickets = session.exec(select(func.count()).select_from(Ticket)).one()
        sold = session.exec(select(func.coalesce(func.sum(TicketTier.sold), 0))).one()
    return tickets, sold


def test_same_user_registers_once_however_many_submit_at_once(free_event):
    event, tier_ids = free_event
    for _ in range(ROUNDS):
        buyer = make_user()
        outcomes = _register_at_once(event.id, tier_ids, buyer, locked=True)
        assert outcomes.count("registered") == 1, outcomes
        assert outcomes.count("already_registered") == ATTEMPTS - 1, outcomes
        assert _rows(buyer.id) == (1, 1)
    # The tiers count exactly the tickets that exist: one per buyer.
    assert _tickets_and_sold() == (ROUNDS, ROUNDS)


def test_without_the_lock_postgres_registers_twice(free_event, db_backend):
    """The control: with the lock off, PostgreSQL lets several of one person's checks pass; SQLite
    still takes one registration, because BEGIN IMMEDIATE already runs its writers one at a time."""
    event, tier_ids = free_event
    most = 0
    for _ in range(ROUNDS):
        buyer = make_user()
        outcomes = _register_at_once(event.id, tier_ids, buyer, locked=False)
        most = max(most, outcomes.count("registered"))
        assert _rows(buyer.id) == (outcomes.count("registered"),) * 2
    tickets, sold = _tickets_and_sold()
    assert tickets == sold  # the counters stay right either way; only the one-per-person rule breaks
    if db_backend == "sqlite":
        assert most == 1
    else:
        assert most > 1, "the unlocked check never let a second registration through"
