"""Test settings come first (before the app is imported), then a clean migrated database per run
and empty tables per test. Set TEST_DATABASE_URL to run the same suite on PostgreSQL.

A module (or test) marked `no_db` reads no database: pure functions, parsing, catalogs, files.
scripts/test.sh runs those on SQLite only (the PostgreSQL run deselects them: nothing in them differs
between the two databases). The mark is checked, never trusted, so a test that needs the database can
never be dropped from the PostgreSQL run by a wrong mark: while such a test runs, every statement any
engine runs (any thread) and every new SQLite or PostgreSQL connection is noted; the processes it
starts inherit a DATABASE_URL no process can open, and one handed the test database's URL is noted;
the test fails if anything was noted, if it asks for a database fixture (db_backend), or if it skips
for a reason naming a database. Its tables are not emptied either.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="eventpalour-tests-"))
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["DATA_DIR"] = str(_TMP / "data")
# Reflex's page state on disk, per test process: at start each process purges expired files from
# that folder, and two processes purging one shared `.states` raced (FileNotFoundError at collection).
os.environ["REFLEX_STATES_WORKDIR"] = str(_TMP / "states")
os.environ["APP_ENV"] = "test"
os.environ["SECRET_KEY"] = "test-secret-key-that-is-long-enough-0123456789"
os.environ.pop("SMTP_HOST", None)
os.environ.pop("GOOGLE_CLIENT_ID", None)
os.environ.pop("REDIS_URL", None)
os.environ.pop("SMS_PROVIDER", None)  # the built-in SMS sandbox, never a real provider
os.environ["RATE_LIMIT_GENERAL"] = "100000/minute"
os.environ["RATE_LIMIT_AUTH"] = "100000/minute"
os.environ["RATE_LIMIT_SIGNIN_ACCOUNT"] = "100000/minute"
os.environ["RATE_LIMIT_EMAIL_RECIPIENT"] = "100000/minute"
os.environ["RATE_LIMIT_GUEST_CHECKOUT"] = "100000/minute"
os.environ["SUPER_ADMIN_EMAILS"] = "boss@eventpalour.test"
os.environ["PASSWORD_HASH_COST"] = "low"
# Tests read what they just wrote; the page cache's own tests turn it on (tests/unit/test_public_event_cache.py).
os.environ["PUBLIC_EVENT_CACHE_SECONDS"] = "0"
warnings.filterwarnings("ignore", message="The httpx module is deprecated")

import psycopg  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from eventpalour import models  # noqa: E402,F401
from eventpalour.config import settings  # noqa: E402
from eventpalour.db import get_engine, reset_engine  # noqa: E402
from eventpalour.models import Category  # noqa: E402
from eventpalour.services.events.categories import DEFAULT_CATEGORIES, category_slug  # noqa: E402
from eventpalour.services.platform import rate_limit  # noqa: E402
from tests.dbsetup import migrate_fresh  # noqa: E402

TEST_DIR = _TMP


def pytest_sessionstart(session: pytest.Session) -> None:
    reset_engine()
    migrate_fresh(settings.database_url)


def _emptying_script() -> str:
    """Every table's DELETE, children first, as one SQL script. The seeded category list (its
    migration's rows) stays, as it does in every real database."""
    seeded = ", ".join("'" + category_slug(name).replace("'", "''") + "'" for name in DEFAULT_CATEGORIES)
    deletes = []
    for table in reversed(SQLModel.metadata.sorted_tables):
        where = f" WHERE slug NOT IN ({seeded})" if table is Category.__table__ else ""
        deletes.append(f'DELETE FROM "{table.name}"{where}')
    return ";\n".join(deletes)


_EMPTYING_SCRIPT = _emptying_script()


def _empty_all_tables() -> None:
    """DELETE, children first, on both databases, sent as one script in one transaction: on PostgreSQL
    a TRUNCATE of every table takes about 200 ms (new files for each table); the 72 DELETEs sent one
    by one through SQLAlchemy took about 20 ms (8 ms of it this process's CPU) before every one of
    over two thousand tests, the one script 3 ms (0.5 ms CPU)."""
    engine = get_engine()
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            # The app's SQLite connections are in autocommit mode (db.py emits BEGIN itself).
            connection.driver_connection.executescript(f"BEGIN;\n{_EMPTYING_SCRIPT};\nCOMMIT;")
        else:
            # Without parameters psycopg sends the text as a simple query: many statements at once.
            connection.cursor().execute(_EMPTYING_SCRIPT)
            connection.commit()
    finally:
        connection.close()


