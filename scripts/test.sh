#!/usr/bin/env bash
# The whole suite: lint, then every test on SQLite, then the database-bound tests on PostgreSQL
# (TEST_DATABASE_URL, or the local server on 127.0.0.1:5432 when it answers). The test setup
# creates the PostgreSQL database when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./env.sh
ruff check .
ruff format --check .

echo "== SQLite: unit, API, concurrency =="
env -u TEST_DATABASE_URL pytest -q -m "not e2e" "$@"
# Browser tests run in their own pytest process: Playwright's sync API keeps an event loop on the
# main thread, which the async handler tests must not share.
echo "== SQLite: browser (Chromium against the production build) =="
env -u TEST_DATABASE_URL pytest -q tests/e2e "$@"
# Two workers on PostgreSQL + Redis; its own process, as it builds and serves the app again
# (skipped with the reason when PostgreSQL or Redis does not answer).
echo "== Scaled out: two workers, PostgreSQL + Redis (browser) =="
pytest -q -rs tests/scale "$@"

pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && python -c "
import psycopg
psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()
" 2>/dev/null; then
  pg_url="postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_test"
fi
if [ -n "$pg_url" ]; then
  echo "== PostgreSQL =="
  TEST_DATABASE_URL="$pg_url" pytest -q -m "not e2e" "$@"
else
  echo "== PostgreSQL: skipped (no TEST_DATABASE_URL and no server on 127.0.0.1:5432) =="
fi
