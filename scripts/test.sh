#!/usr/bin/env bash
# Run every check and test: lint, layer contracts, types, then pytest against SQLite
# and PostgreSQL, with Debian's Chromium for the browser tests.
# Installs what is missing (Chromium and PostgreSQL with apt, when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing with apt: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "error: missing ${need_apt[*]}; install them (apt-get install ${need_apt[*]}) or run as root" >&2
    exit 1
  fi
fi

echo "== lint, layers, types"
$BIN/ruff check .
$BIN/ruff format --check .
$BIN/lint-imports
$BIN/mypy

if [ -z "${OFFRAMP_TEST_DATABASE_URL:-}" ] && [ -x scripts/start-test-postgres.sh ]; then
  echo "== starting a throwaway PostgreSQL"
  OFFRAMP_PG_DIR_FILE=$(mktemp)
  export OFFRAMP_PG_DIR_FILE
  OFFRAMP_TEST_DATABASE_URL="$(scripts/start-test-postgres.sh)"
  export OFFRAMP_TEST_DATABASE_URL
  trap 'scripts/stop-test-postgres.sh "$(cat "$OFFRAMP_PG_DIR_FILE")" >/dev/null 2>&1 || true' EXIT
fi

echo "== tests"
mkdir -p test-artifacts
$BIN/pytest -n 2 --dist loadgroup --durations=25 "$@"
