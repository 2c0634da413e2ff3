"""A counter whose limit is a CHECK on its own row, taken one way per database: the seats of a ticket
tier (`capacity`) and the uses of a discount code (`discounts`) are both such counters.

- PostgreSQL: `take` runs the plain increment and the CHECK refuses a take past the limit. In an
  ordinary transaction the statement itself is refused and `take` answers False at once. Inside a
  `db.write_batch` (one pipeline round trip) nothing is answered before COMMIT: the refusal aborts
  the batch there, and `refused_at_commit` around the batch turns it into the caller's exception.
- SQLite: `take` runs the conditional increment (`… WHERE <still fits>`; writes queue behind
  BEGIN IMMEDIATE, so it sees the counter as it is), refusing by changing nothing; the CHECK stays
  as a second line.

Either way each take is one statement: the same round trips as writing it out by hand.

Tests may switch a counter's guard off (`guard_disabled_for_tests`, a context variable no request
can reach) to show the race is real without it: the caller then decides from a read made before the
write (`guarded` False), the increment is plain on SQLite too, and a CHECK refusal is left as the
IntegrityError it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from eventpalour.db import answers_deferred

Executor = Session | Connection
"""The caller's write transaction: an ORM session or a Core connection."""


def dialect_of(executor: Executor) -> str:
    bind = executor if isinstance(executor, Connection) else executor.get_bind()
    return bind.dialect.name


class GuardedCounter:
    """One kind of limited counter: `conditional` (the increment that only fits, for SQLite),
    `plain` (the increment the CHECK `check_name` guards, for PostgreSQL), both with the same
    parameters."""

    def __init__(self, name: str, *, check_name: str, conditional: Update, plain: Update) -> None:
        self.check_name = check_name
        self._conditional = conditional
        self._plain = plain
        self._unguarded: ContextVar[bool] = ContextVar(f"{name}_unguarded", default=False)

    @property
    def guarded(self) -> bool:
        """False only inside `guard_disabled_for_tests`."""
        return not self._unguarded.get()

    @contextmanager
    def guard_disabled_for_tests(self) -> Iterator[None]:
        """Take plainly on every database and leave a CHECK refusal untranslated: the check-then-act
        race the guard exists to prevent."""
        token = self._unguarded.set(True)
        try:
            yield
        finally:
            self._unguarded.reset(token)

    def take(self, executor: Executor, params: dict[str, Any]) -> bool:
        """Increment the counter, or answer False when its limit refuses (one way per database: see
        the module). Inside a PostgreSQL `write_batch` it answers True: the refusal comes at COMMIT,
        for `refused_at_commit`."""
        if self.guarded and dialect_of(executor) == "sqlite":
            return executor.execute(self._conditional, params).rowcount == 1
        try:
            executor.execute(self._plain, params)
        except IntegrityError as refused:
            # In a batch an earlier counter's refusal can surface at this statement: which counter
            # is short is for `refused_at_commit` to find out, not this one.
            if not self.refused(refused) or answers_deferred(executor):
                raise
            return False
        return True

    def refused(self, problem: IntegrityError) -> bool:
        """The database refused a take past this counter's limit (its CHECK), as opposed to another
        constraint. With the guard off the refusal is the race itself: not translated."""
        # psycopg names the constraint in `diag`; sqlite3 only in the message ("CHECK constraint failed: ...").
        constraint = getattr(getattr(problem.orig, "diag", None), "constraint_name", None) or str(problem.orig)
        return self.check_name in constraint and self.guarded

    @contextmanager
    def refused_at_commit(self, refusal: Callable[[], Exception]) -> Iterator[None]:
        """Around a batch that takes from this counter: its CHECK refusing the COMMIT raises
        `refusal()`; other errors pass."""
        try:
            yield
        except IntegrityError as refused:
            if not self.refused(refused):
                raise
            raise refusal() from None
