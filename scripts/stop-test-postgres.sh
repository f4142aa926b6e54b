#!/usr/bin/env bash
# Stop a throwaway PostgreSQL cluster that scripts/start-test-postgres.sh started:
#   scripts/stop-test-postgres.sh DIR      (the directory it printed)
# Only that cluster: others (another test run's) are left alone.
set -uo pipefail
dir=${1:?usage: stop-test-postgres.sh DIR}
case "$dir" in /tmp/offramp-pg.*) ;; *) echo "not a test cluster: $dir" >&2; exit 1 ;; esac
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -d "$dir/data" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1
rm -rf "$dir"
