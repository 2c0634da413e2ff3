#!/usr/bin/env bash
# `scripts/bench_compare.sh BEFORE_TREE AFTER_TREE [ROUNDS]` (BENCH_FIRST_ROUND=N resumes at round N): the checkout and scan benchmarks of
# `make bench` on two checkouts of this repo, alternating (before, after, before, after, ...) on the
# same machine, so that a change's figures are compared with the figures it replaced under the same
# load (#17: "figures held"). Each tree runs its own bench/ scripts against its own production app,
# on PostgreSQL and Redis as in `make bench`. Raw output goes to $BENCH_OUT (default: a new temp dir);
# the summary lines are printed at the end.
set -euo pipefail
before="$(cd "$1" && pwd)"; after="$(cd "$2" && pwd)"; rounds="${3:-2}"
out="${BENCH_OUT:-$(mktemp -d)}"
PG="${BENCH_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench}"
REDIS="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}"
PORT="${BENCH_PORT:-3700}"
URL="http://localhost:$PORT"
WORKERS="${BENCH_WORKERS:-4}"
export SECRET_KEY="${SECRET_KEY:-bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz}"

bench_tree() {  # bench_tree LABEL TREE ROUND
  local label="$1" tree="$2" round="$3" app
  (
    cd "$tree"
    source ./env.sh
    python bench/scan.py --database "$PG" --processes 2 >"$out/$round-$label-scan.txt" 2>&1
    DATABASE_URL="$PG" python -c "from tests.dbsetup import migrate_fresh; import sys; migrate_fresh(sys.argv[1], durable=True)" "$PG"
    DATABASE_URL="$PG" python -m eventpalour.seed >/dev/null
    redis-cli -u "$REDIS" flushdb >/dev/null 2>&1 || python -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS"
    DATABASE_URL="$PG" REDIS_URL="$REDIS" GRANIAN_WORKERS="$WORKERS" APP_ENV=production APP_URL="$URL" API_URL="$URL" \
      ALLOW_SANDBOXES_IN_PRODUCTION=yes RATE_LIMIT_GENERAL=100000000/minute RATE_LIMIT_AUTH=100000000/minute \
      setsid reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT" >"$out/$round-$label-app.log" 2>&1 &
    app=$!
    trap 'kill -TERM -- -$app 2>/dev/null || true' EXIT
    for _ in $(seq 1 300); do curl -fs "$URL/api/health" >/dev/null 2>&1 && break; sleep 1; done
    DATABASE_URL="$PG" python bench/checkout.py --url "$URL" --seats 2000 --buyers 2400 --concurrency 32 \
      --app-pgid "$app" >"$out/$round-$label-checkout.txt" 2>&1
    kill -TERM -- -$app 2>/dev/null || true
    wait "$app" 2>/dev/null || true
  )
}

for round in $(seq "${BENCH_FIRST_ROUND:-1}" "$rounds"); do
  for label in before after; do
    tree="$before"; [ "$label" = after ] && tree="$after"
    echo "== round $round: $label ($(git -C "$tree" rev-parse --short HEAD))"
    bench_tree "$label" "$tree" "$round"
  done
done
echo "== raw output in $out"
for f in "$out"/*-scan.txt "$out"/*-checkout.txt; do
  echo "--- $(basename "$f")"
  grep -E "scans/s|p99|placed|fulfilled|oversold|CPU" "$f" | head -8
done
