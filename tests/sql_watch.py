"""What a block of code sends to the database, for tests that hold a path to its statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event as sa_event

from eventpalour.db import get_engine


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """Every statement the app's engine runs inside the block, any thread, whitespace folded (an
    executemany counts once)."""
    ran: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        ran.append(" ".join(statement.split()))

    engine = get_engine()
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield ran
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
