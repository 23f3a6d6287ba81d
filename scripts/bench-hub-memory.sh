#!/usr/bin/env bash
# Peak resident memory of a real `cutover serve` under hostile load before
# login (issue 11, point 1): 200 concurrent 4 MiB POST bodies to
# /v1/auth/enrol, first with a Content-Length, then chunked. Target: a peak
# (VmHWM) under 100 MB.
#
# Then, on a fresh hub process, authenticated load (issue 26, point 5):
# 150 concurrent 4 MiB pushes with a good token (ops of 8 KiB notes, all
# decoded by the hub). Target: a peak under 2 × --body-memory plus the
# process's baseline (its VmHWM once serving, before the load).
#
# Usage: scripts/bench-hub-memory.sh [REV...]   REV: a git revision to build
# and measure as well ("." is the working tree, the default), e.g.
#   scripts/bench-hub-memory.sh 12405e4 .      # before and after the fix
# Env: HUBLOAD_N (200), HUBLOAD_SIZE (4194304), HUBLOAD_AUTH_N (150),
# BODY_MEMORY_MIB (64, the hub's --body-memory). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
revs=("$@"); [ ${#revs[@]} -gt 0 ] || revs=(.)
n=${HUBLOAD_N:-200}
size=${HUBLOAD_SIZE:-4194304}
auth_n=${HUBLOAD_AUTH_N:-150}
body_mib=${BODY_MEMORY_MIB:-64}
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/hubload" ./scripts/hubload
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

# serve BIN HOME: start `cutover serve` on a fresh store; sets pid and url.
serve() {
  local bin=$1 home=$2
  mkdir -p "$home"
  HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data \
    "$bin" serve --listen 127.0.0.1:0 --store "sqlite:$home/hub.db" --body-memory "$body_mib" >"$home/out" 2>"$home/err" &
  pid=$!
  url=""
  for _ in $(seq 200); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$home/out" || true)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "serve did not start:"; cat "$home/err"; exit 1; }
}

# measure_auth BIN HOME: the authenticated load on a fresh hub process.
measure_auth() {
  local bin=$1 home=$2
  serve "$bin" "$home"
  local out code tokens token client
  if ! out=$(HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data \
    "$bin" hub user add bench --role admin --store "sqlite:$home/hub.db" 2>&1); then
    echo "  (this revision cannot add a user while serving: $out)"; kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; return
  fi
  code=$(grep -oE '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' <<<"$out" | head -1)
  tokens=$(curl -s -X POST "$url/v1/auth/enrol" -H 'Content-Type: application/json' \
    -d '{"code":"'"$code"'","client_id":"bench-laptop","host":"bench"}')
  token=$(grep -o '"access_token":"[^"]*"' <<<"$tokens" | cut -d'"' -f4)
  client=$(grep -o '"client_id":"[^"]*"' <<<"$tokens" | cut -d'"' -f4)
  [ -n "$token" ] || { echo "  enrolment failed: $tokens"; exit 1; }
  local base; base=$(kib VmHWM "$pid")
  echo "  authenticated, fresh process: baseline VmHWM $base KiB; --body-memory $body_mib MiB"
  echo "  $auth_n × $((size >> 20)) MiB pushes with a good token:"
  "$work/hubload" -url "$url" -n "$auth_n" -size "$size" -token "$token" -client "$client"
  local hwm; hwm=$(kib VmHWM "$pid")
  local limit=$((base + 2 * body_mib * 1024))
  echo "  after the load:    VmHWM $hwm KiB ($((hwm / 1024)) MiB), VmRSS $(kib VmRSS "$pid") KiB; target under $limit KiB ($((limit / 1024)) MiB: 2 × body memory + baseline)"
  awk -v h="$hwm" -v l="$limit" 'BEGIN {printf "  peak %s the target\n", (h < l ? "is under" : "is OVER")}'
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

measure() {
  local rev=$1 bin=$work/cutover-$2 home=$work/home-$2
  if [ "$rev" = . ]; then
    go build -o "$bin" .
  else
    mkdir -p "$work/src-$2" && git archive "$rev" | tar -x -C "$work/src-$2"
    (cd "$work/src-$2" && go build -o "$bin" .)
  fi
  serve "$bin" "$home"
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
  measure_auth "$bin" "$home-auth"
}

i=0
for rev in "${revs[@]}"; do
  measure "$rev" "$i"
  i=$((i + 1))
done
