"""Readiness (`/api/health`'s checks): a database behind the newest migration is not ready."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from eventpalour.config import settings
from eventpalour.db import transaction
from eventpalour.services.platform import health
from tests.dbsetup import alembic_config


@pytest.fixture
def one_migration_behind() -> Iterator[str]:
    """The test database's recorded revision set back by one (restored after): the revision it says."""
    script = ScriptDirectory.from_config(alembic_config(settings.database_url))
    head = script.get_revision(script.get_current_head())
    previous = head.down_revision
    with transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    try:
        yield previous
    finally:
        with transaction() as session:
            session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head.revision})


def test_at_the_newest_migration_the_database_is_ready() -> None:
    report = health.check()

    assert report.checks["database"] == "ok" and report.checks["migrations"] == "ok"
    assert report.ok


def test_one_migration_behind_is_not_ready(one_migration_behind: str) -> None:
    health.check()  # the head is read once per process; the database's revision on every check

    report = health.check()

    assert report.checks["migrations"] == f"at {one_migration_behind}, not head"
    assert not report.ok and report.as_dict()["status"] == "unavailable"
