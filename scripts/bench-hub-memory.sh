#!/usr/bin/env bash
# Peak resident memory of a real `cutover serve` under hostile load before
# login (issue 11, point 1): 200 concurrent 4 MiB POST bodies to
# /v1/auth/enrol, first with a Content-Length, then chunked. Target: a peak
# (VmHWM) under 100 MB.
#
# Usage: scripts/bench-hub-memory.sh [REV...]   REV: a git revision to build
# and measure as well ("." is the working tree, the default), e.g.
#   scripts/bench-hub-memory.sh 12405e4 .      # before and after the fix
# Env: HUBLOAD_N (200), HUBLOAD_SIZE (4194304). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
revs=("$@"); [ ${#revs[@]} -gt 0 ] || revs=(.)
n=${HUBLOAD_N:-200}
size=${HUBLOAD_SIZE:-4194304}
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/hubload" ./scripts/hubload
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

measure() {
  local rev=$1 bin=$work/cutover-$2 home=$work/home-$2
  if [ "$rev" = . ]; then
    go build -o "$bin" .
  else
    mkdir -p "$work/src-$2" && git archive "$rev" | tar -x -C "$work/src-$2"
    (cd "$work/src-$2" && go build -o "$bin" .)
  fi
  mkdir -p "$home"
  HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data \
    "$bin" serve --listen 127.0.0.1:0 --store "sqlite:$home/hub.db" >"$home/out" 2>"$home/err" &
  pid=$!
  local url=""
  for _ in $(seq 200); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$home/out" || true)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "serve did not start:"; cat "$home/err"; exit 1; }
  local name
  if [ "$rev" = . ]; then
    name="working tree at $(git rev-parse --short HEAD)"
    git diff --quiet HEAD || name="$name, with uncommitted changes"
  else
    name="$rev ($(git rev-parse --short "$rev"))"
  fi
  echo "$name: hub at $url, pid $pid"
  echo "  idle:              VmHWM $(kib VmHWM "$pid") KiB"
  echo "  $n × $((size >> 20)) MiB with Content-Length:"
  "$work/hubload" -url "$url" -n "$n" -size "$size"
  echo "  $n × $((size >> 20)) MiB chunked:"
  "$work/hubload" -url "$url" -n "$n" -size "$size" -chunked
  local hwm; hwm=$(kib VmHWM "$pid")
  echo "  after the load:    VmHWM $hwm KiB ($((hwm / 1024)) MiB), VmRSS $(kib VmRSS "$pid") KiB"
  awk -v h="$hwm" 'BEGIN {printf "  peak %s the 100 MB target\n", (h*1024 < 100e6 ? "is under" : "is OVER")}'
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

i=0
for rev in "${revs[@]}"; do
  measure "$rev" "$i"
  i=$((i + 1))
done
