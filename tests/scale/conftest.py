"""Scaled out: the production build with two backend workers, Reflex state and rate limits in Redis,
on PostgreSQL (DESIGN.md "Scaling out"). Runs in its own pytest process (scripts/test.sh), at the
same time as the other browser tests: it builds and serves from a copy of the project as the image
holds it (tests/image_copy.py), never from the project folder they serve from.

Skipped, with the reason, when PostgreSQL or Redis does not answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.e2e.conftest import axe_sweep, browser, new_page, page, production_server  # noqa: F401 (fixtures)
from tests.image_copy import image_copy

WORKERS = 2
AUTH_LIMIT = 5
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_scale"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def _postgres_url() -> str:
    # The server to use, as scripts/test.sh names it (never through TEST_DATABASE_URL there: the
    # PostgreSQL run's database, which this process would otherwise reset and empty as it runs).
    configured = os.environ.get("TEST_SCALE_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL")
    url = make_url(configured).set(database="eventpalour_scale") if configured else make_url(DEFAULT_PG)
    probe = create_engine(url.set(database="postgres"))
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        pytest.skip("Scale-out tests need PostgreSQL (set TEST_DATABASE_URL or run it on 127.0.0.1:5432).")
    finally:
        probe.dispose()
    return url.render_as_string(hide_password=False)


def _redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"Scale-out tests need Redis ({url}; set TEST_REDIS_URL).")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _redis_url()


@pytest.fixture(scope="session")
def e2e_database_url() -> str:
    return _postgres_url()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, e2e_database_url: str, redis_url: str) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("scale")
    redis.Redis.from_url(redis_url).flushdb()
    with production_server(
        e2e_database_url,
        folder / "data",
        folder / "server.log",
        project=image_copy(folder / "app"),
        REDIS_URL=redis_url,
        GRANIAN_WORKERS=str(WORKERS),
        RATE_LIMIT_AUTH=f"{AUTH_LIMIT}/minute",
    ) as base_url:
        yield base_url


def served_by(response: httpx.Response) -> str:
    return response.headers["x-served-by"]