# A no_db test's processes inherit this DATABASE_URL: its folder is a file, so neither SQLite nor the
# app (which makes a SQLite file's folder) can open it, and a process that reaches for it fails.
UNREACHABLE_DATABASE = _TMP / "no_db-tests-reach-no-database"
UNREACHABLE_DATABASE.write_text("A test marked no_db started a process that opened its DATABASE_URL.\n")
UNREACHABLE_DATABASE_URL = f"sqlite:///{UNREACHABLE_DATABASE / 'test.db'}"
# Fixtures that are the database, or choose by it: a no_db test asking for one is refused.
DATABASE_FIXTURES = frozenset({"db_backend"})


class DatabaseUse:
    """While `watching`, what reached the database: statements run by any engine (any thread), new
    SQLite and PostgreSQL connections, processes started with the test database's URL. Each is a line saying what."""

    def __init__(self) -> None:
        self.watching = False
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def note(self, what: str) -> None:
        if self.watching:
            with self._lock:
                self.seen.append(what)

    @staticmethod
    def _connect_noted(connect, what: str):
        def noted(*args, **kwargs):
            DATABASE_USE.note(what)
            return connect(*args, **kwargs)

        return noted

    def patch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Note connections opened without an engine; processes inherit an unreachable DATABASE_URL,
        and one handed the test database's URL (in its arguments or environment) is noted."""
        monkeypatch.setattr(sqlite3, "connect", self._connect_noted(sqlite3.connect, "a new SQLite connection"))
        monkeypatch.setattr(psycopg, "connect", self._connect_noted(psycopg.connect, "a new PostgreSQL connection"))
        monkeypatch.setenv("DATABASE_URL", UNREACHABLE_DATABASE_URL)
        database_url = settings.database_url
        popen_init = subprocess.Popen.__init__

        def popen_noted(popen, args, *rest, **kwargs):
            handed = [str(args), *(kwargs.get("env") or {}).values()]
            if any(database_url in value for value in handed):
                DATABASE_USE.note(f"a process given the test database: {args!r}"[:200])
            popen_init(popen, args, *rest, **kwargs)

        monkeypatch.setattr(subprocess.Popen, "__init__", popen_noted)


DATABASE_USE = DatabaseUse()


@event.listens_for(Engine, "before_cursor_execute")
def _note_statement(conn, cursor, statement: str, parameters, context, executemany: bool) -> None:
    DATABASE_USE.note(f"SQL: {' '.join(statement.split())[:200]}")


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with empty tables and fresh rate-limit counters; a `no_db` test is held to
    its mark (it fails if it reached the database)."""
    rate_limit.reset()
    if request.node.get_closest_marker("no_db") is None:
        _empty_all_tables()
        yield
        return
    if asked := DATABASE_FIXTURES & set(request.fixturenames):
        pytest.fail(f"A test marked no_db may not use the database fixtures {sorted(asked)}.", pytrace=False)
    DATABASE_USE.patch(monkeypatch)
    DATABASE_USE.seen.clear()
    DATABASE_USE.watching = True
    try:
        yield
    finally:
        DATABASE_USE.watching = False
    if DATABASE_USE.seen:
        pytest.fail(
            "This test is marked no_db (so the PostgreSQL run leaves it out) but it reached the database; "
            "remove the mark.\n" + "\n".join(DATABASE_USE.seen[:5]),
            pytrace=False,
        )


@pytest.fixture
def db_backend() -> str:
    return get_engine().dialect.name


# A skip whose reason names a database skips because of the database (e.g. "SQLite's table rebuilds").
DATABASE_SKIP = re.compile(r"sqlite|postgres|database|dialect", re.IGNORECASE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A no_db test skipped because of the database would run nowhere (the PostgreSQL run leaves it out):
    it fails instead. Other skips (a tool missing on this machine) skip as they would on PostgreSQL."""
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and item.get_closest_marker("no_db") is not None) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if DATABASE_SKIP.search(reason):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} is marked no_db, so it runs on SQLite only, and it skipped there: {reason}"
