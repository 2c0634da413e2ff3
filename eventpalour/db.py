"""The one database engine, and the transaction helpers every service uses.

Services open their own unit of work in one of three ways: `transaction()` (writes),
`read_only()` (reads) or `write_batch()` (writes that need no answer until the end, sent whole).
On SQLite a write transaction starts with `BEGIN IMMEDIATE`, so two writers never deadlock while
upgrading a read lock; WAL mode lets readers run beside the writer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlmodel import Session, create_engine

from eventpalour.config import settings

_engine: Engine | None = None
_reader: Engine | None = None
_writer: Engine | None = None
PING_AFTER_IDLE_SECONDS = 10.0


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is broken).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(url: str) -> Engine:
    """Create an engine for `url` with the pragmas and pool settings this app relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite connections are cheap; writers queue on the database lock, not on the pool.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=40
        )
        _prepare_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for a while.

    `pool_pre_ping` would ping on every checkout: one more round trip per unit of work, about a
    fifth of a checkout's cost. Connections that go stale (a server restart, an idle timeout on the
    way) are the idle ones; a busy connection that breaks fails its query and SQLAlchemy drops the
    pool, as it would anyway for a failure mid-request. Raising DisconnectionError makes the pool
    replace the connection and try again (SQLAlchemy's documented pessimistic-disconnect hook).
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as problem:
            raise DisconnectionError("A pooled connection went stale; using a new one.") from problem


def get_engine() -> Engine:
    """The process-wide engine for `settings.database_url`, created on first use."""
    global _engine
    if _engine is None:
        _engine = create_db_engine(settings.database_url)
    return _engine


def reset_engine() -> None:
    """Drop the cached engine (tests switch databases between runs)."""
    global _engine, _reader, _writer
    if _engine is not None:
        _engine.dispose()
    _engine = _reader = _writer = None


def _autocommit_engine() -> Engine:
    """The engine of `read_only()`: on PostgreSQL its connections run in autocommit.

    Under READ COMMITTED every statement takes its own snapshot, inside a transaction or not, so a
    read needs no BEGIN and no ROLLBACK: two round trips fewer for the most common unit of work.
    SQLite keeps its transaction, which is what gives several reads one snapshot there.
    """
    global _reader
    if _reader is None:
        engine = get_engine()
        _reader = engine if engine.dialect.name == "sqlite" else engine.execution_options(isolation_level="AUTOCOMMIT")
    return _reader


# The three ways into the database: a write unit of work, a read, and a batch of writes. Hot paths
# that run prepared Core statements take the Session's connection (`session.connection()`): the
# same unit of work, without the ORM's per-statement cost.


def _immediate_engine() -> Engine:
    """The engine for `transaction()`: BEGIN IMMEDIATE on SQLite (a writer queues at BEGIN instead of
    failing at its first write). Made once: deriving it costs every unit of work ~15 us of CPU."""
    global _writer
    if _writer is None:
        _writer = get_engine().execution_options(sqlite_immediate=True)
    return _writer


@contextmanager
def transaction() -> Iterator[Session]:
    """A write unit of work: commits on success, rolls back on any error (BEGIN IMMEDIATE on SQLite)."""
    with Session(bind=_immediate_engine(), expire_on_commit=False) as session:
        with session.begin():
            yield session


@contextmanager
def read_only() -> Iterator[Session]:
    """A read unit of work; never commits. Autocommit on PostgreSQL: no BEGIN and no ROLLBACK."""
    with Session(bind=_autocommit_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def write_batch() -> Iterator[Connection]:
    """A write unit of work sent whole: on PostgreSQL its statements reach the server with their
    BEGIN and COMMIT in a single round trip (psycopg's pipeline mode), so a single write that is a
    unit of work by itself costs one round trip, as in autocommit; a `transaction()` costs three.

    Why: a row lock taken in the batch (a tier's seat counters during a rush) is then held only
    while the server runs the rest of the batch, never while this process waits for a core or the
    GIL between one statement's answer and sending the next. The price: inside the block no answer
    exists yet on PostgreSQL (no rows, no rowcounts), so the statements must not depend on each
    other's results (an INSERT into a table that generates its key needs `.inline()`, or SQLAlchemy
    asks for the key back); a statement's rowcount is read after the block with `rows_changed`. A
    refusal (a CHECK, a unique key) aborts the whole unit and is raised as SQLAlchemy's usual error
    (IntegrityError...) when the block ends. `answers_deferred` tells a callee which kind it got.
    SQLite runs the same statements in an ordinary write transaction (BEGIN IMMEDIATE).
    """
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        with _immediate_engine().begin() as connection:
            yield connection
        return
    # psycopg would sync (wait) after the BEGIN it sends itself, and again at COMMIT: on an
    # autocommit connection this queues its own BEGIN and COMMIT, and the one Sync that leaves the
    # pipeline sends them with the statements.
    with _autocommit_engine().connect() as connection:
        driver = connection.connection.driver_connection
        connection.info[_DEFERRED] = True
        try:
            with driver.pipeline() as pipeline:
                driver.execute(b"BEGIN")
                try:
                    yield connection
                except BaseException:
                    # Take in what is left of the aborted batch, so the pipeline closes cleanly
                    # (psycopg would otherwise log "error ignored terminating" on the way out).
                    with suppress(psycopg.Error):
                        driver.execute(b"ROLLBACK")
                        pipeline.sync()
                    raise
                driver.execute(b"COMMIT")
        except psycopg.Error as refused:
            raise DBAPIError.instance("COMMIT", None, refused, psycopg.Error) from refused
        finally:
            connection.info.pop(_DEFERRED, None)
            if driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                # A refused statement aborted the transaction, and the server skipped the rest of
                # the batch, its ROLLBACK or COMMIT too: end it before the connection goes back.
                driver.rollback()


_DEFERRED = "eventpalour_answers_deferred"


def answers_deferred(connection: Session | Connection) -> bool:
    """True inside `write_batch` on PostgreSQL: statements run at COMMIT, rowcounts are not known."""
    return isinstance(connection, Connection) and connection.info.get(_DEFERRED, False)


def rows_changed(result: CursorResult[Any]) -> int:
    """How many rows a write changed. For a statement of a `write_batch`, read it after the block:
    on PostgreSQL the count arrives with the COMMIT, when psycopg hands it to the statement's
    cursor (SQLAlchemy's own `rowcount` was taken when the statement was only queued)."""
    return result.context.cursor.rowcount
