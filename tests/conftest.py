"""Test settings come first (before the app is imported), then a clean migrated database per run
and empty tables per test. Set TEST_DATABASE_URL to run the same suite on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
import warnings
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

import pytest  # noqa: E402
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


def _empty_all_tables() -> None:
    """DELETE, children first, on both databases: on PostgreSQL a TRUNCATE of every table takes about
    200 ms (new files for each table), a DELETE of a few rows each about 8 ms, over a thousand tests.
    The seeded category list (its migration's rows) stays, as it does in every real database."""
    seeded = [category_slug(name) for name in DEFAULT_CATEGORIES]
    with get_engine().begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table is Category.__table__:
                connection.execute(table.delete().where(table.c.slug.not_in(seeded)))
            else:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def clean_state():
    """Every test starts with empty tables and fresh rate-limit counters."""
    _empty_all_tables()
    rate_limit.reset()
    yield


@pytest.fixture
def db_backend() -> str:
    return get_engine().dialect.name
