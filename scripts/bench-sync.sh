#!/bin/sh
# Sync performance: one laptop pushing 20,000 ops; 100 laptops syncing at
# once; the snapshot of a 2,000-position site. Each on the hub's SQLite
# store and, when CUTOVER_TEST_PG is set (e.g.
# postgres://postgres@127.0.0.1:5432/test?sslmode=disable), on PostgreSQL.
# Everything runs on 127.0.0.1. Extra arguments go to `go test`.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${CUTOVER_TEST_PG:-}" ]; then
	echo "CUTOVER_TEST_PG is not set: measuring the SQLite hub only" >&2
fi
exec go test -run '^$' -bench 'Push20000|Fleet100|Snapshot2000|Progress' -benchtime 1x "$@" ./sync/bench/
