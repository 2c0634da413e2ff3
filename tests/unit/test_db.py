"""The three ways into the database of eventpalour/db.py (`transaction`, `read_only`, `write_batch`),
on SQLite and (with TEST_DATABASE_URL) PostgreSQL: what each guarantees, and on PostgreSQL how many
round trips each costs, counted in psycopg's protocol trace rather than timed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from eventpalour.db import answers_deferred, get_engine, read_only, rows_changed, transaction, write_batch
from eventpalour.models import TicketTier, User
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import capacity, store
from tests.factories import approve_kyc, make_event, make_organizer, make_workspace

_users = User.__table__
_tiers = TicketTier.__table__
on_postgresql = pytest.mark.skipif(get_engine().dialect.name != "postgresql", reason="round trips of PostgreSQL")


@pytest.fixture
def tier_of_three() -> str:
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(owner, ws.id, pricing="paid", tiers=[TierInput(name="Small", price=100000, quantity=3)])
    return get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _held(tier_id: str) -> int:
    with read_only() as reader:
        return reader.connection().execute(select(_tiers.c.held).where(_tiers.c.id == tier_id)).scalar_one()


def _user_count() -> int:
    with read_only() as reader:
        return reader.connection().execute(select(func.count()).select_from(_users)).scalar_one()


@contextmanager
def _round_trips() -> Iterator[list[int]]:
    """Count the round trips to PostgreSQL inside the block: each is a message the client sends and
    then waits on (a Sync closing an extended-protocol exchange, or a simple Query), from the
    psycopg protocol trace of every connection taken from the pool meanwhile."""
    engine = get_engine()
    traces: list[Path] = []
    counted: list[int] = []

    def start(dbapi_connection, _record, _proxy) -> None:
        trace = Path(tempfile.mkstemp(suffix=".trace")[1])
        traces.append(trace)
        handle = trace.open("w")
        dbapi_connection.info_trace = handle
        dbapi_connection.pgconn.trace(handle.fileno())

    def stop(dbapi_connection, _record) -> None:
        dbapi_connection.pgconn.untrace()
        dbapi_connection.info_trace.close()

    event.listen(engine, "checkout", start)
    event.listen(engine, "checkin", stop)
    try:
        yield counted
    finally:
        event.remove(engine, "checkout", start)
        event.remove(engine, "checkin", stop)
    for trace in traces:
        # Each line: time, direction (F: from the client), length, message.
        lines = [line.split("\t") for line in trace.read_text().splitlines()]
        counted.append(sum(1 for fields in lines if fields[1:2] == ["F"] and fields[3:4] in (["Sync"], ["Query"])))
        trace.unlink()


def test_a_transaction_commits_on_success_and_rolls_back_on_error(tier_of_three):
    with transaction() as session:
        session.connection().execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 1})
    assert _held(tier_of_three) == 1
    with pytest.raises(RuntimeError), transaction() as session:
        session.connection().execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 1})
        raise RuntimeError("after the write")
    assert _held(tier_of_three) == 1


def test_a_read_never_commits(tier_of_three):
    with read_only() as reader:
        reader.connection().execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 1})
        if get_engine().dialect.name == "sqlite":
            reader.rollback()  # SQLite reads in a transaction, that closing the read rolls back
    expected = 1 if get_engine().dialect.name == "postgresql" else 0
    # On PostgreSQL a read runs in autocommit (no BEGIN, no ROLLBACK): a write slipped into it would
    # stand, which is why writes go through `transaction()` or `write_batch()`, never a read.
    assert _held(tier_of_three) == expected


def test_a_batch_defers_answers_only_on_postgresql(tier_of_three):
    with write_batch() as connection:
        assert answers_deferred(connection) == (get_engine().dialect.name == "postgresql")
        capacity.hold(connection, tier_of_three, 2)
    assert _held(tier_of_three) == 2


def test_a_batch_tells_how_many_rows_changed_once_it_ended(tier_of_three):
    with write_batch() as batch:
        changed = batch.execute(_tiers.update().where(_tiers.c.id == tier_of_three).values(held=1))
        unchanged = batch.execute(_tiers.update().where(_tiers.c.id == "no such tier").values(held=1))
    assert (rows_changed(changed), rows_changed(unchanged)) == (1, 0)


def test_a_refused_statement_undoes_the_whole_batch(tier_of_three):
    users_before = _user_count()
    with pytest.raises(IntegrityError) as refused:
        with write_batch() as connection:
            connection.execute(_tiers.update().where(_tiers.c.id == tier_of_three).values(held=1))
            # Past the tier's quantity: the capacity CHECK refuses it (at COMMIT on PostgreSQL).
            connection.execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 3})
    assert capacity.refused_for_capacity(refused.value)
    assert _held(tier_of_three) == 0
    assert _user_count() == users_before
    # The connection went back to the pool clean: the next batch works.
    with write_batch() as connection:
        capacity.hold(connection, tier_of_three, 3)
    assert _held(tier_of_three) == 3


def test_an_error_inside_a_batch_undoes_it(tier_of_three):
    with pytest.raises(RuntimeError), write_batch() as batch:
        batch.execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 1})
        raise RuntimeError("after the write")
    assert _held(tier_of_three) == 0
    with write_batch() as batch:
        capacity.hold(batch, tier_of_three, 1)
    assert _held(tier_of_three) == 1


@on_postgresql
def test_a_read_is_one_round_trip_per_statement(tier_of_three):
    with _round_trips() as counted:
        _held(tier_of_three)
    assert counted == [1]  # no BEGIN, no ROLLBACK


@on_postgresql
def test_a_batch_is_one_round_trip_whatever_its_size(tier_of_three):
    with _round_trips() as counted:
        with write_batch() as batch:
            batch.execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 1})
    with _round_trips() as counted_three:
        with write_batch() as batch:
            for _ in range(3):
                batch.execute(_tiers.update().where(_tiers.c.id == tier_of_three).values(held=0))
    assert (counted, counted_three) == ([1], [1])


@on_postgresql
def test_a_transaction_begins_and_commits(tier_of_three):
    with _round_trips() as counted:
        with transaction() as session:
            session.connection().execute(store.ADD_HELD, {"tier_id": tier_of_three, "n": 1})
    assert counted == [3]  # BEGIN, the statement, COMMIT
