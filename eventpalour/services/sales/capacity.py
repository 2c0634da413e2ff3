"""The capacity guard: the one place where seats of a ticket tier are held, sold and freed.

The rule is the tier's own (models/event.py, `TierSeats`): the seats sold and held fit its quantity.
A hold decides it one way per database:

- PostgreSQL: `hold` adds the seats plainly and the table's CHECK `ck_ticket_tiers_capacity` (the
  same rule) refuses a shortfall. A paid order's hold is one pipeline batch (`db.write_batch`: its
  statements and COMMIT in one round trip, so the busy tier row stays locked only while the server
  runs it) and answers nothing before COMMIT, so there the refusal aborts the whole batch at COMMIT,
  and `refused_at_commit` names the short tier (`first_short`). In an ordinary transaction the
  statement itself is refused, and `hold` names its tier at once.
- SQLite: `hold` is the conditional UPDATE `store.HOLD` (writes queue behind BEGIN IMMEDIATE, so it sees
  the counters as they are), refusing by changing nothing; the CHECK stays as a second line.

    UPDATE ticket_tiers SET held = held + :n
    WHERE id = :tier_id AND (quantity IS NULL OR sold + held + :n <= quantity)

Either way a refused hold raises `NotEnoughSeats`. `sell_now` (seats not held first: a payment that
outlived its hold) is that conditional UPDATE on both databases, answering inside its transaction.

Tests may switch the guard off (a context variable, never reachable from a request) to prove
that the race is real without it: availability is then read before the write (`unguarded_precheck`),
the hold adds plainly on SQLite too, and a CHECK refusal is left as the IntegrityError it is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection, Update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from eventpalour.db import answers_deferred, read_only
from eventpalour.models import CAPACITY_CHECK
from eventpalour.services.sales import store

# Built once (sales/store.py): every buyer of a tier runs them, and composing a statement per call
# costs more CPU than running it.

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


def unguarded_precheck(wanted: Mapping[str, int]) -> bool:
    """Only with the guard off: the naive availability check, made outside any write transaction."""
    if not _unguarded.get():
        return True
    left = _seats_left(wanted)
    # The gap a real request has between checking and writing (validation, a provider call).
    time.sleep(0.05)
    return not any(_short(seats, wanted[tier_id]) for tier_id, seats in left.items())


def _seats_left(wanted: Mapping[str, int]) -> dict[str, int | None]:
    with read_only() as reader:
        return store.seats_left_of(reader.connection(), wanted)


def _short(seats_left: int | None, n: int) -> bool:
    """`n` more seats are more than the tier has left, as last read."""
    return seats_left is not None and n > seats_left


def _change(executor: Executor, statement: Update, tier_id: str, n: int) -> bool:
    return executor.execute(statement, {"tier_id": tier_id, "n": n}).rowcount == 1


class NotEnoughSeats(Exception):
    """A hold was refused: the tier `tier_id` has fewer seats left than were wanted."""

    def __init__(self, tier_id: str) -> None:
        super().__init__(tier_id)
        self.tier_id = tier_id


def hold(executor: Executor, tier_id: str, n: int) -> None:
    """Reserve `n` seats of the tier, or raise NotEnoughSeats (one way per database: see the module).

    Inside a `write_batch` on PostgreSQL nothing is known before COMMIT: run the batch inside
    `refused_at_commit`, which turns the CHECK's refusal into NotEnoughSeats."""
    guarded = not _unguarded.get()
    if guarded and _dialect(executor) == "sqlite":
        if not _change(executor, store.HOLD, tier_id, n):
            raise NotEnoughSeats(tier_id)
        return
    try:
        executor.execute(store.ADD_HELD, {"tier_id": tier_id, "n": n})
    except IntegrityError as refused:
        # In a batch the refusal of an earlier tier's hold can surface at this statement: which
        # tier is short is for `refused_at_commit` to find out, not this one.
        if not refused_for_capacity(refused) or answers_deferred(executor):
            raise
        raise NotEnoughSeats(tier_id) from None


def _dialect(executor: Executor) -> str:
    bind = executor if isinstance(executor, Connection) else executor.get_bind()
    return bind.dialect.name


@contextmanager
def refused_at_commit(wanted: Mapping[str, int]) -> Iterator[None]:
    """Around a batch that holds `wanted` seats per tier: the capacity CHECK refusing its COMMIT
    (PostgreSQL) raises NotEnoughSeats for the first tier short of seats; other errors pass."""
    try:
        yield
    except IntegrityError as refused:
        if not refused_for_capacity(refused):
            raise
        raise NotEnoughSeats(first_short(wanted)) from None


def refused_for_capacity(problem: IntegrityError) -> bool:
    """The database refused seats that are not there (the capacity CHECK), as opposed to another
    constraint. With the guard switched off for tests the refusal is the race itself: not translated."""
    # psycopg names the constraint in `diag`; sqlite3 only in the message ("CHECK constraint failed: ...").
    constraint = getattr(getattr(problem.orig, "diag", None), "constraint_name", None) or str(problem.orig)
    return CAPACITY_CHECK in constraint and not _unguarded.get()


def first_short(wanted: Mapping[str, int]) -> str:
    """After a refused hold: the first wanted tier (in id order) that cannot take its seats now."""
    left = _seats_left(wanted)
    return next((t for t in sorted(wanted) if t in left and _short(left[t], wanted[t])), min(wanted))


def sell_held(executor: Executor, tier_id: str, n: int) -> None:
    """Turn `n` held seats into sold ones (payment confirmed while the hold was still active)."""
    if not _change(executor, store.SELL_HELD, tier_id, n):
        raise RuntimeError(f"Tier {tier_id} holds fewer than {n} seats; counters and orders disagree.")


def sell_now(executor: Executor, tier_id: str, n: int) -> bool:
    """Sell `n` seats that were not held (a free registration, or a payment that outlived its hold)."""
    return _change(executor, store.SELL_NOW, tier_id, n)


def release_held(executor: Executor, tier_id: str, n: int) -> None:
    """Give back `n` held seats (hold expired, order cancelled or failed)."""
    _change(executor, store.RELEASE_HELD, tier_id, n)


def release_sold(executor: Executor, tier_id: str, n: int) -> None:
    """Give back `n` sold seats (tickets refunded or cancelled)."""
    _change(executor, store.RELEASE_SOLD, tier_id, n)
