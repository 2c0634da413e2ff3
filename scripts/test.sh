#!/usr/bin/env bash
# The whole suite: lint; then, side by side, every test on SQLite, the same tests on PostgreSQL
# (TEST_DATABASE_URL, or the local server on 127.0.0.1:5432 when it answers; the test setup creates
# the database when it is missing), the browser tests and the scaled-out browser tests.
#
# The runs share nothing (each its own database, ports, temporary folders and build folder) and
# spend much of their time waiting on HTTP, the browser or the database, so running them at once
# keeps the whole suite within its time budget on a 2-core machine. Each run's output is printed
# whole when it ends; the script fails if any of them failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./env.sh
ruff check .
ruff format --check .
# Pages, state and API render the flags services return; a status word compared there fails the run.
python scripts/status_literals.py
# App code reaches an area of services/ through its package, never its private modules.
python scripts/package_imports.py

pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && python -c "
import psycopg
psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()
" 2>/dev/null; then
  pg_url="postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_test"
fi

logs="$(mktemp -d)"
declare -A runs=()
start() {  # start NAME COMMAND...: run in the background, output to $logs/NAME.log, its wall time last
  local name="$1"; shift
  (
    began=$SECONDS
    status=0
    "$@" || status=$?
    # The CPU its processes used (user + system, children included): on two shared cores the runs'
    # sum, not any one run's wall time, is what a trim has to lower.
    times >"$logs/$name.cpu"  # not in $(…): a subshell's own counters start at zero
    cpu="$(tail -1 "$logs/$name.cpu")"
    echo "(this run took $(((SECONDS - began) / 60)) min $(((SECONDS - began) % 60)) s; CPU of its processes: ${cpu/ / user, } system)"
    exit "$status"
  ) >"$logs/$name.log" 2>&1 &
  runs[$name]=$!
}

# Browser tests in their own pytest process: Playwright's sync API keeps an event loop on the main
# thread, which the async handler tests must not share. The longest run, so it starts first.
start "SQLite: browser (Chromium against the production build)" env -u TEST_DATABASE_URL pytest -q --durations=15 tests/e2e "$@"
# The database runs give way to the browser runs (nice): those wait on a browser, a server and each
# other, so each slice of CPU they are kept waiting for lengthens them, and the browser run is the
# longest; the database runs use whatever CPU is left.
# Each database's tests run as two processes of about equal length, the API, concurrency and
# operations tests and the rest (mostly unit tests): one process alone at the end would leave a core
# idle for minutes. A new test folder lands in the second without being named here.
first_half=(tests/api tests/concurrency tests/ops)
rest=(tests "${first_half[@]/#/--ignore=}")
# Tests marked no_db (no database in them: parsing, catalogs, files) run on SQLite only;
# tests/conftest.py fails such a test that reaches a database, so the mark cannot drop a database
# test from the PostgreSQL runs.
sqlite=(nice -n 10 env -u TEST_DATABASE_URL pytest -q --durations=10 -m "not e2e")
start "SQLite: API, concurrency, operations" "${sqlite[@]}" "${first_half[@]}" "$@"
start "SQLite: unit and the rest" "${sqlite[@]}" "${rest[@]}" "$@"
if [ -n "$pg_url" ]; then
  # The second process empties and migrates a database of its own (the URL's name + "_rest").
  pg_rest_url="$(python -c "
import sys
from sqlalchemy.engine import make_url
url = make_url(sys.argv[1])
print(url.set(database=url.database + '_rest').render_as_string(hide_password=False))
" "$pg_url")"
  postgres=(nice -n 10 env pytest -q --durations=10 -m "not e2e and not no_db")
  start "PostgreSQL: API, concurrency, operations" env TEST_DATABASE_URL="$pg_url" "${postgres[@]}" "${first_half[@]}" "$@"
  start "PostgreSQL: unit and the rest" env TEST_DATABASE_URL="$pg_rest_url" "${postgres[@]}" "${rest[@]}" "$@"
else
  echo "== PostgreSQL: skipped (no TEST_DATABASE_URL and no server on 127.0.0.1:5432) =="
fi
# Two workers on PostgreSQL + Redis, built and served from a copy of the project as the image holds
# it (skipped with the reason when PostgreSQL or Redis does not answer). Its server is named apart
# from TEST_DATABASE_URL: tests/conftest.py resets and empties TEST_DATABASE_URL's database, which
# is the PostgreSQL run's, in every pytest process that sees it.
start "Scaled out: two workers, PostgreSQL + Redis (browser)" env -u TEST_DATABASE_URL TEST_SCALE_POSTGRES_URL="$pg_url" pytest -q -rs tests/scale "$@"

failed=0
for name in "${!runs[@]}"; do
  if wait "${runs[$name]}"; then status="passed"; else status="FAILED"; failed=1; fi
  echo "== $name: $status =="
  cat "$logs/$name.log"
done
exit "$failed"
