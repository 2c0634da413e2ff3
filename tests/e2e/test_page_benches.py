"""The websocket benches (#18) against the browser suite's production server, in miniature: they
record Chromium's frames on the real pages and replay them, so a change to a page's handlers or
to what the page shows when a step is done breaks them here, not on the next `make bench`.
Each asserts the bench's own checks (nothing oversold, every ticket admitted once)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import verified_account

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
E2E_SECRET_KEY = "e2e-secret-key-that-is-long-enough-0123456789"


def _bench(database_url: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TEST_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY=E2E_SECRET_KEY, PASSWORD_HASH_COST="low")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_rush_bench_hydrates_the_event_page(server, e2e_database_url):
    owner = unique_email("rush")
    verified_account(server, owner, "Rush Owner")
    event = seed_event(e2e_database_url, owner, pricing="free", tiers=[{"name": "Floor", "price": 0, "quantity": 50}])
    out = _bench(
        e2e_database_url, "bench/rush.py", "--url", server, "--short-id", event["short_id"],
        "--visitors", "2", "--idle", "3", "--seconds", "1",
    )  # fmt: skip
    assert "idle visitors       3 connected" in out
    assert "page loads" in out and "errors" not in out


def test_browser_checkout_bench_sells_no_more_than_the_seats(server, e2e_database_url):
    out = _bench(
        e2e_database_url, "bench/browser_checkout.py", "--url", server,
        "--seats", "4", "--buyers", "6", "--concurrency", "3", "--code",
    )  # fmt: skip
    assert "journeys            3 reached Paystack's page" in out  # the recording's own buyer took a seat
    assert "oversold: 0" in out and "orders with the code's discount: 4" in out


def test_door_bench_admits_every_ticket_once(server, e2e_database_url):
    out = _bench(e2e_database_url, "bench/door.py", "--url", server, "--tickets", "12", "--devices", "2")
    assert "tickets now    {'used': 12}" in out
