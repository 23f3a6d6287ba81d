#!/usr/bin/env bash
# Prints the performance figures the issues ask for. Usage: scripts/bench.sh [section...]
# Sections: import status (issue 2), discovery (issue 3, scripts/bench-discovery.sh), tui (issue 5,
# scripts/bench-tui.sh), sync (issues 6 and 7, scripts/bench-sync.sh; on PostgreSQL too when
# CUTOVER_TEST_PG is set or a server answers on 127.0.0.1:5432). Default: all.
set -euo pipefail
cd "$(dirname "$0")/.."
sections=("$@"); [ ${#sections[@]} -gt 0 ] || sections=(import status discovery tui sync)
want() { local s; for s in "${sections[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
runs=${BENCH_RUNS:-7}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
go build -o "$work/cutover" .
go run ./scripts/geninventory > "$work/force.csv"
echo "inventory: $(($(wc -l < "$work/force.csv") - 1)) positions over 200 sites, $(du -k "$work/force.csv" | cut -f1) KiB"

# median_time CMD...: runs CMD $runs times (after a fresh setup by $setup), prints "median_ms max_rss_kib"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local setup=$1; shift
  : > "$work/t"
  for _ in $(seq "$runs"); do
    eval "$setup"
    /usr/bin/time -f '%e %M' -o "$work/one" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    cat "$work/one" >> "$work/t"
  done
  local ms rss
  ms=$(awk '{print $1*1000}' "$work/t" | median)
  rss=$(awk '{print $2}' "$work/t" | median)
  echo "$ms $rss"
}

if want import; then
  read -r ref_ms ref_rss < <(measure 'rm -f "$work/ref.db"' sqlite3 "$work/ref.db" -cmd '.mode csv' ".import $work/force.csv positions")
  read -r cut_ms cut_rss < <(measure 'rm -f "$work"/imp.db*' "$work/cutover" --engineer bench --db "$work/imp.db" import "$work/force.csv")
  echo "import 20,000 positions into a fresh database (median of $runs):"
  printf '  sqlite3 .import (reference): %6.0f ms  peak RSS %6d KiB\n' "$ref_ms" "$ref_rss"
  printf '  cutover import:              %6.0f ms  peak RSS %6d KiB\n' "$cut_ms" "$cut_rss"
  awk -v a="$cut_ms" -v b="$ref_ms" 'BEGIN {printf "  ratio: %.2fx the reference (target at most 2x and under 1000 ms)\n", a/b}'
fi
if want status; then
  rm -f "$work"/st.db*
  "$work/cutover" --engineer bench --db "$work/st.db" import "$work/force.csv" >/dev/null
  read -r st_ms st_rss < <(measure ':' "$work/cutover" --db "$work/st.db" status)
  read -r sj_ms _ < <(measure ':' "$work/cutover" --db "$work/st.db" status --json)
  printf 'cutover status over 20,000 positions (whole process, median of %d): %.0f ms (--json %.0f ms), peak RSS %d KiB (target under 100 ms)\n' "$runs" "$st_ms" "$sj_ms" "$st_rss"
  go test -run '^$' -bench 'StatusForce|ParseForce|ImportForce' -benchtime 5x ./site/ | grep '^Benchmark' | sed 's/^/  /'
fi
if [ -z "${CUTOVER_TEST_PG:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  export CUTOVER_TEST_PG="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
fi
for s in discovery tui sync; do
  if want "$s"; then
    echo "--- $s"
    "scripts/bench-$s.sh"
  fi
done
