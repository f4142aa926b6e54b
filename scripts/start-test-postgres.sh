#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests and print its URL.
#
#   export OFFRAMP_TEST_DATABASE_URL=$(sudo scripts/start-test-postgres.sh)
#
# Run as root: the cluster lives in a fresh temp dir owned by the postgres user, listens
# on 127.0.0.1 on a free port, trusts local connections, does not fsync (it is thrown
# away; the tests create and drop a database per test, each a checkpoint), and is stopped with
#   runuser -u postgres -- pg_ctl -D <dir printed on stderr> stop
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/offramp-pg.XXXXXX)
chown postgres: "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres offramp_test
echo "cluster in $dir (stop: scripts/stop-test-postgres.sh $dir)" >&2
# tell the caller where the cluster lives, so it stops this one and no other
[ -n "${OFFRAMP_PG_DIR_FILE:-}" ] && echo "$dir" > "$OFFRAMP_PG_DIR_FILE"
echo "postgresql+psycopg://postgres@127.0.0.1:$port/offramp_test"
