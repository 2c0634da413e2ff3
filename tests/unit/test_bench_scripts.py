"""The benchmarks still run against the code they measure: a renamed service or a moved module
breaks `make bench` only when someone runs it, long after the change. Tiny runs, on SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=240)


def test_scan_bench_scans_every_ticket_once(tmp_path):
    done = _run(
        "bench/scan.py",
        "--database",
        f"sqlite:///{tmp_path}/scan.db",
        "--tickets",
        "20",
        "--threads",
        "2",
        "--processes",
        "1",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "'ok'>: 20" in done.stdout  # every ticket admitted once; the repeats answered already used


# Every script's `--help` in one interpreter: the imports they share (the app, aiohttp) are paid once,
# not once per script (a dozen interpreters cost ~10 s of CPU, ~55 s while the suite's other runs share
# the cores). Each still runs as `python bench/NAME.py --help` would: as __main__, with that argv.
HELP_OF_EACH = """
import contextlib, io, json, runpy, sys
answers = {}
for script in sys.argv[1:]:
    sys.argv, out = [script, "--help"], io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as stop:
        code = stop.code or 0
    answers[script] = [code, out.getvalue()]
print(json.dumps(answers))
"""


def test_every_bench_script_loads_and_describes_itself():
    scripts = [str(script.relative_to(ROOT)) for script in sorted((ROOT / "bench").glob("*.py"))]
    done = _run("-c", HELP_OF_EACH, *scripts)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout.splitlines()[-1])
    assert sorted(answers) == scripts
    for script, (code, shown) in answers.items():
        assert code == 0 and "usage" in shown, (script, code, shown[-500:])


def test_analytics_bench_generates_data_and_times_the_page(tmp_path):
    done = _run(
        "bench/analytics.py", "--database", f"sqlite:///{tmp_path}/analytics.db", "--scale", "0.01", "--repeat", "2"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "generated: 2 events" in done.stdout and "5000 raw tickets" in done.stdout
    assert all(name in done.stdout for name in ("30 days", "90 days", "365 days", "one event", "events CSV"))
