"""The capacity guard: the one place where seats of a ticket tier are held, sold and freed.

Every change is a single conditional UPDATE inside the caller's write transaction, so
`sold + held <= quantity` holds under any concurrency, on SQLite and PostgreSQL alike:

    UPDATE ticket_tiers SET held = held + :n
    WHERE id = :id AND (quantity IS NULL OR sold + held + :n <= quantity)

Inside a `db.write_batch` on PostgreSQL (a paid order's hold: the whole unit goes to the server
in one round trip) no rowcount comes back before COMMIT, so there the hold adds the seats plainly
and the table's CHECK constraint `ck_ticket_tiers_capacity` (the same `sold + held <= quantity`)
refuses the commit; `refused_for_capacity` recognises that refusal and `first_short` names the tier.

Tests may switch the guard off (a context variable, never reachable from a request) to prove
that the race is real without it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection, Integer, Update, bindparam, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.db import answers_deferred, read_only
from eventpalour.models import TicketTier

_tiers = TicketTier.__table__
_tier = _tiers.c.id == bindparam("tier_id")
_n = bindparam("n", type_=Integer)
_fits = or_(_tiers.c.quantity.is_(None), _tiers.c.sold + _tiers.c.held + _n <= _tiers.c.quantity)

# Built once: every buyer of a tier runs them, and composing a statement per call costs more CPU
# than running it. Core statements on the table, so the ORM never re-syncs tier objects it holds.
HOLD = update(_tiers).where(_tier, _fits).values(held=_tiers.c.held + _n)
ADD_HELD = update(_tiers).where(_tier).values(held=_tiers.c.held + _n)
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


CAPACITY_CHECK = "ck_ticket_tiers_capacity"


def hold(executor: Executor, tier_id: str, n: int) -> bool:
    """Reserve `n` seats; False (and nothing changed) when they are not there.

    In a batch whose answers come at COMMIT it returns True, and a shortfall fails the commit with
    the capacity CHECK's IntegrityError (see `refused_for_capacity`)."""
    if _unguarded.get() or answers_deferred(executor):
        executor.execute(ADD_HELD, {"tier_id": tier_id, "n": n})
        return True
    return _change(executor, HOLD, tier_id, n)


def refused_for_capacity(problem: IntegrityError) -> bool:
    """The database refused seats that are not there (the capacity CHECK), as opposed to another
    constraint. With the guard switched off for tests the refusal is the race itself: not translated."""
    # psycopg names the constraint in `diag`; sqlite3 only in the message ("CHECK constraint failed: ...").
    constraint = getattr(getattr(problem.orig, "diag", None), "constraint_name", None) or str(problem.orig)
    return CAPACITY_CHECK in constraint and not _unguarded.get()


def first_short(wanted: dict[str, int]) -> str:
    """After a refused hold: the first wanted tier (in id order) that cannot take its seats now."""
    with read_only() as reader:
        tiers = {t.id: t for t in reader.exec(select(TicketTier).where(col(TicketTier.id).in_(list(wanted))))}
    for tier_id in sorted(wanted):
        tier = tiers.get(tier_id)
        if tier is not None and tier.quantity is not None and tier.sold + tier.held + wanted[tier_id] > tier.quantity:
            return tier_id
    return min(wanted)


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
