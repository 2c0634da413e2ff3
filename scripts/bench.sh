#!/usr/bin/env bash
# `make bench`: every script in bench/ against PostgreSQL, the app in production mode with Redis and
# four backend workers (two per core, as docs/deploy.md advises), then the figures (with machine, commands and raw output) written into
# docs/performance.md between the "make bench" markers. Takes a while: discovery loads 111,000 events.
#
# BENCH_DATABASE_URL (a database the benchmarks may wipe), BENCH_REDIS_URL, BENCH_PORT and
# BENCH_WORKERS override the defaults below.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./env.sh

PG="${BENCH_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench}"
REDIS="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}"
PORT="${BENCH_PORT:-3700}"
URL="http://localhost:$PORT"
export SECRET_KEY="${SECRET_KEY:-bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz}"
results="$(mktemp -d)"
cat /proc/loadavg >"$results/load-before.txt"

drain_outbox() {  # wait (up to 10 min) until the app has sent the confirmation emails of the last rush
  for _ in $(seq 1 600); do
    [ "$(psql "${PG/+psycopg/}" -Atc "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")" = 0 ] && return
    sleep 1
  done
}

run() {  # run NAME COMMAND...: print and keep the command and its output
  local name="$1"; shift
  echo "== $name: $*"
  { echo "\$ $*"; "$@"; } 2>&1 | tee "$results/$name.txt"
}

run discovery python bench/discovery.py --database "$PG" --repeat 100
run scan python bench/scan.py --database "$PG" --processes 2
run analytics python bench/analytics.py --database "$PG" --repeat 30

WORKERS="${BENCH_WORKERS:-4}"
echo "$WORKERS" >"$results/workers.txt"
echo "== starting the app (production, PostgreSQL + Redis, $WORKERS workers) on $URL"
DATABASE_URL="$PG" python -c "from tests.dbsetup import migrate_fresh; import sys; migrate_fresh(sys.argv[1], durable=True)" "$PG"
DATABASE_URL="$PG" python -m eventpalour.seed
redis-cli -u "$REDIS" flushdb >/dev/null 2>&1 || python -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS"
# The production build against the built-in Paystack and Google sandboxes: production refuses them
# unless ALLOW_SANDBOXES_IN_PRODUCTION=yes (benchmarks only, never a real deployment; the app logs a
# warning saying so at start).
DATABASE_URL="$PG" REDIS_URL="$REDIS" GRANIAN_WORKERS="$WORKERS" APP_ENV=production APP_URL="$URL" API_URL="$URL" \
  ALLOW_SANDBOXES_IN_PRODUCTION=yes RATE_LIMIT_GENERAL=100000000/minute RATE_LIMIT_AUTH=100000000/minute \
  setsid reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT" >"$results/app.log" 2>&1 &
app=$!
trap 'kill -TERM -- -$app 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fs "$URL/api/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$URL/api/health" >/dev/null || { tail -n 40 "$results/app.log"; exit 1; }

# The page first: after the checkout rush the app's inline outbox worker spends a while rendering
# 2,000 confirmation emails (QR codes), which would be measured with it.
run event_page python bench/event_page.py --url "$URL" --runs 10
# The same page on an emulated Fast 3G phone (#24 §2). Plain http:// here, so HTTP/1.1 and six
# connections; docs/performance.md has the figures over HTTP/2, as Caddy serves a deployment.
run event_page_fast3g python bench/event_page.py --url "$URL" --runs 5 --throttle fast3g
run checkout env DATABASE_URL="$PG" python bench/checkout.py --url "$URL" --seats 2000 --buyers 2400 --concurrency 32 --app-pgid "$app"
drain_outbox
run checkout_code env DATABASE_URL="$PG" python bench/checkout.py --url "$URL" --seats 2000 --buyers 2400 --concurrency 32 \
  --code --app-pgid "$app"

drain_outbox
# The pages as browsers drive them, over Reflex's websocket (#18): frames recorded from Chromium.
short_id="$(psql "${PG/+psycopg/}" -Atc "SELECT short_id FROM events WHERE status = 'active' ORDER BY created_at LIMIT 1")"
run rush python bench/rush.py --url "$URL" --short-id "$short_id" --visitors 32 --idle 2000 --seconds 20 \
  --redis "$REDIS" --app-pgid "$app"
run browser_checkout env DATABASE_URL="$PG" python bench/browser_checkout.py --url "$URL" --seats 2000 --buyers 2400 \
  --concurrency 32 --app-pgid "$app"
run browser_checkout_code env DATABASE_URL="$PG" python bench/browser_checkout.py --url "$URL" --seats 2000 \
  --buyers 2400 --concurrency 32 --code --app-pgid "$app"
run door env DATABASE_URL="$PG" python bench/door.py --url "$URL" --tickets 5000 --devices 16 --app-pgid "$app"
# The fair queue (#18): 2,000 browsers join one event's waiting room and poll their place while passes
# are issued at 600 a minute; the bench adds its own event and room to the app's database.
run waiting_room env DATABASE_URL="$PG" python bench/waiting_room.py --url "$URL" --visitors 2000 --rate 600 --seconds 30
# The analytics page and its CSVs (#22 §1) last: its 500,000 generated tickets would weigh on the
# benches above. The workspace is added to the running app's database (it prints its ids).
python bench/analytics_page.py generate --keep --database "$PG" | tee "$results/analytics_generate.txt"
analytics_ids="$(grep -- '--workspace' "$results/analytics_generate.txt")"
# shellcheck disable=SC2086  # the two options and their values, split on purpose
run analytics_page python bench/analytics_page.py measure --url "$URL" --database "$PG" $analytics_ids --repeat 20

python scripts/bench_report.py "$results" docs/performance.md
echo "== figures written to docs/performance.md"
