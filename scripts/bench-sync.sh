#!/bin/sh
# Sync performance (issues 6, 7 and 13), on the hub's SQLite store and, when
# CUTOVER_TEST_PG is set (e.g.
# postgres://postgres@127.0.0.1:5432/test?sslmode=disable), on PostgreSQL:
#
#  1. Go benchmarks (sync/bench), laptops and hub in one process: one laptop
#     pushing 20,000 ops; 100 laptops syncing 200 ops each at once; the
#     snapshot of a 2,000-position site; progress.
#  2. The crowd (scripts/hubload -crowd): a real `cutover serve` process on a
#     fresh store, and from a process of its own 100 laptops' pre-built
#     pushes (200 ops each, in pushes of 50) at once, notes and then a field
#     mix; push p50/p99, throughput, the hub's CPU per applied op (and its
#     PostgreSQL backends'); then 100 laptops asking for one site's snapshot
#     at once, and pulling it at once.
#
# Usage: scripts/bench-sync.sh [REV...]   the crowd is also run on each git
# revision given (built from `git archive`), e.g. to compare with main:
#   scripts/bench-sync.sh 4d65539
# Env: BENCH_SYNC_GO=0 skips the Go benchmarks; BENCH_SYNC_RUNS (1) repeats
# the crowd. Everything runs on 127.0.0.1.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${CUTOVER_TEST_PG:-}" ]; then
	echo "CUTOVER_TEST_PG is not set: measuring the SQLite hub only" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BENCH_SYNC_GO:-1}" != 0 ]; then
	go test -run '^$' -bench 'Push20000|Fleet100|Snapshot2000|Progress' -benchtime 1x ./sync/bench/
fi

go build -o "$work/hubload" ./scripts/hubload
stores="sqlite"
[ -n "${CUTOVER_TEST_PG:-}" ] && stores="sqlite $CUTOVER_TEST_PG"
crowd() { # label binary
	for store in $stores; do
		name=sqlite
		[ "$store" = sqlite ] || name=postgres
		for mix in notes field; do
			i=0
			while [ "$i" -lt "${BENCH_SYNC_RUNS:-1}" ]; do
				echo "== crowd, $1, $name hub, $mix"
				pulls=100
				[ "$mix" = notes ] || pulls=0
				"$work/hubload" -crowd -cutover "$2" -store "$store" -mix "$mix" -pulls "$pulls"
				i=$((i + 1))
			done
		done
	done
}
go build -o "$work/cutover" .
crowd "working tree" "$work/cutover"
for rev in "$@"; do
	mkdir -p "$work/src-$rev"
	git archive "$rev" | tar -x -C "$work/src-$rev"
	(cd "$work/src-$rev" && go build -o "$work/cutover-$rev" .)
	crowd "$rev" "$work/cutover-$rev"
done
