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

Either way a refused hold raises `NotEnoughSeats`. Those two ways are `guarded_counter`'s, shared
with a discount code's uses (`SEATS`). `sell_now` (seats not held first: a payment that outlived its
hold) is that conditional UPDATE on both databases, answering inside its transaction.

Tests may switch the guard off (`guard_disabled_for_tests`, never reachable from a request) to prove
that the race is real without it: availability is then read before the write (`unguarded_precheck`),
the hold adds plainly on SQLite too, and a CHECK refusal is left as the IntegrityError it is.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import AbstractContextManager

from sqlalchemy import Update
from sqlalchemy.exc import IntegrityError

from eventpalour.db import read_only
from eventpalour.models import CAPACITY_CHECK
from eventpalour.services.sales import store
from eventpalour.services.sales.guarded_counter import Executor, GuardedCounter

# Built once (sales/store.py): every buyer of a tier runs them, and composing a statement per call
# costs more CPU than running it.
SEATS = GuardedCounter("capacity", check_name=CAPACITY_CHECK, conditional=store.HOLD, plain=store.ADD_HELD)


def guard_disabled_for_tests() -> AbstractContextManager[None]:
    """Decide capacity from a read made before the write transaction, then write unconditionally:
    the check-then-act race that the guard exists to prevent."""
    return SEATS.guard_disabled_for_tests()


def unguarded_precheck(wanted: Mapping[str, int]) -> bool:
    """Only with the guard off: the naive availability check, made outside any write transaction."""
    if SEATS.guarded:
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
    if not SEATS.take(executor, {"tier_id": tier_id, "n": n}):
        raise NotEnoughSeats(tier_id)


def refused_at_commit(wanted: Mapping[str, int]) -> AbstractContextManager[None]:
    """Around a batch that holds `wanted` seats per tier: the capacity CHECK refusing its COMMIT
    (PostgreSQL) raises NotEnoughSeats for the first tier short of seats; other errors pass."""
    return SEATS.refused_at_commit(lambda: NotEnoughSeats(first_short(wanted)))


def refused_for_capacity(problem: IntegrityError) -> bool:
    """The database refused seats that are not there (the capacity CHECK), as opposed to another
    constraint. With the guard switched off for tests the refusal is the race itself: not translated."""
    return SEATS.refused(problem)


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
