"""Seed the e2e server's database for a browser test, through the services, in one helper process
per database that lives as long as the test run.

The seeding cannot run in the pytest process: the settings bind the engine at import time, and the
test process is bound to the pytest database. It used to start a new process per seed
(`python -m tests.e2e.seed_event '<json>'`), and each paid for importing the whole app: about 1.5 s
of CPU, 160 s of the browser run's. The helper imports it once and answers one request per line.

Each request runs as a fresh process would run it: the in-memory rate-limit counters are emptied
first, and the services keep no other state between calls.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

# The seeding modules that may be asked for, by the name the tests use.
SEEDS = {
    "seed_event": "tests.e2e.seed_event",
    "seed_tickets": "tests.e2e.seed_tickets",
    "seed_billing": "tests.e2e.seed_billing",
}
# Answers are the lines that start with this; anything else the app prints (logs) is not one.
ANSWER = "SEEDED "
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Helper:
    """One helper process, bound to one database (its DATABASE_URL)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.errors = tempfile.TemporaryFile(mode="w+")  # its stderr, read back when a seed fails
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.seeding"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            bufsize=1,
        )

    def ask(self, seed: str, spec: dict) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"seed": seed, "spec": spec}) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(ANSWER):
                answer = json.loads(line[len(ANSWER) :])
                if "error" in answer:
                    raise AssertionError(f"{seed} failed in the seeding process:\n{answer['error']}")
                return answer["made"]
        self.errors.seek(0)
        raise AssertionError(f"The seeding process ended ({self.process.wait()}):\n{self.errors.read()[-4000:]}")

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


_helpers: dict[str, _Helper] = {}  # by database URL
_lock = threading.Lock()


def seed(seed_name: str, spec: dict, database_url: str) -> dict:
    """Run seeding module `seed_name`'s `main(spec)` in the database at `database_url` (the e2e
    server's), with the server's secret key (so the QR tokens it makes are the ones the server signs)."""
    from tests.e2e.conftest import _server_env

    with _lock:
        helper = _helpers.get(database_url)
        if helper is None or helper.process.poll() is not None:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TEST_"))}
            env.update(DATABASE_URL=database_url, SECRET_KEY=_server_env(0, database_url, Path("."))["SECRET_KEY"])
            helper = _helpers[database_url] = _Helper(env)
        return helper.ask(seed_name, spec)


@atexit.register
def _close_all() -> None:
    for helper in _helpers.values():
        helper.close()


def _serve() -> None:
    """The helper process: one JSON request per line on stdin, one answer line per request."""
    from eventpalour.services.platform import rate_limit

    for line in sys.stdin:
        request = json.loads(line)
        try:
            rate_limit.reset()  # as in a process of its own
            made = importlib.import_module(SEEDS[request["seed"]]).main(request["spec"])
            answer = {"made": made}
        except Exception:  # noqa: BLE001 - sent back whole, for the test's failure message
            answer = {"error": traceback.format_exc()}
        sys.stdout.write(ANSWER + json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    _serve()
