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

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from eventpalour.db import read_only
from eventpalour.models import TicketTier

# The counters are only ever read back from the database, so the ORM need not re-evaluate each
# UPDATE against tier objects the session holds (work done while the tier row is locked).
_NO_SYNC = {"synchronize_session": False}

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


def _fits(n: int):
    return or_(col(TicketTier.quantity).is_(None), TicketTier.sold + TicketTier.held + n <= TicketTier.quantity)


def unguarded_precheck(wanted: dict[str, int]) -> bool:
    """Only with the guard off: the naive availability check, made outside any write transaction."""
    if not _unguarded.get():
        return True
    with read_only() as reader:
        tiers = {t.id: t for t in reader.exec(select(TicketTier).where(col(TicketTier.id).in_(list(wanted))))}
    # The gap a real request has between checking and writing (validation, a provider call).
    time.sleep(0.05)
    return all(t.quantity is None or t.sold + t.held + wanted[t.id] <= t.quantity for t in tiers.values())


def hold(session: Session, tier_id: str, n: int) -> bool:
    """Reserve `n` seats; False (and nothing changed) when they are not there."""
    if _unguarded.get():
        session.execute(
            update(TicketTier).where(col(TicketTier.id) == tier_id).values(held=TicketTier.held + n),
            execution_options=_NO_SYNC,
        )
        return True
    statement = update(TicketTier).where(col(TicketTier.id) == tier_id, _fits(n)).values(held=TicketTier.held + n)
    return session.execute(statement, execution_options=_NO_SYNC).rowcount == 1


def sell_held(session: Session, tier_id: str, n: int) -> None:
    """Turn `n` held seats into sold ones (payment confirmed while the hold was still active)."""
    changed = session.execute(
        update(TicketTier)
        .where(col(TicketTier.id) == tier_id, TicketTier.held >= n)
        .values(held=TicketTier.held - n, sold=TicketTier.sold + n),
        execution_options=_NO_SYNC,
    ).rowcount
    if changed != 1:
        raise RuntimeError(f"Tier {tier_id} holds fewer than {n} seats; counters and orders disagree.")


def sell_now(session: Session, tier_id: str, n: int) -> bool:
    """Sell `n` seats that were not held (a free registration, or a payment that outlived its hold)."""
    statement = update(TicketTier).where(col(TicketTier.id) == tier_id, _fits(n)).values(sold=TicketTier.sold + n)
    return session.execute(statement, execution_options=_NO_SYNC).rowcount == 1


def release_held(session: Session, tier_id: str, n: int) -> None:
    """Give back `n` held seats (hold expired, order cancelled or failed)."""
    session.execute(
        update(TicketTier).where(col(TicketTier.id) == tier_id, TicketTier.held >= n).values(held=TicketTier.held - n),
        execution_options=_NO_SYNC,
    )


def release_sold(session: Session, tier_id: str, n: int) -> None:
    """Give back `n` sold seats (tickets refunded or cancelled)."""
    session.execute(
        update(TicketTier).where(col(TicketTier.id) == tier_id, TicketTier.sold >= n).values(sold=TicketTier.sold - n),
        execution_options=_NO_SYNC,
    )
