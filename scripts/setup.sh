#!/usr/bin/env bash
# Installs what the app needs, from the package registries only: the Python venv and packages,
# and bun + node 22 from npm (Reflex's own bun download cannot work offline). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
want="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
stamp=".venv/.installed-$(basename "$want" .txt)"
if [ ! -f "$stamp" ] || [ "$want" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  .venv/bin/pip install -q -r "$want"
  touch "$stamp"
fi
if [ ! -x node_modules/@oven/bun-linux-x64/bin/bun ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error
fi
