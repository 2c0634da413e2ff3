"""Alembic owns the schema: upgrade from empty works, and the models and migrations agree."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from eventpalour.config import settings
from eventpalour.db import create_db_engine, get_engine
from tests.dbsetup import alembic_config, include_object


def test_models_match_migrations():
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_from_empty_and_downgrade_to_base(tmp_path):
    if settings.is_sqlite:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = settings.database_url  # the suite's own database: go down to empty and back up
    config = alembic_config(url)
    command.downgrade(config, "base")
    engine = create_db_engine(url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is None
    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None
    engine.dispose()
