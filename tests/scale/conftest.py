"""Scaled out: the production build with two backend workers, Reflex state and rate limits in Redis,
on PostgreSQL (DESIGN.md "Scaling out"). Runs in its own pytest process (scripts/test.sh), at the
same time as the other browser tests: it builds and serves from a copy of the project as the image
holds it (tests/image_copy.py), never from the project folder they serve from.

One frontend build for the whole process (`image_build`): the Dockerfile's own build command, run
once in that copy; the container steps test checks it and serves it with compose's commands, and
the scale-out server is the image's server command on the same build (a second build of the same
sources cost a minute and a half of CPU).

Skipped, with the reason, when PostgreSQL or Redis does not answer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.dbsetup import reset_schema
from tests.e2e.conftest import (  # noqa: F401 (fixtures)
    E2E_LEGAL_ENTITY,
    E2E_PLATFORM_NAME,
    E2E_SUPPORT_EMAIL,
    _free_port,
    axe_sweep,
    browser,
    new_page,
    page,
    production_server,
)
from tests.image_copy import image_copy
from tests.ops.test_deploy_files import DOCKERFILE, _interpolate, app_environment

WORKERS = 2
AUTH_LIMIT = 5
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_scale"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
STARTUP_S = int(os.environ.get("E2E_STARTUP_TIMEOUT", "300"))
BIN = Path(sys.executable).parent


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


def dockerfile_run(pattern: str) -> str:
    """The shell command of the Dockerfile's RUN line that contains `pattern` (continuations joined)."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return next(line.strip()[4:] for line in joined.splitlines() if line.strip().startswith("RUN ") and pattern in line)


def container_env(port: int, database_url: str, redis_url: str, data_dir: Path, service: str) -> dict[str, str]:
    """compose's environment for `service`, pointed at this machine's PostgreSQL, Redis and a free port;
    production with the built-in sandboxes (the benchmark opt-in: no real Paystack or Google here)."""
    given = {k: _interpolate(str(v), {"POSTGRES_PASSWORD": "unused"}) for k, v in app_environment(service).items()}
    given.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        BACKEND_PORT=str(port),
        FRONTEND_PORT=str(port),
        DATA_DIR=str(data_dir),
        TRUSTED_PROXIES="127.0.0.1",
        GRANIAN_WORKERS="2",  # compose's default is 4; this machine is shared
    )
    url = f"http://localhost:{port}"
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONUNBUFFERED": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "APP_ENV": "production",
        "APP_URL": url,
        "SECRET_KEY": "container-steps-secret-key-0123456789abcdefghijklmnop",
        "ALLOW_SANDBOXES_IN_PRODUCTION": "yes",
        **given,
    }


@dataclass(frozen=True)
class ImageBuild:
    """The image's frontend build, made once: its folder, the port its pages embed (APP_URL), the
    container steps' database and the build command's outcome."""

    app: Path
    port: int
    database_url: str
    done: subprocess.CompletedProcess

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.port}"


@pytest.fixture(scope="session")
def image_build(tmp_path_factory: pytest.TempPathFactory, e2e_database_url: str, redis_url: str) -> ImageBuild:
    """The Dockerfile's build stage command (`reflex export`) in a copy of what the image holds, with
    the build arguments compose passes (APP_URL) and compose's web environment, for a free port. Both
    servers of this process serve it on that port, one after the other (pytest_collection_modifyitems)."""
    folder: Path = tmp_path_factory.mktemp("image")
    database_url = make_url(e2e_database_url).set(database="eventpalour_container").render_as_string(False)
    reset_schema(database_url)
    port = _free_port()
    app = image_copy(folder / "app")
    web_env = container_env(port, database_url, redis_url, folder / "data", "web")
    done = subprocess.run(
        ["bash", "-c", dockerfile_run("reflex export")],
        cwd=app,
        env={**web_env, "APP_URL": f"http://localhost:{port}", "PLATFORM_NAME": E2E_PLATFORM_NAME}
        | {"SUPPORT_EMAIL": E2E_SUPPORT_EMAIL, "LEGAL_ENTITY": E2E_LEGAL_ENTITY, "REFLEX_USE_SYSTEM_BUN": "1"},
        capture_output=True,
        text=True,
        timeout=STARTUP_S * 3,
    )
    return ImageBuild(app, port, database_url, done)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The container steps test first: its web service and the scale-out server (session-scoped, up
    until the end) serve the one build on the one port it embeds, so they cannot run at once."""
    items.sort(key=lambda item: item.path.name != "test_container_steps.py")


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, e2e_database_url: str, redis_url: str, image_build: ImageBuild
) -> Iterator[str]:
    assert image_build.done.returncode == 0, image_build.done.stdout[-3000:] + image_build.done.stderr[-3000:]
    folder: Path = tmp_path_factory.mktemp("scale")
    redis.Redis.from_url(redis_url).flushdb()
    with production_server(
        e2e_database_url,
        folder / "data",
        folder / "server.log",
        project=image_build.app,
        built_for_port=image_build.port,
        REDIS_URL=redis_url,
        GRANIAN_WORKERS=str(WORKERS),
        RATE_LIMIT_AUTH=f"{AUTH_LIMIT}/minute",
        # On, as in production (the other test processes read the database on every visit): the event
        # page's data and its anonymous first visits' frames are shared. 10 s rather than
        # production's 2: beside the whole suite, one Chromium page load can take longer than 2 s,
        # and the first-frames browser test needs the next visit to find the frames still kept.
        PUBLIC_EVENT_CACHE_SECONDS="10",
    ) as base_url:
        yield base_url


def served_by(response: httpx.Response) -> str:
    return response.headers["x-served-by"]
