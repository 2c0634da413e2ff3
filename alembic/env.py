"""Alembic environment: the app's own engine and every SQLModel table as the target metadata."""

from __future__ import annotations

from collections import Counter
from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from eventpalour import models  # noqa: F401  (registers every table on SQLModel.metadata)
from eventpalour.config import settings
from eventpalour.db import create_db_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def render_item(type_: str, obj: object, autogen_context) -> str | bool:  # noqa: ANN001
    """Write our UTCDateTime type into migrations by its import path."""
    if type_ == "type" and obj.__class__.__module__ == "eventpalour.models.types":
        autogen_context.imports.add("import eventpalour.models.types")
        return f"eventpalour.models.types.{obj.__class__.__name__}()"
    return False


# Full-text search objects made by hand in a migration, not described by the models.
SEARCH_OBJECTS = ("events_fts", "ix_events_search_fts", "search_vector")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (name or "").startswith(SEARCH_OBJECTS)


def _configure(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        include_object=include_object,
        compare_type=True,
    )


def _dangling_keys(connection) -> Counter[tuple[str, str]]:  # noqa: ANN001
    """SQLite: how many rows of each (table, parent) have a foreign key that points nowhere."""
    return Counter((row[0], row[2]) for row in connection.exec_driver_sql("PRAGMA foreign_key_check"))


def _search_without_triggers(connection) -> bool:  # noqa: ANN001
    """SQLite: the events' search table exists but its triggers are gone. A batch migration that
    rebuilds `events` (copy, DROP, rename) drops the triggers that keep events_fts in step with it,
    and the copy may renumber the rowids the index is keyed by: search would quietly go stale."""
    names = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    return "events_fts" in names and not {"events_fts_insert", "events_fts_delete", "events_fts_update"} <= names


def _run(connection) -> None:  # noqa: ANN001
    """Run the migrations on `connection`. On SQLite, with foreign keys not enforced meanwhile: a
    batch migration rebuilds a table (copy, DROP, rename), and with enforcement on, dropping `orders`
    would delete every row of the tables whose keys point at it with ON DELETE CASCADE (order lines,
    tickets), or be refused for `users`. The keys are checked afterwards instead: a migration that
    leaves more rows pointing nowhere than there were is refused as a whole."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Outside any transaction (the pragma is ignored inside one): on the driver's connection.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        _configure(connection)
        with context.begin_transaction():
            before = _dangling_keys(connection) if sqlite else Counter()
            context.run_migrations()
            if sqlite:
                added = _dangling_keys(connection) - before
                if added:
                    raise RuntimeError(f"The migration left rows whose foreign keys point nowhere: {dict(added)}")
                if _search_without_triggers(connection):
                    raise RuntimeError(
                        "The migration rebuilt `events` and dropped its search triggers: alter it in place "
                        "(ALTER TABLE ... ADD/DROP COLUMN) on SQLite instead of a batch rebuild."
                    )
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or settings.database_url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations_online()
