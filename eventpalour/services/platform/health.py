"""Readiness: can we reach the database (and Redis), and is the schema at the latest migration?"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from eventpalour.config import PROJECT_ROOT, settings
from eventpalour.db import get_engine


@dataclass
class HealthReport:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(v == "ok" for v in self.checks.values())

    def as_dict(self) -> dict[str, object]:
        return {"status": "ok" if self.ok else "unavailable", "checks": self.checks}


@functools.cache
def _head_revision() -> str | None:
    """The newest migration of the code this process runs (read once: it changes only with a deploy,
    which restarts the process, and reading it parses every migration file, for each health probe)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    return ScriptDirectory.from_config(config).get_current_head()


def check() -> HealthReport:
    report = HealthReport()
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
        report.checks["database"] = "ok"
        report.checks["migrations"] = "ok" if current == _head_revision() else f"at {current}, not head"
    except SQLAlchemyError as exc:
        report.checks["database"] = f"unreachable: {type(exc).__name__}"
    if settings.redis_url:
        import redis

        try:
            redis.Redis.from_url(settings.redis_url, socket_timeout=2).ping()
            report.checks["redis"] = "ok"
        except redis.RedisError as exc:
            report.checks["redis"] = f"unreachable: {type(exc).__name__}"
    return report
