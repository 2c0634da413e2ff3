"""The container's steps, run here as the image and compose.yaml run them (#23 §4), since these
machines cannot build images: the frontend build command read from the Dockerfile, the migrate,
web and worker commands read from compose.yaml with compose's environment for them, on PostgreSQL
and Redis; then the Dockerfile's own HEALTHCHECK command must pass, pages must carry the security
headers, and the worker must start and stop cleanly. If the Dockerfile or compose.yaml names a
command that no longer works, this fails.

The steps run in a copy of what the image holds (the files its runtime stage copies, with this
machine's installed .venv and node_modules standing in for setup.sh's), so the build's clean-up
and its .web never touch the project folder the browser tests serve from. Slow (a frontend build),
so it lives with the scale-out tests (their own pytest process, beside the others in scripts/test.sh);
skipped, with the reason, when PostgreSQL or Redis does not answer.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import BrowserPages, _free_port, _stop, _tail
from tests.ops.test_deploy_files import COMPOSE, DOCKERFILE
from tests.scale.conftest import BIN, STARTUP_S, ImageBuild, container_env

pytestmark = pytest.mark.e2e  # a browser, like the other scale-out test


def _healthcheck() -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    line = next(line for line in joined.splitlines() if line.startswith("HEALTHCHECK "))
    return json.loads(line.split(" CMD ", 1)[1])


@contextmanager
def _running(command: list[str], env: dict[str, str], log_path: Path, app: Path) -> Iterator[subprocess.Popen]:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=app,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop(process)


@pytest.mark.timeout(STARTUP_S * 5)  # a frontend build and a server start on a shared machine
def test_the_images_steps_build_migrate_serve_and_work(
    tmp_path: Path, image_build: ImageBuild, redis_url: str, browser: Browser
):
    database_url, port, app = image_build.database_url, image_build.port, image_build.app
    base_url = image_build.base_url
    web_env = container_env(port, database_url, redis_url, tmp_path / "data", "web")

    # 1. The build stage's frontend build (`image_build`: the Dockerfile's command, with the build
    # arguments compose passes), made once for this process; the scale-out server serves it too.
    built = image_build.done
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert (app / ".web" / "build" / "client" / "index.html").is_file()
    assert not (app / ".web" / "node_modules").exists()  # the image keeps no build toolchain

    # 2. compose's migrate service, once.
    migrate = COMPOSE["services"]["migrate"]["command"]
    migrated = subprocess.run(
        [str(BIN / migrate[0]), *migrate[1:]],
        cwd=app,
        env=container_env(port, database_url, redis_url, tmp_path / "data", "migrate"),
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    # 3. compose's web service, then the image's own health check against it.
    web_command = [sys.executable if part == "python" else part for part in COMPOSE["services"]["web"]["command"]]
    with _running(web_command, web_env, tmp_path / "web.log", app) as web:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                if httpx.get(f"{base_url}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert web.poll() is None, _tail(tmp_path / "web.log")
            assert time.monotonic() < deadline, _tail(tmp_path / "web.log")
            time.sleep(0.5)
        check = [sys.executable if part == "python" else part for part in _healthcheck()]
        assert subprocess.run(check, env=web_env, timeout=10).returncode == 0
        health = httpx.get(f"{base_url}/api/health", timeout=5).json()
        assert health["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok"}
        page = httpx.get(f"{base_url}/", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        stopped_for = subprocess.run(check, env={**web_env, "BACKEND_PORT": str(_free_port())}, timeout=10)
        assert stopped_for.returncode != 0  # the check fails where nothing answers

        # A browser: the built pages find the websocket and /api where the build put them (APP_URL).
        pages = BrowserPages(browser, base_url)
        try:
            page = pages()
            page.goto("/auth/sign-in")
            page.get_by_label("Email").fill("nobody-container@example.com")
            page.get_by_label("Password").fill("not-the-password-1")
            page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
            expect(page.get_by_text("Email or password is incorrect.").first).to_be_visible(timeout=30_000)
        finally:
            pages.close()
        assert pages.csp_violations == []

        # 4. compose's worker service: starts against the same database and stops cleanly on SIGTERM.
        worker_command = [sys.executable if p == "python" else p for p in COMPOSE["services"]["worker"]["command"]]
        worker_env = container_env(port, database_url, redis_url, tmp_path / "data", "worker")
        with _running(worker_command, worker_env, tmp_path / "worker.log", app) as worker:
            time.sleep(5)
            assert worker.poll() is None, _tail(tmp_path / "worker.log")
            os.killpg(worker.pid, signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        log = (tmp_path / "worker.log").read_text()
        assert "Worker started" in log and "Worker stopped" in log and "Traceback" not in log
