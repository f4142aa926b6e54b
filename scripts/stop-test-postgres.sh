#!/usr/bin/env bash
# Stop every throwaway PostgreSQL cluster that scripts/start-test-postgres.sh started.
set -uo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
for data in /tmp/offramp-pg.*/data; do
  [ -d "$data" ] || continue
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$(dirname "$data")"
done
