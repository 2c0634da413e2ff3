"""Which database the suite runs on, and how to bring it to a clean, migrated state.

SQLite by default (a file in a temporary folder); PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """The migration environment's filter: hand-made full-text search objects are not in the models."""
    return not (name or "").startswith(("events_fts", "ix_events_search_fts", "search_vector"))


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def _create_database_if_missing(url: str) -> None:
    parsed = make_url(url)
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()


def _set_commit_durability(url: str, durable: bool) -> None:
    """A test database's commits need not wait for the disk: a commit still takes its locks and is
    seen by every later transaction exactly as before; only a server crash could lose the last few,
    which no test survives anyway (~0.65 ms less per writing commit, tens of thousands per run).
    Benchmarks ask for durable commits, as production has them."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        setting = "RESET synchronous_commit" if durable else "SET synchronous_commit = off"
        connection.execute(text(f'ALTER DATABASE "{parsed.database}" {setting}'))
    server.dispose()


def reset_schema(url: str, *, durable: bool = False) -> None:
    """Drop everything in the target database, so `upgrade head` starts from empty (`durable`: see
    `_set_commit_durability`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    _create_database_if_missing(url)
    _set_commit_durability(url, durable)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate_fresh(url: str, *, durable: bool = False) -> None:
    reset_schema(url, durable=durable)
    command.upgrade(alembic_config(url), "head")
