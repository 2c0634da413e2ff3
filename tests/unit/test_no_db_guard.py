"""The no_db mark is checked, not trusted (tests/conftest.py): while a marked test runs, a statement on
any thread, a new database connection or a process handed the test database is noted (the test fails
on any of them), and the processes it starts cannot open the database they inherit. scripts/test.sh
leaves marked tests out of the PostgreSQL run, so a database test must never pass with the mark."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from eventpalour.config import settings
from eventpalour.db import get_engine
from tests.conftest import DATABASE_SKIP, DATABASE_USE
from tests.dbsetup import PROJECT_ROOT


@pytest.fixture
def watching(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What a no_db test's watch notes, for code run here (this test itself uses the database)."""
    DATABASE_USE.patch(monkeypatch)
    DATABASE_USE.seen.clear()
    DATABASE_USE.watching = True
    try:
        yield DATABASE_USE.seen
    finally:
        DATABASE_USE.watching = False
        DATABASE_USE.seen.clear()


def _select_one() -> None:
    with get_engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def test_a_statement_on_the_test_thread_is_noted(watching: list[str]) -> None:
    _select_one()
    assert any(seen.startswith("SQL: SELECT 1") for seen in watching), watching


def test_a_statement_on_another_thread_is_noted(watching: list[str]) -> None:
    """A request served by a server thread, say: it reaches the database all the same."""
    worker = threading.Thread(target=_select_one)
    worker.start()
    worker.join()
    assert any(seen.startswith("SQL: SELECT 1") for seen in watching), watching


def test_a_connection_opened_without_an_engine_is_noted(watching: list[str], tmp_path) -> None:
    sqlite3.connect(tmp_path / "other.db").close()
    assert watching == ["a new SQLite connection"]


def test_a_process_handed_the_test_database_is_noted(watching: list[str]) -> None:
    subprocess.run([sys.executable, "-c", "pass", settings.database_url], check=True)
    subprocess.run([sys.executable, "-c", "pass"], env={"DATABASE_URL": settings.database_url}, check=True)
    assert len(watching) == 2 and all(seen.startswith("a process given the test database: ") for seen in watching)


def test_a_process_inherits_a_database_it_cannot_open(watching: list[str]) -> None:
    """The app's own engine in a child process (it makes a SQLite file's folder first) fails to connect."""
    code = "from eventpalour.db import get_engine; get_engine().connect()"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode != 0, done.stdout
    assert "no_db-tests-reach-no-database" in done.stderr, done.stderr[-2000:]
    assert os.environ["DATABASE_URL"] != settings.database_url
    assert watching == []


def test_nothing_is_noted_when_not_watching() -> None:
    _select_one()
    assert DATABASE_USE.seen == []


@pytest.mark.no_db
def test_a_marked_test_runs_without_its_tables_emptied() -> None:
    """A marked test is watched from its start (the table cleaning ran no statement in it)."""
    assert DATABASE_USE.watching
    assert DATABASE_USE.seen == []


@pytest.mark.no_db
def test_a_marked_test_hands_its_processes_an_unreachable_database() -> None:
    assert os.environ["DATABASE_URL"] != settings.database_url


@pytest.mark.parametrize(
    ("reason", "because_of_the_database"),
    [
        ("SQLite's full-text table", True),
        ("round trips of PostgreSQL", True),
        ("needs a database server", True),
        ("no docker compose CLI on this machine (the docker CLI lacks the compose plugin)", False),
    ],
)
def test_a_skip_naming_a_database_is_told_from_a_missing_tool(reason: str, because_of_the_database: bool) -> None:
    """A marked test skipped because of the database fails (it would run nowhere); a missing tool skips."""
    assert bool(DATABASE_SKIP.search(reason)) is because_of_the_database
