"""The capacity guard: the one place where seats of a ticket tier are held, sold and freed.

Every change is a single conditional UPDATE inside the caller's write transaction, so
`sold + held <= quantity` holds under any concurrency, on SQLite and PostgreSQL alike:

    UPDATE ticket_tiers SET held = held + :n
    WHERE id = :id AND (quantity IS NULL OR sold + held + :n <= quantity)

Tests may switch the guard off (a context variable, never reachable from a request) to prove
that the race is real without it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection, Integer, Update, bindparam, or_, update
from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import TicketTier

_tiers = TicketTier.__table__
_tier = _tiers.c.id == bindparam("tier_id")
_n = bindparam("n", type_=Integer)
_fits = or_(_tiers.c.quantity.is_(None), _tiers.c.sold + _tiers.c.held + _n <= _tiers.c.quantity)

# Built once: every buyer of a tier runs them, and composing a statement per call costs more CPU
# than running it. Core statements on the table, so the ORM never re-syncs tier objects it holds.
HOLD = update(_tiers).where(_tier, _fits).values(held=_tiers.c.held + _n)
HOLD_UNGUARDED = update(_tiers).where(_tier).values(held=_tiers.c.held + _n)
SELL_HELD = update(_tiers).where(_tier, _tiers.c.held >= _n).values(held=_tiers.c.held - _n, sold=_tiers.c.sold + _n)
SELL_NOW = update(_tiers).where(_tier, _fits).values(sold=_tiers.c.sold + _n)
RELEASE_HELD = update(_tiers).where(_tier, _tiers.c.held >= _n).values(held=_tiers.c.held - _n)
RELEASE_SOLD = update(_tiers).where(_tier, _tiers.c.sold >= _n).values(sold=_tiers.c.sold - _n)

Executor = Session | Connection
"""The caller's write transaction: an ORM session or a Core connection."""

_unguarded: ContextVar[bool] = ContextVar("capacity_unguarded", default=False)


@contextmanager
def guard_disabled_for_tests() -> Iterator[None]:
    """Decide capacity from a read made before the write transaction, then write unconditionally:
    the check-then-act race that the guard exists to prevent."""
    token = _unguarded.set(True)
    try:
        yield
    finally:
        _unguarded.reset(token)


def unguarded_precheck(wanted: dict[str, int]) -> bool:
    """Only with the guard off: the naive availability check, made outside any write transaction."""
    if not _unguarded.get():
        return True
    with read_only() as reader:
        tiers = {t.id: t for t in reader.exec(select(TicketTier).where(col(TicketTier.id).in_(list(wanted))))}
    # The gap a real request has between checking and writing (validation, a provider call).
    time.sleep(0.05)
    return all(t.quantity is None or t.sold + t.held + wanted[t.id] <= t.quantity for t in tiers.values())


def _change(executor: Executor, statement: Update, tier_id: str, n: int) -> bool:
    return executor.execute(statement, {"tier_id": tier_id, "n": n}).rowcount == 1


def hold(executor: Executor, tier_id: str, n: int) -> bool:
    """Reserve `n` seats; False (and nothing changed) when they are not there."""
    if _unguarded.get():
        return _change(executor, HOLD_UNGUARDED, tier_id, n)
    return _change(executor, HOLD, tier_id, n)


def sell_held(executor: Executor, tier_id: str, n: int) -> None:
    """Turn `n` held seats into sold ones (payment confirmed while the hold was still active)."""
    if not _change(executor, SELL_HELD, tier_id, n):
        raise RuntimeError(f"Tier {tier_id} holds fewer than {n} seats; counters and orders disagree.")


def sell_now(executor: Executor, tier_id: str, n: int) -> bool:
    """Sell `n` seats that were not held (a free registration, or a payment that outlived its hold)."""
    return _change(executor, SELL_NOW, tier_id, n)


def release_held(executor: Executor, tier_id: str, n: int) -> None:
    """Give back `n` held seats (hold expired, order cancelled or failed)."""
    _change(executor, RELEASE_HELD, tier_id, n)


def release_sold(executor: Executor, tier_id: str, n: int) -> None:
    """Give back `n` sold seats (tickets refunded or cancelled)."""
    _change(executor, RELEASE_SOLD, tier_id, n)
