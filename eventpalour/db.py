"""The one database engine, and the transaction helpers every service uses.

Services open their own unit of work with `transaction()` (writes) or `read_only()` (reads).
On SQLite a write transaction starts with `BEGIN IMMEDIATE`, so two writers never deadlock while
upgrading a read lock; WAL mode lets readers run beside the writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from eventpalour.config import settings

_engine: Engine | None = None


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
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def get_engine() -> Engine:
    """The process-wide engine for `settings.database_url`, created on first use."""
    global _engine
    if _engine is None:
        _engine = create_db_engine(settings.database_url)
    return _engine


def reset_engine() -> None:
    """Drop the cached engine (tests switch databases between runs)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = None


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
def read_only() -> Iterator[Session]:
    """A read unit of work; never commits."""
    with Session(bind=get_engine(), expire_on_commit=False) as session:
        yield session
