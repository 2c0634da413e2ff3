"""The one database engine, and the transaction helpers every service uses.

Services open their own unit of work with `transaction()` (writes) or `read_only()` (reads).
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
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.sql.base import Executable
from sqlmodel import Session, create_engine

from eventpalour.config import settings

_engine: Engine | None = None
_reader: Engine | None = None
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
    global _engine, _reader
    if _engine is not None:
        _engine.dispose()
    _engine = _reader = None


def _autocommit_engine() -> Engine:
    """The engine for `read_only()` and `read_connection()`: on PostgreSQL its connections run in autocommit.

    Under READ COMMITTED every statement takes its own snapshot, inside a transaction or not, so a
    read needs no BEGIN and no ROLLBACK: two round trips fewer for the most common unit of work.
    SQLite keeps its transaction, which is what gives several reads one snapshot there.
    """
    global _reader
    if _reader is None:
        engine = get_engine()
        _reader = engine if engine.dialect.name == "sqlite" else engine.execution_options(isolation_level="AUTOCOMMIT")
    return _reader


@contextmanager
def transaction() -> Iterator[Session]:
    """A write unit of work: commits on success, rolls back on any error."""
    bind = get_engine().execution_options(sqlite_immediate=True)
    with Session(bind=bind, expire_on_commit=False) as session:
        with session.begin():
            yield session


@contextmanager
def write_connection() -> Iterator[Connection]:
    """A write unit of work without the ORM, for hot paths that run prepared Core statements only.

    Same guarantees as `transaction()` (BEGIN IMMEDIATE on SQLite, commit or roll back as a whole).
    """
    with get_engine().execution_options(sqlite_immediate=True).begin() as connection:
        yield connection


@contextmanager
def write_batch() -> Iterator[Connection]:
    """A write unit of work whose statements need no answers: on PostgreSQL they reach the server
    with their BEGIN and COMMIT in a single round trip (psycopg's pipeline mode).

    Why: a row lock taken in the batch (a tier's seat counters during a rush) is then held only
    while the server runs the rest of the batch, never while this process waits for a core or the
    GIL between one statement's answer and sending the next. The price: inside the block no answer
    exists yet on PostgreSQL (no rows, no rowcounts), so the statements must not depend on each
    other's results (an INSERT into a table that generates its key needs `.inline()`, or SQLAlchemy
    asks for the key back); a refusal (a CHECK, a unique key) aborts the whole unit and is raised as
    SQLAlchemy's usual error (IntegrityError...) when the block ends. `answers_deferred` tells a
    callee which kind it got. SQLite runs the same statements in an ordinary write transaction.
    """
    with write_connection() as connection:
        if connection.dialect.name == "sqlite":
            yield connection
            return
        driver = connection.connection.driver_connection
        connection.info[_DEFERRED] = True
        try:
            with driver.pipeline() as pipeline:
                try:
                    yield connection
                    driver.commit()  # queued behind the statements; then one sync sends them all
                except (psycopg.Error, DBAPIError):
                    # Take in what is left of the aborted batch, so the pipeline closes cleanly
                    # (psycopg would otherwise log "error ignored terminating" on the way out).
                    with suppress(psycopg.Error):
                        pipeline.sync()
                    raise
        except psycopg.Error as refused:
            raise DBAPIError.instance("COMMIT", None, refused, psycopg.Error) from refused
        finally:
            connection.info.pop(_DEFERRED, None)


_DEFERRED = "eventpalour_answers_deferred"


def answers_deferred(connection: Session | Connection) -> bool:
    """True inside `write_batch` on PostgreSQL: statements run at COMMIT, rowcounts are not known."""
    return isinstance(connection, Connection) and connection.info.get(_DEFERRED, False)


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A read without the ORM, for hot paths that run prepared Core statements only.

    As `read_only()`: autocommit on PostgreSQL (no BEGIN/ROLLBACK round trips), a transaction on SQLite.
    """
    with _autocommit_engine().connect() as connection:
        yield connection


@contextmanager
def single_statement() -> Iterator[Connection]:
    """A connection for one write statement that is a unit of work by itself.

    A single statement is atomic by itself, so on PostgreSQL it runs in autocommit: one round trip
    instead of BEGIN, the statement and COMMIT. SQLite takes it in a BEGIN IMMEDIATE transaction.
    Run exactly one statement on it (and read any RETURNING rows inside the block).
    """
    if get_engine().dialect.name == "sqlite":
        with write_connection() as connection:
            yield connection
        return
    with _autocommit_engine().connect() as connection:
        yield connection


def write_one(statement: Executable, parameters: dict[str, Any] | None = None) -> int:
    """Run one write statement as its own unit of work (`single_statement`); returns the rows it changed."""
    with single_statement() as connection:
        return connection.execute(statement, parameters).rowcount


@contextmanager
def read_only() -> Iterator[Session]:
    """A read unit of work; never commits."""
    with Session(bind=_autocommit_engine(), expire_on_commit=False) as session:
        yield session
